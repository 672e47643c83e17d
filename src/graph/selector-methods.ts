/**
 * Selector methods (`tag:`, `path:`, `config.materialized:` ...), kept in one name → method table
 * as dbt's `selector_methods.py` does. Each method answers one question: does this node match
 * this value? Globs follow Python's `fnmatch` (see `selector-match.ts`).
 */
import { UsageError, didYouMean } from '../errors.js';
import type { ManifestNode, SourceNode, SqlNode, UnitTestNode } from '../manifest/types.js';
import {
  baseName,
  candidatePaths,
  configValueEquals,
  descend,
  fnmatch,
  fqnMatches,
  hasGlob,
  normalizePath,
  stem,
} from './selector-match.js';

/**
 * What `state:` and `result:` compare against: the `--state` folder's manifest.json and
 * run_results.json (see tasks/state.ts, which builds it).
 */
export interface StateLookup {
  /** Ids `state:<value>` selects: new, old, unmodified, modified and modified.<body|configs|relation|persisted_descriptions|macros|contract>. */
  state(value: string): ReadonlySet<string>;
  /** Ids whose result in the state's run_results.json is `value` (error, fail, warn, success, pass, skipped). */
  result(value: string): ReadonlySet<string>;
}

/** Everything a method may need besides the node and the value. */
export interface MatchContext {
  /** Dotted arguments after the method name: `config.meta.owner:x` → `['meta', 'owner']`. */
  readonly args: readonly string[];
  /** The root project's name, for `package:this`. */
  readonly projectName?: string;
  /** The previous state (`--state DIR`), for `state:` and `result:`. */
  readonly state?: StateLookup;
}

/** One selector method: a matcher, plus checks run once when the selector is parsed. */
export interface SelectorMethod {
  /** True when `node` is selected by `value`. */
  readonly match: (node: ManifestNode, value: string, ctx: MatchContext) => boolean;
  /** Throws a {@link UsageError} when the value or arguments can never be valid. */
  readonly check?: (value: string, args: readonly string[], raw: string) => void;
  /** Whether the method takes dotted arguments (only `config` does). */
  readonly takesArgs?: boolean;
}

/** Builds the `BMP_SELECTOR_INVALID` error every malformed selector raises. */
export function invalidSelector(raw: string, why: string, hint?: string): UsageError {
  return new UsageError('BMP_SELECTOR_INVALID', `Invalid selector '${raw}': ${why}`, {}, hint);
}

// ---------------------------------------------------------------------------------------------
// Node helpers

const isSource = (n: ManifestNode): n is SourceNode => n.resourceType === 'source';
const isUnitTest = (n: ManifestNode): n is UnitTestNode => n.resourceType === 'unit_test';
const isDataTest = (n: ManifestNode): n is SqlNode => n.resourceType === 'test';
/** A generic (YAML-declared) data test: it carries test metadata that is not `singular`. */
const isGenericTest = (n: ManifestNode): n is SqlNode =>
  isDataTest(n) && n.testMetadata !== undefined && n.testMetadata.testType !== 'singular';
const isSingularTest = (n: ManifestNode): boolean => isDataTest(n) && !isGenericTest(n);

function nodeTags(node: ManifestNode): readonly string[] {
  const cfg = node.config?.tags ?? [];
  return cfg.length === 0 ? node.tags : [...new Set([...node.tags, ...cfg])];
}

// ---------------------------------------------------------------------------------------------
// Value checks

/** Every resource type dbt knows; the ones bmp has no nodes for simply match nothing. */
const KNOWN_RESOURCE_TYPES = [
  'model',
  'analysis',
  'test',
  'snapshot',
  'operation',
  'seed',
  'rpc',
  'sql_operation',
  'doc',
  'source',
  'macro',
  'exposure',
  'metric',
  'group',
  'saved_query',
  'semantic_model',
  'unit_test',
  'fixture',
] as const;

const TEST_TYPES = ['generic', 'schema', 'singular', 'data', 'unit'] as const;
const VERSION_VALUES = ['latest', 'prerelease', 'old', 'none'] as const;

function oneOf(allowed: readonly string[], what: string) {
  return (value: string, _args: readonly string[], raw: string): void => {
    if (!allowed.includes(value)) {
      const hint = didYouMean(value, allowed);
      throw invalidSelector(raw, `'${value}' is not a ${what}; expected one of ${allowed.join(', ')}`, hint);
    }
  };
}

function dottedParts(max: number, form: string) {
  return (value: string, _args: readonly string[], raw: string): void => {
    const parts = value.split('.');
    if (parts.length > max || parts.some((p) => p === '')) {
      throw invalidSelector(raw, `expected ${form}`);
    }
  };
}

function unsupported(method: string, needs: string): SelectorMethod {
  return {
    match: () => false,
    check: (_value, _args, raw) => {
      throw new UsageError(
        'BMP_SELECTOR_UNSUPPORTED_METHOD',
        `Selector '${raw}': the '${method}' method needs ${needs}, which bmp does not support`,
      );
    },
  };
}

const matchesNothing: SelectorMethod = { match: () => false };

/** `state:` values dbt knows. */
export const STATE_VALUES = ['new', 'old', 'unmodified', 'modified', 'modified.body', 'modified.configs', 'modified.relation', 'modified.persisted_descriptions', 'modified.macros', 'modified.contract'] as const;
/** `result:` values: the statuses run_results.json records. */
export const RESULT_VALUES = ['success', 'error', 'fail', 'warn', 'pass', 'skipped'] as const;

/** `state:` / `result:`: membership in what the state comparison found; without --state, an error saying so. */
function stateMethod(method: string, values: readonly string[], ids: (state: StateLookup, value: string) => ReadonlySet<string>): SelectorMethod {
  return {
    check: oneOf(values, `${method} selector`),
    match: (node, value, ctx) => {
      if (!ctx.state) throw new UsageError('BMP_STATE_REQUIRED', `the selector '${method}:${value}' compares with a previous run: give --state DIR (the folder holding its manifest.json)`);
      return ids(ctx.state, value).has(node.uniqueId);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The table

/**
 * Every selector method by name, as dbt's `MethodName`. A bare value (no `method:`) uses `path`
 * when it holds a `/`, `file` when it ends in `.sql`, `.py` or `.csv`, and `fqn` otherwise.
 *
 * @example
 * ```ts
 * SELECTOR_METHODS.tag.match(node, 'nightly', { args: [] }); // true when node is tagged nightly
 * ```
 */
export const SELECTOR_METHODS = {
  /**
   * dbt's fqn match (`stg_orders`, `staging`, `project.staging.stg_orders`, `staging.*`), tried
   * with and without the package; bmp also matches a glob against the node name (`stg_*`), which
   * dbt only does for models at the root of the model folder. Sources are left to `source:`.
   */
  fqn: {
    match: (node, value) => {
      if (isSource(node)) return false;
      const versioned = node.resourceType === 'model' && (node as { version?: string }).version !== undefined;
      return fqnMatches(node.fqn, value, versioned) || fqnMatches(node.fqn.slice(1), value, versioned) || (hasGlob(value) && fnmatch(node.name, value));
    },
  },
  tag: { match: (node, value) => nodeTags(node).some((t) => fnmatch(t, value)) },
  path: {
    match: (node, value) => {
      const pattern = normalizePath(value);
      if (pattern === '') return true;
      return candidatePaths(node).some((p) => fnmatch(p, pattern));
    },
  },
  file: {
    match: (node, value) => {
      const name = baseName(normalizePath(node.originalFilePath));
      return fnmatch(name, value) || fnmatch(stem(name), value);
    },
  },
  package: {
    match: (node, value, ctx) =>
      fnmatch(node.packageName, value === 'this' && ctx.projectName ? ctx.projectName : value),
  },
  config: {
    takesArgs: true,
    check: (_value, args, raw) => {
      if (args.length === 0 || args.some((a) => a === '')) {
        const hint = "write config.<key>:<value>, e.g. 'config.materialized:table'";
        throw invalidSelector(raw, 'the config method needs a key', hint);
      }
    },
    match: (node, value, ctx) => {
      const got = descend(node.config, ctx.args);
      if (!got.found) return false;
      const ci = ctx.args.length === 1 && ctx.args[0] === 'severity';
      return Array.isArray(got.value)
        ? got.value.some((v) => configValueEquals(v, value, ci))
        : configValueEquals(got.value, value, ci);
    },
  },
  resource_type: {
    check: oneOf(KNOWN_RESOURCE_TYPES, 'resource type'),
    match: (node, value) => node.resourceType === value,
  },
  test_type: {
    check: oneOf(TEST_TYPES, 'test type'),
    match: (node, value) => {
      switch (value) {
        case 'generic':
        case 'schema':
          return isGenericTest(node);
        case 'singular':
          return isSingularTest(node);
        case 'data':
          return isDataTest(node);
        case 'unit':
          return isUnitTest(node);
        default:
          return false;
      }
    },
  },
  test_name: {
    match: (node, value) => {
      if (isGenericTest(node)) {
        const meta = node.testMetadata!;
        const qualified = meta.namespace !== undefined && fnmatch(`${meta.namespace}.${meta.name}`, value);
        return fnmatch(meta.name, value) || qualified;
      }
      return isUnitTest(node) && fnmatch(node.name, value);
    },
  },
  source: {
    check: dottedParts(3, '`source_name`, `source_name.table_name` or `package.source_name.table_name`'),
    match: (node, value) => {
      if (!isSource(node)) return false;
      // `src`, `src.table` or `package.src.table`; what is left out matches anything.
      const parts = value.split('.');
      const [pkg = '*', src = '*', table = '*'] = parts.length === 3 ? parts : ['*', parts[0], parts[1]];
      return fnmatch(node.packageName, pkg) && fnmatch(node.sourceName, src) && fnmatch(node.name, table);
    },
  },
  unit_test: {
    check: dottedParts(2, '`test_name` or `package.test_name`'),
    match: (node, value) => {
      if (!isUnitTest(node)) return false;
      const parts = value.split('.');
      const [pkg, name] = parts.length === 1 ? ['*', parts[0]!] : [parts[0]!, parts[1]!];
      return fnmatch(node.packageName, pkg) && fnmatch(node.name, name);
    },
  },
  group: { match: (node, value) => !isSource(node) && node.config?.['group'] === value },
  access: {
    check: oneOf(['private', 'protected', 'public'], 'model access'),
    match: (node, value) => node.resourceType === 'model' && (node.config?.['access'] ?? 'protected') === value,
  },
  version: {
    check: oneOf(VERSION_VALUES, 'version selector'),
    // a model's version against its latest one (numbers when both read as numbers, as dbt compares)
    match: (node, value) => {
      if (node.resourceType !== 'model') return false;
      const { version, latestVersion } = node as { version?: string; latestVersion?: string };
      if (version === undefined || latestVersion === undefined) return value === 'none';
      const order = Number.isFinite(Number(version)) && Number.isFinite(Number(latestVersion)) ? Number(version) - Number(latestVersion) : version < latestVersion ? -1 : version > latestVersion ? 1 : 0;
      return value === 'latest' ? order === 0 : value === 'prerelease' ? order > 0 : value === 'old' ? order < 0 : false;
    },
  },
  // exposures, metrics, semantic models and saved queries are not graph nodes: select-nodes.ts
  // handles them (`+exposure:x` reaches what they depend on); by themselves they match no node
  exposure: matchesNothing,
  metric: matchesNothing,
  semantic_model: matchesNothing,
  saved_query: matchesNothing,
  state: stateMethod('state', STATE_VALUES, (st, v) => st.state(v)),
  result: stateMethod('result', RESULT_VALUES, (st, v) => st.result(v)),
  source_status: unsupported('source_status', 'source freshness results'),
} as const satisfies Record<string, SelectorMethod>;

/** A selector method name (`tag`, `config`, `resource_type`, ...). */
export type MethodName = keyof typeof SELECTOR_METHODS;

/** True when `name` is a selector method. */
export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(SELECTOR_METHODS, name);
}
