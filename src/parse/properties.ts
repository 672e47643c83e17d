import { ParseError, didYouMean, type ErrorLocation } from '../errors.js';
import { YamlFile, type NativeRenderer } from '../config/index.js';
import type { Constraint } from '../manifest/types.js';
import type { SourceFile } from './files.js';
import { PyFloat } from '../manifest/py-float.js';

/** A test as written under `tests:`/`data_tests:` in properties YAML. */
export interface TestDefinition {
  /** e.g. `not_null`, `accepted_values`, `my_custom` (namespace stripped). */
  readonly testName: string;
  readonly namespace?: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
  /** Explicit `name:` given by the user. */
  readonly customName?: string;
  readonly where: ErrorLocation;
  /**
   * The arguments as Python reads them, when that differs (a whole-number float, `0.0`): dbt names
   * and hashes the test with them (`..._0_0`); the arguments themselves stay plain numbers.
   */
  readonly pythonArgs?: Readonly<Record<string, unknown>>;
}

export interface ColumnPatch {
  readonly name: string;
  readonly description: string;
  readonly data_type?: string;
  readonly meta: Record<string, unknown>;
  readonly tags: string[];
  readonly tests: TestDefinition[];
  /** `quote: true`: the name is quoted where tests use it. */
  readonly quote?: boolean;
  readonly constraints?: Constraint[];
}

export interface NodePatch {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly config: Record<string, unknown>;
  readonly columns: ColumnPatch[];
  readonly tests: TestDefinition[];
  readonly meta: Record<string, unknown>;
  readonly tags: string[];
  readonly where: ErrorLocation;
  /** Where each key under `config:` was written. */
  readonly configWhere?: (key: string) => ErrorLocation;
  /** A snapshot declared in YAML (dbt 1.9): what it snapshots, `ref('x')` or `source('a', 'b')`. */
  readonly relation?: string;
  /** Model-level `constraints:`. */
  readonly constraints?: Constraint[];
  /** A versioned model's `versions:` (each built from `<name>_v<v>.sql`, or `defined_in`). */
  readonly versions?: readonly ModelVersion[];
  /** `latest_version:` (default: the greatest version), what `ref('name')` without `v=` reads. */
  readonly latestVersion?: string;
}

export interface ModelVersion {
  /** The version as written (`1`, `2`, `'2.1'`), as text. */
  readonly v: string;
  /** The SQL file's base name (default `<name>_v<v>`). */
  readonly definedIn?: string;
  /** This version's own `config:` over the model's. */
  readonly config: Record<string, unknown>;
  readonly where: ErrorLocation;
  /** Keys of the version bmp does not act on (its own `columns:`, `tests:`, ...): warned about. */
  readonly ignored: readonly string[];
}

/** What a version entry may hold that bmp acts on; the rest is warned about (KeyNotActedOn). */
const VERSION_KEYS = ['v', 'defined_in', 'config'];

export interface SourceTablePatch extends NodePatch {
  readonly identifier?: string;
  readonly externalLocation?: string;
  readonly loader?: string;
  readonly loadedAtField?: string;
  /** `freshness:` as written; `null` turns the source's freshness off for this table. */
  readonly freshness?: unknown;
}

export interface SourcePatch {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly schema?: string;
  readonly database?: string;
  readonly meta: Record<string, unknown>;
  readonly tags: string[];
  readonly config: Record<string, unknown>;
  readonly tables: SourceTablePatch[];
  readonly externalLocation?: string;
  readonly where: ErrorLocation;
  readonly configWhere?: (key: string) => ErrorLocation;
  readonly loadedAtField?: string;
  readonly freshness?: unknown;
}

export interface UnitTestPatch {
  readonly name: string;
  readonly model: string;
  readonly file: string;
  readonly description: string;
  readonly given: { input: string; rows?: unknown; format?: string; fixture?: string }[];
  readonly expect: { rows?: unknown; format?: string; fixture?: string };
  readonly overrides: Record<string, unknown>;
  readonly config: Record<string, unknown>;
  /** `versions: {include: [...]}` or `{exclude: [...]}`: which versions of a versioned model it tests (all by default). */
  readonly versions?: { readonly include?: readonly string[]; readonly exclude?: readonly string[] };
  readonly where: ErrorLocation;
}

export interface Properties {
  readonly models: Map<string, NodePatch>;
  readonly seeds: Map<string, NodePatch>;
  readonly snapshots: Map<string, NodePatch>;
  readonly sources: SourcePatch[];
  readonly unitTests: UnitTestPatch[];
  readonly macros: Map<string, { description: string; file: string; where: ErrorLocation }>;
  /** Top-level `data_tests:` entries: properties (description, config, meta) of singular tests, by name. */
  readonly singularTests: Map<string, NodePatch>;
  /** Exposures, metrics, semantic models, saved queries and groups, as written (see semantic-resources.ts). */
  readonly resources: RawResource[];
}

/** One entry of `exposures:`, `metrics:`, `semantic_models:`, `saved_queries:` or `groups:`. */
export interface RawResource {
  readonly kind: 'exposures' | 'metrics' | 'semantic_models' | 'saved_queries' | 'groups';
  readonly entry: Readonly<Record<string, unknown>>;
  readonly file: string;
  /** Where a key of the entry (or the entry itself, for []) was written. */
  readonly locate: (path: readonly (string | number)[]) => ErrorLocation;
}

const TEST_CONFIG_KEYS = new Set(['severity', 'where', 'limit', 'tags', 'warn_if', 'error_if', 'store_failures', 'store_failures_as', 'enabled', 'meta', 'fail_calc', 'alias', 'schema', 'database']);
const TOP_KEYS = new Set(['version', 'models', 'sources', 'seeds', 'snapshots', 'unit_tests', 'macros', 'exposures', 'metrics', 'semantic_models', 'saved_queries', 'groups', 'analyses', 'data_tests', 'functions']);

/** Keys whose templates dbt renders later (descriptions with doc(), test arguments) or never now (hooks). */
const LATE_KEYS = new Set(['description', 'tests', 'data_tests']);
const HOOK_KEYS = new Set(['pre_hook', 'post_hook', 'pre-hook', 'post-hook']);

/**
 * What dbt leaves unrendered when it reads a properties entry under `key` (its SchemaYamlRenderer):
 * descriptions and tests (at the entry, its columns and versions), hooks under config; of a source,
 * its description and its tables' descriptions and tests; macros entirely; of a unit test, all but
 * its config.
 */
function notRenderedNow(key: string): (path: readonly (string | number)[], value: unknown) => boolean {
  // the form of the test entry being walked (its own path is visited before what is under it)
  let testNameForm = false;
  const late = (p: readonly (string | number)[], value: unknown) => {
    const test = p.findIndex((k, i) => (k === 'tests' || k === 'data_tests') && typeof p[i + 1] === 'number');
    if (test >= 0) {
      const at = p.slice(test + 2);
      if (!at.length) testNameForm = !!value && typeof value === 'object' && 'test_name' in value;
      return !testConfigValue(at, value, testNameForm);
    }
    // a `tests:` list is walked for its entries' config values
    if ((p[p.length - 1] === 'tests' || p[p.length - 1] === 'data_tests') && Array.isArray(value)) return false;
    return p.some((k) => typeof k === 'string' && LATE_KEYS.has(k)) || (p[0] === 'config' && typeof p[1] === 'string' && HOOK_KEYS.has(p[1]));
  };
  if (key === 'sources') return (p, v) => (p[0] === 'tables' ? late(p.slice(2), v) : late(p, v));
  if (key === 'macros') return (p) => p.length > 0;
  if (key === 'unit_tests') return (p) => p.length > 0 && p[0] !== 'config';
  return late;
}

/**
 * Whether `at` (a path inside one test entry) is on the way to, or is, a config value dbt renders
 * when it builds the test (its TestBuilder): a string given as a config argument, at the test's top
 * level or under its `config:` (`where: "id > {{ var('min') }}"`, a templated `severity`), in
 * either form (`- not_null: {where: ...}` or `- test_name: not_null`). Test arguments, names,
 * descriptions and non-string values (a `tags:` list, a `meta:` mapping) stay as written.
 */
function testConfigValue(at: readonly (string | number)[], value: unknown, testNameForm: boolean): boolean {
  const mapping = !!value && typeof value === 'object' && !Array.isArray(value);
  const configString = (k: string | number | undefined) => typeof k === 'string' && TEST_CONFIG_KEYS.has(k) && typeof value === 'string';
  if (!at.length) return mapping; // the entry: a mapping to walk (a bare name is not rendered)
  if (testNameForm) {
    // `- test_name: x` with config arguments beside it, or under `config:`
    if (at.length === 1) return at[0] === 'config' ? mapping : configString(at[0]);
    return at.length === 2 && at[0] === 'config' && typeof at[1] === 'string' && typeof value === 'string';
  }
  switch (at.length) {
    case 1: // `<test name>:` (walked)
      return mapping;
    case 2: // `<test name>: {key}` (a config argument), or its `config:` (walked)
      return at[1] === 'config' ? mapping : configString(at[1]);
    case 3: // `<test name>: {config: {key}}`
      return at[1] === 'config' && typeof at[2] === 'string' && typeof value === 'string';
    default:
      return false;
  }
}

/**
 * Reads every properties YAML file (`version: 2`) under the model/seed/snapshot paths. With a
 * renderer, values are rendered as dbt renders properties files (natively; see
 * {@link notRenderedNow} for what waits).
 */
export function readProperties(files: readonly SourceFile[], renderer?: NativeRenderer): Properties {
  const props: Properties = { models: new Map(), seeds: new Map(), snapshots: new Map(), sources: [], unitTests: [], macros: new Map(), singularTests: new Map(), resources: [] };
  for (const f of files) {
    // (with Python's values beside the plain ones: a test argument `0.0` names the test as dbt does)
    const yaml = YamlFile.parseFast(f.text, f.path, { pythonValues: true });
    const data = yaml.data as Record<string, unknown> | null;
    if (!data || typeof data !== 'object') continue;
    for (const key of Object.keys(data)) {
      if (!TOP_KEYS.has(key)) throw new ParseError('BMP_PROPERTIES_UNKNOWN_KEY', `unknown top-level key '${key}'`, yaml.lazyLocate([key]), `properties files take ${[...TOP_KEYS].join(', ')}`);
    }
    const list = (key: string): Record<string, unknown>[] => {
      const v = data[key];
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) throw new ParseError('BMP_PROPERTIES_INVALID', `'${key}' must be a list`, yaml.lazyLocate([key]));
      if (!renderer) return v as Record<string, unknown>[];
      const skip = notRenderedNow(key);
      return (v as unknown[]).map((entry, i) => renderer.renderTree(entry, (p) => yaml.lazyLocate([key, i, ...p], 'value'), skip) as Record<string, unknown>);
    };
    const named = (key: string, into: Map<string, NodePatch>) => {
      list(key).forEach((entry, i) => {
        const patch = nodePatch(entry, yaml, [key, i]);
        const prev = into.get(patch.name);
        if (prev) throw new ParseError('BMP_PROPERTIES_DUPLICATE', `${key.replace(/s$/, '')} '${patch.name}' is described twice (${prev.file} and ${f.path})`, patch.where);
        into.set(patch.name, patch);
      });
    };
    named('models', props.models);
    named('seeds', props.seeds);
    named('snapshots', props.snapshots);
    named('data_tests', props.singularTests);
    list('sources').forEach((src, i) => props.sources.push(sourcePatch(src, yaml, ['sources', i])));
    list('unit_tests').forEach((ut, i) => props.unitTests.push(unitTestPatch(ut, yaml, ['unit_tests', i])));
    list('macros').forEach((m, i) => {
      if (typeof m['name'] === 'string') props.macros.set(m['name'], { description: String(m['description'] ?? ''), file: f.path, where: yaml.lazyLocate(['macros', i, 'name'], 'value') });
    });
    for (const kind of ['exposures', 'metrics', 'semantic_models', 'saved_queries', 'groups'] as const) {
      list(kind).forEach((entry, i) => {
        if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new ParseError('BMP_PROPERTIES_INVALID', `each entry of '${kind}' must be a mapping`, yaml.lazyLocate([kind, i]));
        props.resources.push({ kind, entry, file: f.path, locate: (path) => yaml.lazyLocate([kind, i, ...path]) });
      });
    }
  }
  return props;
}

function requireName(entry: Record<string, unknown>, yaml: YamlFile, path: (string | number)[]): string {
  const name = entry?.['name'];
  if (typeof name !== 'string' || !name) throw new ParseError('BMP_PROPERTIES_INVALID', `entry has no 'name'`, yaml.lazyLocate(path));
  return name;
}

/** `at`: where the value was written, or something that finds it (only an error needs it). */
function mapping(v: unknown, what: string, at: ErrorLocation | { readonly where: ErrorLocation }): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ParseError('BMP_PROPERTIES_INVALID', `'${what}' must be a mapping`, 'where' in at ? at.where : at);
  return v as Record<string, unknown>;
}

function strings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** dbt's property keys, to catch typos (`confg:`, `descripton:`) that would otherwise be ignored. */
const NODE_KEYS = ['name', 'description', 'config', 'columns', 'tests', 'data_tests', 'docs', 'meta', 'tags', 'access', 'group', 'latest_version', 'versions', 'constraints', 'deprecation_date', 'time_spine', 'identifier', 'loaded_at_field', 'freshness', 'quoting', 'external', 'loader', 'relation'];
const COLUMN_KEYS = ['name', 'description', 'data_type', 'meta', 'tags', 'tests', 'data_tests', 'constraints', 'quote', 'policy_tags', 'granularity', 'config', 'docs'];
const SOURCE_KEYS = ['name', 'description', 'database', 'schema', 'loader', 'loaded_at_field', 'meta', 'tags', 'config', 'overrides', 'freshness', 'quoting', 'tables'];

/**
 * A key that is not one of dbt's but is close to one is a typo: an error with the suggestion. Other
 * extra keys are left alone (dbt projects carry custom ones).
 * @throws ParseError BMP_PROPERTIES_UNKNOWN_KEY
 */
function checkTypos(entry: Record<string, unknown>, known: readonly string[], what: string, yaml: YamlFile, path: (string | number)[]): void {
  if (!entry || typeof entry !== 'object') return;
  for (const key of Object.keys(entry)) {
    if (known.includes(key)) continue;
    const hint = didYouMean(key, known);
    if (hint) throw new ParseError('BMP_PROPERTIES_UNKNOWN_KEY', `unknown key '${key}' in ${what}`, yaml.lazyLocate([...path, key]), hint);
  }
}

function nodePatch(entry: Record<string, unknown>, yaml: YamlFile, path: (string | number)[]): NodePatch {
  const name = requireName(entry, yaml, path);
  checkTypos(entry, NODE_KEYS, `'${name}'`, yaml, path);
  const where = yaml.lazyLocate([...path, 'name'], 'value');
  const config = mapping(entry['config'], 'config', new YamlPlace(yaml, [...path, 'config']));
  const columns = Array.isArray(entry['columns']) ? (entry['columns'] as Record<string, unknown>[]) : [];
  return {
    name,
    file: yaml.file,
    description: String(entry['description'] ?? ''),
    config,
    meta: mapping(entry['meta'], 'meta', where),
    tags: strings(entry['tags']),
    where,
    configWhere: (key) => yaml.lazyLocate([...path, 'config', key]),
    ...(entry['relation'] !== undefined ? { relation: String(entry['relation']) } : {}),
    ...modelVersions(entry, name, yaml, path),
    ...constraintsOf(entry['constraints'], `'${name}'`, yaml, [...path, 'constraints']),
    columns: columns.map((c, ci) => {
      const cname = requireName(c, yaml, [...path, 'columns', ci]);
      const cpath = [...path, 'columns', ci];
      checkTypos(c, COLUMN_KEYS, `column '${cname}' of '${name}'`, yaml, cpath);
      return {
        name: cname,
        description: String(c['description'] ?? ''),
        data_type: c['data_type'] === undefined ? undefined : String(c['data_type']),
        meta: mapping(c['meta'], 'meta', new YamlPlace(yaml, cpath)),
        tags: strings(c['tags']),
        tests: testDefinitions(c, yaml, cpath),
        quote: c['quote'] === true,
        ...constraintsOf(c['constraints'], `column '${cname}' of '${name}'`, yaml, [...cpath, 'constraints']),
      };
    }),
    tests: testDefinitions(entry, yaml, path),
  };
}

/**
 * `constraints:` of a column or model: `{type: not_null | unique | primary_key | check | foreign_key | custom, expression, columns, name}`.
 * @throws ParseError BMP_PROPERTIES_INVALID for an entry without a type, or a check without its expression
 */
function constraintsOf(raw: unknown, owner: string, yaml: YamlFile, path: (string | number)[]): { constraints?: Constraint[] } {
  if (raw === undefined || raw === null) return {};
  if (!Array.isArray(raw)) throw new ParseError('BMP_PROPERTIES_INVALID', `${owner}: constraints must be a list of {type: ...}`, yaml.lazyLocate(path));
  return {
    constraints: raw.map((e: unknown, i) => {
      const o = e as Record<string, unknown> | null;
      const type = o && typeof o === 'object' ? o['type'] : undefined;
      if (typeof type !== 'string' || !type) throw new ParseError('BMP_PROPERTIES_INVALID', `${owner}: each constraint needs a type (not_null, unique, primary_key, check, ...)`, yaml.lazyLocate([...path, i]));
      const expression = o!['expression'];
      if (type === 'check' && (typeof expression !== 'string' || !expression.trim())) throw new ParseError('BMP_PROPERTIES_INVALID', `${owner}: a check constraint needs an expression`, yaml.lazyLocate([...path, i]));
      const columns = o!['columns'];
      return {
        type,
        ...(typeof expression === 'string' ? { expression } : {}),
        ...(Array.isArray(columns) ? { columns: columns.map(String) } : {}),
        ...(typeof o!['name'] === 'string' ? { name: o!['name'] as string } : {}),
      };
    }),
  };
}

/**
 * `versions:` and `latest_version:` of a model entry.
 * @throws ParseError BMP_PROPERTIES_INVALID for a version without `v`, a repeated one, or a latest_version that is none of them
 */
function modelVersions(entry: Record<string, unknown>, name: string, yaml: YamlFile, path: (string | number)[]): { versions?: ModelVersion[]; latestVersion?: string } {
  const raw = entry['versions'];
  if (raw === undefined || raw === null) return {};
  if (!Array.isArray(raw) || !raw.length) throw new ParseError('BMP_PROPERTIES_INVALID', `model '${name}': versions must be a list of {v: ...}`, yaml.lazyLocate([...path, 'versions']));
  const versions = raw.map((e: unknown, i) => {
    const at = [...path, 'versions', i];
    const o = e as Record<string, unknown> | null;
    if (!o || typeof o !== 'object' || o['v'] === undefined || o['v'] === null) throw new ParseError('BMP_PROPERTIES_INVALID', `model '${name}': each version needs a v`, yaml.lazyLocate(at));
    const definedIn = o['defined_in'];
    const ignored = Object.keys(o).filter((k) => !VERSION_KEYS.includes(k));
    return { v: String(o['v']), ...(typeof definedIn === 'string' && definedIn ? { definedIn } : {}), config: mapping(o['config'], 'config', new YamlPlace(yaml, [...at, 'config'])), where: yaml.lazyLocate([...at, 'v'], 'value'), ignored };
  });
  const seen = new Set<string>();
  for (const v of versions) {
    if (seen.has(v.v)) throw new ParseError('BMP_PROPERTIES_INVALID', `model '${name}': version ${v.v} is declared twice`, v.where);
    seen.add(v.v);
  }
  const latest = entry['latest_version'];
  if (latest !== undefined && latest !== null && !seen.has(String(latest))) {
    throw new ParseError('BMP_PROPERTIES_INVALID', `model '${name}': latest_version ${String(latest)} is not one of its versions (${[...seen].join(', ')})`, yaml.lazyLocate([...path, 'latest_version'], 'value'));
  }
  return { versions, ...(latest !== undefined && latest !== null ? { latestVersion: String(latest) } : {}) };
}

function testDefinitions(entry: Record<string, unknown>, yaml: YamlFile, path: (string | number)[]): TestDefinition[] {
  const out: TestDefinition[] = [];
  // dbt: "Invalid test config: cannot have both 'tests' and 'data_tests' defined"
  if (entry['tests'] !== undefined && entry['tests'] !== null && entry['data_tests'] !== undefined && entry['data_tests'] !== null) {
    throw new ParseError('BMP_PROPERTIES_INVALID', `cannot have both 'tests' and 'data_tests' defined`, yaml.lazyLocate([...path, 'data_tests']), "keep one of them ('data_tests' is dbt's current name)");
  }
  for (const key of ['tests', 'data_tests']) {
    const v = entry[key];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v)) throw new ParseError('BMP_PROPERTIES_INVALID', `'${key}' must be a list`, yaml.lazyLocate([...path, key]));
    for (let i = 0; i < v.length; i++) out.push(testDefinition(v[i], new YamlPlace(yaml, [...path, key, i])));
  }
  return out;
}

/**
 * Where a test entry was written, looked up only when something asks (an error, a warning): a
 * project has one per test, 10,000 at 5,000 models, and nearly all are never asked.
 */
class YamlPlace {
  private located: ErrorLocation | undefined;
  constructor(
    private readonly yaml: YamlFile,
    private readonly path: readonly (string | number)[],
  ) {}
  get where(): ErrorLocation {
    return (this.located ??= this.yaml.lazyLocate(this.path));
  }
  /** The value written here with Python's values (a whole-number float stays one), if the file has any. */
  pythonValue(): unknown {
    return this.yaml.pythonValue(this.path.map(String));
  }
}

/** A test definition read from YAML; its `where` is found on first use. */
class YamlTestDefinition implements TestDefinition {
  constructor(
    readonly testName: string,
    readonly namespace: string | undefined,
    readonly args: Readonly<Record<string, unknown>>,
    readonly config: Readonly<Record<string, unknown>>,
    readonly customName: string | undefined,
    private readonly place: YamlPlace,
  ) {}
  get where(): ErrorLocation {
    return this.place.where;
  }
  /** The arguments with Python's values, when they hold a whole-number float (`min_value: 0.0`). */
  get pythonArgs(): Readonly<Record<string, unknown>> | undefined {
    const entry = this.place.pythonValue();
    if (entry === undefined || !holdsPyFloat(entry)) return undefined;
    const args = testParts(entry, this.place).args;
    return holdsPyFloat(args) ? args : undefined;
  }
}

function holdsPyFloat(v: unknown): boolean {
  if (v instanceof PyFloat) return true;
  if (Array.isArray(v)) return v.some(holdsPyFloat);
  if (v && typeof v === 'object') return Object.values(v).some(holdsPyFloat);
  return false;
}

function testDefinition(t: unknown, place: YamlPlace): TestDefinition {
  const { testName, namespace, args, config, customName } = testParts(t, place);
  return new YamlTestDefinition(testName, namespace, args, config, customName, place);
}

/** A test entry's name, namespace, arguments and config (`t`: the entry as written). */
function testParts(t: unknown, place: YamlPlace): { testName: string; namespace?: string; args: Record<string, unknown>; config: Record<string, unknown>; customName?: string } {
  let fullName: string;
  let body: Record<string, unknown> = {};
  if (typeof t === 'string') fullName = t;
  else if (t && typeof t === 'object' && !Array.isArray(t)) {
    const obj = t as Record<string, unknown>;
    // `- name: my_test\n  test_name: unique` (dbt's alternative form) or `- accepted_values: {...}`
    if (typeof obj['test_name'] === 'string') {
      fullName = obj['test_name'];
      body = obj;
    } else {
      const keys = Object.keys(obj);
      if (keys.length !== 1) throw new ParseError('BMP_TEST_INVALID', `a test must be a name or a single-key mapping, got keys ${keys.join(', ')}`, place.where);
      fullName = keys[0]!;
      body = mapping(obj[fullName], fullName, place);
    }
  } else throw new ParseError('BMP_TEST_INVALID', `a test must be a name or a mapping, got ${JSON.stringify(t)}`, place.where);
  const dot = fullName.lastIndexOf('.');
  const namespace = dot >= 0 ? fullName.slice(0, dot) : undefined;
  const testName = dot >= 0 ? fullName.slice(dot + 1) : fullName;
  const args: Record<string, unknown> = {};
  const config: Record<string, unknown> = { ...mapping(body['config'], 'config', place) };
  for (const [k, v] of Object.entries(body)) {
    if (k === 'config' || k === 'name' || k === 'test_name' || k === 'description') continue;
    if (k === 'arguments') Object.assign(args, mapping(v, 'arguments', place));
    else if (TEST_CONFIG_KEYS.has(k)) config[k] = v;
    else args[k] = v;
  }
  return { testName, namespace, args, config, customName: typeof body['name'] === 'string' ? body['name'] : undefined };
}

function sourcePatch(src: Record<string, unknown>, yaml: YamlFile, path: (string | number)[]): SourcePatch {
  const name = requireName(src, yaml, path);
  checkTypos(src, SOURCE_KEYS, `source '${name}'`, yaml, path);
  const where = yaml.lazyLocate([...path, 'name'], 'value');
  const meta = mapping(src['meta'], 'meta', where);
  const config = mapping(src['config'], 'config', where);
  const tables = Array.isArray(src['tables']) ? (src['tables'] as Record<string, unknown>[]) : [];
  return {
    name,
    file: yaml.file,
    description: String(src['description'] ?? ''),
    schema: src['schema'] === undefined ? undefined : String(src['schema']),
    database: src['database'] === undefined ? undefined : String(src['database']),
    meta,
    tags: strings(src['tags']),
    config,
    externalLocation: (config['external_location'] ?? meta['external_location']) as string | undefined,
    where,
    configWhere: (key) => yaml.lazyLocate([...path, 'config', key]),
    tables: tables.map((t, i) => {
      const base = nodePatch(t, yaml, [...path, 'tables', i]);
      return {
        ...base,
        identifier: t['identifier'] === undefined ? undefined : String(t['identifier']),
        externalLocation: (base.config['external_location'] ?? base.meta['external_location']) as string | undefined,
        loader: t['loader'] as string | undefined,
        ...freshnessOf(t, base.config),
      };
    }),
    ...freshnessOf(src, config),
  };
}

/** `loaded_at_field` and `freshness` of a source or table, top-level or (dbt 1.9) under config. */
function freshnessOf(entry: Record<string, unknown>, config: Record<string, unknown>): { loadedAtField?: string; freshness?: unknown } {
  const field = entry['loaded_at_field'] ?? config['loaded_at_field'];
  const freshness = 'freshness' in entry ? entry['freshness'] : 'freshness' in config ? config['freshness'] : undefined;
  return { ...(typeof field === 'string' ? { loadedAtField: field } : {}), ...(freshness !== undefined ? { freshness } : {}) };
}

function unitTestPatch(ut: Record<string, unknown>, yaml: YamlFile, path: (string | number)[]): UnitTestPatch {
  const name = requireName(ut, yaml, path);
  const where = yaml.lazyLocate([...path, 'name'], 'value');
  if (typeof ut['model'] !== 'string') throw new ParseError('BMP_UNIT_TEST_INVALID', `unit test '${name}' needs a 'model'`, where);
  const given = Array.isArray(ut['given']) ? (ut['given'] as UnitTestPatch['given']) : [];
  for (const [i, g] of given.entries()) {
    if (!g || typeof g.input !== 'string') throw new ParseError('BMP_UNIT_TEST_INVALID', `unit test '${name}': given[${i}] needs an 'input' like ref('x')`, yaml.lazyLocate([...path, 'given', i]));
  }
  const expect = mapping(ut['expect'], 'expect', where) as UnitTestPatch['expect'];
  return {
    name,
    model: ut['model'],
    file: yaml.file,
    description: String(ut['description'] ?? ''),
    given,
    expect,
    overrides: mapping(ut['overrides'], 'overrides', where),
    config: mapping(ut['config'], 'config', where),
    ...unitTestVersions(ut['versions'], name, yaml, [...path, 'versions']),
    where,
  };
}

function unitTestVersions(v: unknown, name: string, yaml: YamlFile, path: (string | number)[]): { versions?: UnitTestPatch['versions'] } {
  if (v === undefined || v === null) return {};
  const m = mapping(v, 'versions', yaml.lazyLocate(path));
  const list = (key: 'include' | 'exclude'): readonly string[] | undefined => {
    const x = m[key];
    if (x === undefined || x === null) return undefined;
    if (!Array.isArray(x)) throw new ParseError('BMP_UNIT_TEST_INVALID', `unit test '${name}': versions: ${key} must be a list of versions`, yaml.lazyLocate([...path, key]));
    return x.map((e) => String(e));
  };
  const include = list('include');
  const exclude = list('exclude');
  return { versions: { ...(include && { include }), ...(exclude && { exclude }) } };
}
