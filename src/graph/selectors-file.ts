/**
 * `selectors.yml`: named selections (`bmp run --selector nightly`), as dbt reads them. A definition is
 * a selector string, a `{method, value, parents, children, ...}` mapping (or `{tag: x}`), or
 * `union:`/`intersection:` lists whose `exclude:` items are subtracted. One selector may be
 * `default: true`: it applies when a command selects nothing itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { YamlFile } from '../config/index.js';
import { ConfigError, UsageError, didYouMean, type ErrorLocation } from '../errors.js';

export interface SelectorDefinition {
  readonly name: string;
  readonly description: string;
  readonly default: boolean;
  /** The definition as written. */
  readonly definition: unknown;
  readonly where: ErrorLocation;
}

export interface SelectorsFile {
  readonly file: string;
  readonly selectors: ReadonlyMap<string, SelectorDefinition>;
  /** The `default: true` selector, if any. */
  readonly defaultSelector?: string;
}

/** Renders the Jinja in a YAML tree's strings (`default: "{{ target.name == 'dev' }}"`). */
export type SelectorsRender = (tree: unknown, where: (path: (string | number)[]) => ErrorLocation) => unknown;

/**
 * Reads `<project>/selectors.yml`; nothing when there is none.
 * @throws ConfigError BMP_SELECTORS_INVALID (a malformed file, two defaults, a duplicate name)
 */
export function readSelectorsFile(projectDir: string, render?: SelectorsRender): SelectorsFile | undefined {
  const path = join(projectDir, 'selectors.yml');
  if (!existsSync(path)) return undefined;
  const yaml = YamlFile.parse(readFileSync(path, 'utf8'), 'selectors.yml');
  // dbt renders the file as it renders dbt_project.yml (target, env_var, --vars)
  const data = (render ? render(yaml.data, (p) => yaml.lazyLocate(p, 'value')) : yaml.data) as { selectors?: unknown } | null;
  const list = data?.selectors;
  if (!Array.isArray(list)) throw new ConfigError('BMP_SELECTORS_INVALID', "selectors.yml must hold a list under 'selectors:'", yaml.locate([]));
  const selectors = new Map<string, SelectorDefinition>();
  let defaultSelector: string | undefined;
  list.forEach((entry, i) => {
    const e = entry as Record<string, unknown>;
    const where = yaml.locate(['selectors', i]);
    if (!e || typeof e !== 'object' || typeof e['name'] !== 'string') throw new ConfigError('BMP_SELECTORS_INVALID', 'each selector needs a name', where);
    if (e['definition'] === undefined) throw new ConfigError('BMP_SELECTORS_INVALID', `selector '${e['name']}' has no definition`, where);
    if (selectors.has(e['name'])) throw new ConfigError('BMP_SELECTORS_INVALID', `selector '${e['name']}' is defined twice`, where);
    const isDefault = e['default'] === true;
    if (isDefault && defaultSelector) throw new ConfigError('BMP_SELECTORS_INVALID', `two default selectors: '${defaultSelector}' and '${e['name']}'`, where);
    if (isDefault) defaultSelector = e['name'];
    selectors.set(e['name'], { name: e['name'], description: String(e['description'] ?? ''), default: isDefault, definition: e['definition'], where });
  });
  return { file: 'selectors.yml', selectors, defaultSelector };
}

/**
 * What evaluating a definition needs: the ids a selector string selects (dbt's CLI syntax), with
 * the definition's own `indirect_selection` when it has one.
 */
export type SelectString = (spec: string, opts?: { readonly indirectSelection?: 'eager' | 'cautious' | 'buildable' | 'empty' }) => ReadonlySet<string>;

const INDIRECT = ['eager', 'cautious', 'buildable', 'empty'] as const;

const GRAPH_KEYS = new Set(['method', 'value', 'parents', 'children', 'parents_depth', 'children_depth', 'childrens_parents', 'indirect_selection', 'description']);

/**
 * The ids a named selector selects.
 * @throws UsageError BMP_SELECTOR_UNKNOWN for a name selectors.yml does not define
 * @throws ConfigError BMP_SELECTORS_INVALID for a definition bmp cannot read
 */
export function evaluateSelector(file: SelectorsFile | undefined, name: string, select: SelectString): Set<string> {
  const def = file?.selectors.get(name);
  if (!def) {
    const names = [...(file?.selectors.keys() ?? [])];
    throw new UsageError('BMP_SELECTOR_UNKNOWN', file ? `no selector named '${name}' in selectors.yml` : `--selector '${name}' needs a selectors.yml in the project folder`, undefined, didYouMean(name, names) ?? (names.length ? `selectors: ${names.join(', ')}` : undefined));
  }
  return evaluate(def.definition, def, file!, select, [name]);
}

function evaluate(d: unknown, def: SelectorDefinition, file: SelectorsFile, select: SelectString, stack: readonly string[]): Set<string> {
  const bad = (why: string): never => {
    throw new ConfigError('BMP_SELECTORS_INVALID', `selector '${def.name}': ${why}`, def.where);
  };
  if (typeof d === 'string') return new Set(select(d));
  if (!d || typeof d !== 'object' || Array.isArray(d)) return bad(`a definition is a string or a mapping, got ${JSON.stringify(d)}`);
  const o = d as Record<string, unknown>;
  for (const op of ['union', 'intersection'] as const) {
    if (o[op] === undefined) continue;
    if (!Array.isArray(o[op])) bad(`'${op}' must be a list`);
    const items = o[op] as unknown[];
    const excludes = items.filter((i) => i && typeof i === 'object' && !Array.isArray(i) && 'exclude' in (i as object)).flatMap((i) => {
      const ex = (i as { exclude: unknown }).exclude;
      return Array.isArray(ex) ? ex : [ex];
    });
    const parts = items.filter((i) => !(i && typeof i === 'object' && !Array.isArray(i) && 'exclude' in (i as object))).map((i) => evaluate(i, def, file, select, stack));
    let out: Set<string>;
    if (op === 'union') out = new Set(parts.flatMap((p) => [...p]));
    else out = parts.length ? new Set([...parts[0]!].filter((id) => parts.every((p) => p.has(id)))) : new Set();
    for (const ex of excludes) for (const id of evaluate(ex, def, file, select, stack)) out.delete(id);
    return out;
  }
  if ('exclude' in o) bad("'exclude' belongs inside a union or intersection");
  // {method: tag, value: x, ...} or the shorthand {tag: x}
  let method = o['method'];
  let value = o['value'];
  if (method === undefined) {
    const keys = Object.keys(o).filter((k) => !GRAPH_KEYS.has(k));
    if (keys.length !== 1) return bad(`a mapping needs method and value (or one method: value pair), got keys ${Object.keys(o).join(', ')}`);
    method = keys[0];
    value = o[keys[0]!];
  }
  if (typeof method !== 'string' || (typeof value !== 'string' && typeof value !== 'number')) return bad(`method and value must be strings, got ${JSON.stringify({ method, value })}`);
  if (method === 'selector') {
    if (stack.includes(String(value))) bad(`selector '${value}' refers to itself`);
    const inner = file.selectors.get(String(value));
    if (!inner) bad(`refers to selector '${value}', which is not defined`);
    return evaluate(inner!.definition, inner!, file, select, [...stack, String(value)]);
  }
  const depth = (v: unknown) => (typeof v === 'number' ? String(v) : '');
  const up = o['childrens_parents'] ? '@' : o['parents'] ? `${depth(o['parents_depth'])}+` : '';
  const down = !o['childrens_parents'] && o['children'] ? `+${depth(o['children_depth'])}` : '';
  const atom = method === 'fqn' ? String(value) : `${method}:${value}`;
  const indirect = o['indirect_selection'];
  if (indirect !== undefined && !INDIRECT.includes(indirect as (typeof INDIRECT)[number])) bad(`indirect_selection must be one of ${INDIRECT.join(', ')}, got ${JSON.stringify(indirect)}`);
  return new Set(select(`${up}${atom}${down}`, indirect === undefined ? undefined : { indirectSelection: indirect as (typeof INDIRECT)[number] }));
}
