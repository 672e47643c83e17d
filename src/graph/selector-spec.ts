/**
 * Parsing of dbt selection syntax into plain frozen records, as dbt's `selector_spec.py` does:
 * one regex splits an atom (`2+tag:nightly+3`, `@stg_x`) into method, value and graph operators;
 * `--select` lists are split into a union of intersections.
 */
import { UsageError, didYouMean } from '../errors.js';
import {
  type MethodName,
  type SelectorMethod,
  SELECTOR_METHODS,
  invalidSelector,
  isMethodName,
} from './selector-methods.js';

/** One parsed selector atom. */
export interface SelectorSpec {
  /** The atom as written. */
  readonly raw: string;
  /** The method; a bare value resolves to `path`, `file` or `fqn` as in dbt. */
  readonly method: MethodName;
  /** Dotted arguments of the method: `config.meta.owner:x` → `['meta', 'owner']`. */
  readonly methodArgs: readonly string[];
  /** What the method matches: a name, tag, path, glob... */
  readonly value: string;
  /** `+m`: also select ancestors. */
  readonly parents: boolean;
  /** `2+m`: how many generations of ancestors; `undefined` means all. */
  readonly parentsDepth?: number;
  /** `m+`: also select descendants. */
  readonly children: boolean;
  /** `m+3`: how many generations of descendants; `undefined` means all. */
  readonly childrenDepth?: number;
  /** `@m`: select m, its descendants, and every ancestor of those. */
  readonly childrensParents: boolean;
}

/** dbt's `RAW_SELECTOR_PATTERN`. The value is lazy so a trailing `+N` goes to the children. */
const RAW_SELECTOR_PATTERN = new RegExp(
  [
    '^(?<childrensParents>@)?',
    '(?:(?<parentsDepth>\\d*)(?<parents>\\+))?',
    '(?:(?<method>[\\w.]+):)?',
    '(?<value>.*?)',
    '(?:(?<children>\\+)(?<childrenDepth>\\d*))?$',
  ].join(''),
  's',
);

const FILE_EXTENSIONS = ['.sql', '.py', '.csv'];

/** dbt's default method for a bare value: `path` if it has a `/`, `file` for a file name, else `fqn`. */
function defaultMethod(value: string): MethodName {
  if (value.includes('/') || value.includes('\\')) return 'path';
  const lower = value.toLowerCase();
  if (FILE_EXTENSIONS.some((ext) => lower.endsWith(ext))) return 'file';
  return 'fqn';
}

function depth(raw: string | undefined): number | undefined {
  return raw === undefined || raw === '' ? undefined : Number.parseInt(raw, 10);
}

/**
 * Parses one selector atom (no spaces or commas) into a frozen {@link SelectorSpec}.
 *
 * @example
 * ```ts
 * parseSelector('2+tag:nightly+3');
 * // { raw: '2+tag:nightly+3', method: 'tag', methodArgs: [], value: 'nightly',
 * //   parents: true, parentsDepth: 2, children: true, childrenDepth: 3, childrensParents: false }
 * parseSelector('config.meta.owner:ana'); // method 'config', methodArgs ['meta', 'owner']
 * parseSelector('models/staging');        // method 'path' (a bare value with a '/')
 * ```
 * @throws UsageError `BMP_SELECTOR_INVALID` for a malformed atom (`+`, `tag:`, `@m+`, `test_type:foo`),
 *   `BMP_SELECTOR_UNKNOWN_METHOD` for an unknown method (with a did-you-mean hint),
 *   `BMP_SELECTOR_UNSUPPORTED_METHOD` for dbt methods that need state bmp does not keep (`state:`).
 */
export function parseSelector(text: string): SelectorSpec {
  const raw = text.trim();
  const m = RAW_SELECTOR_PATTERN.exec(raw);
  const g = m?.groups;
  if (!g) throw invalidSelector(raw, 'cannot be parsed');
  const value = g['value'] ?? '';
  const methodText = g['method'];
  if (value === '') {
    throw invalidSelector(
      raw,
      methodText ? `nothing after '${methodText}:'` : 'it names nothing to select',
      methodText ? `write ${methodText}:<value>` : undefined,
    );
  }
  const childrensParents = g['childrensParents'] !== undefined;
  const children = g['children'] !== undefined;
  if (childrensParents && children) {
    const hint = "'@m' already selects m's descendants";
    throw invalidSelector(raw, "the '@' prefix and the '+' suffix cannot be combined", hint);
  }

  let method: MethodName;
  let methodArgs: readonly string[] = [];
  if (methodText === undefined) {
    method = defaultMethod(value);
  } else {
    const [name = '', ...args] = methodText.split('.');
    if (!isMethodName(name)) {
      throw new UsageError(
        'BMP_SELECTOR_UNKNOWN_METHOD',
        `Unknown selector method '${name}' in '${raw}'`,
        {},
        didYouMean(name, Object.keys(SELECTOR_METHODS)),
      );
    }
    method = name;
    methodArgs = Object.freeze(args);
    const impl: SelectorMethod = SELECTOR_METHODS[name];
    if (args.length > 0 && !impl.takesArgs) {
      throw invalidSelector(raw, `the '${name}' method takes no '.${args.join('.')}' argument`);
    }
    impl.check?.(value, args, raw);
  }

  const parentsDepth = depth(g['parentsDepth']);
  const childrenDepth = depth(g['childrenDepth']);
  return Object.freeze({
    raw,
    method,
    methodArgs,
    value,
    parents: g['parents'] !== undefined,
    ...(parentsDepth !== undefined && { parentsDepth }),
    children,
    ...(childrenDepth !== undefined && { childrenDepth }),
    childrensParents,
  });
}

/**
 * Parses `--select`/`--exclude` values into a union (outer list) of intersections (inner lists):
 * list items and space-separated words are unioned, comma-separated atoms intersected.
 *
 * @example
 * ```ts
 * parseSelection(['a b', 'tag:x,config.materialized:table']);
 * // [[a], [b], [tag:x, config.materialized:table]]  (each a SelectorSpec)
 * ```
 * @throws UsageError `BMP_SELECTOR_INVALID` for an empty atom in a comma group (`tag:x,`), and any
 *   error of {@link parseSelector}.
 */
export function parseSelection(items: readonly string[]): readonly (readonly SelectorSpec[])[] {
  const groups: (readonly SelectorSpec[])[] = [];
  for (const item of items) {
    for (const word of item.split(/\s+/)) {
      if (word === '') continue;
      const atoms = word.split(',');
      if (atoms.some((a) => a === '')) {
        throw invalidSelector(word, 'a comma must sit between two selectors', "'a,b' selects what both a and b select");
      }
      groups.push(Object.freeze(atoms.map(parseSelector)));
    }
  }
  return Object.freeze(groups);
}
