import * as crypto from 'node:crypto';
import { finalizeConfig, folderConfigs, mergeConfigs, normalizeConfig, pyRepr, pyStr, type ConfigCheck, type ProjectConfig } from '../config/index.js';
import { ParseError, closeMatches, didYouMeanOf } from '../errors.js';
import { analyzeStatic } from '../jinja/index.js';
import { inPackage, type RefCall, type SqlNode } from '../manifest/types.js';
import { BUILTIN_TEST_CONFIG, BUILTIN_TESTS, isBuiltinTest, testConfigProblem } from '../data-tests/index.js';
import type { TestDefinition } from './properties.js';

/** A `{% test %}` macro as the registry holds it. */
export interface TestMacro {
  readonly packageName: string;
  readonly block: { readonly text: string };
}

/** The registry's `{% test %}` macros as a test definition sees them. */
export interface TestLookup {
  /** The `test_<name>` macro a test definition means (namespace as written), if any. */
  find(testName: string, namespace?: string): TestMacro | undefined;
  /** Whether that macro is dbt's own, not overridden (bmp builds it in TypeScript). */
  isDefault(macro: TestMacro | undefined): boolean;
  /** Test names callable without a namespace (for "did you mean"). */
  names(): Iterable<string>;
}

/** Where a test is declared: its project (name, `tests:` configs), and the root's `tests:` configs for a package. */
export interface TestScope {
  readonly project: Pick<ProjectConfig, 'name' | 'tests'>;
  /** The root project's `tests:` tree, applied last to a package's tests. */
  readonly rootTests?: ProjectConfig['tests'];
  readonly packagePath?: string;
}

export interface TestTarget {
  /** unique id of the model/seed/source/snapshot under test */
  readonly uniqueId: string;
  /** `orders` for a model, `raw_orders` for a source table (whose tests are named `source_<test>_raw_orders_...`) */
  readonly testLabel: string;
  /** How the test refers to its model in SQL: `ref('orders')` or `source('raw', 'orders')`. */
  readonly modelRef: { readonly ref?: string; readonly version?: string; readonly source?: readonly [string, string] };
  /** The properties file the test is written in (its folders are the test's fqn, as in dbt). */
  readonly patchPath: string;
  /**
   * Tags the test inherits, as dbt gives them: a source's and its table's (source tests), and the
   * column's (column tests); a model's own tags are not inherited.
   */
  readonly tags?: readonly string[];
}

/** Node's one-shot `crypto.hash` (20.12+; a third of the cost of a Hash object for short text), else createHash. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

function md5Hex(text: string): string {
  return oneShotHash ? oneShotHash('md5', text, 'hex') : crypto.createHash('md5').update(text).digest('hex');
}

/** dbt's `synthesize_generic_test_names`: `not_null_orders_order_id`, hashed when 64+ characters. */
export function genericTestName(testName: string, label: string, args: Readonly<Record<string, unknown>>): { name: string; alias: string } {
  const flat: string[] = [];
  for (const key of Object.keys(args).sort()) {
    if (key === 'model') continue;
    const v = args[key];
    const parts = v && typeof v === 'object' ? (Array.isArray(v) ? v : Object.values(v)) : [v];
    // Python's str() of each part, as dbt names tests: False, None, {'k': 'v'}
    flat.push(...parts.map((p) => pyStr(p)));
  }
  const unique = flat.map((a) => a.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${testName}_${label}`;
  const name = unique ? `${identifier}_${unique}` : identifier;
  const alias = name.length >= 64 ? `${identifier.slice(0, 30)}_${md5Hex(name)}` : name;
  return { name, alias };
}

/**
 * One test node per test definition on a model/source/seed or one of its columns. With `findTest`
 * (the registry's test lookup), the test must exist and its arguments and config must be valid; a
 * test macro of dbt's own namespace that bmp builds in TypeScript is checked as a built-in.
 * @throws ParseError BMP_TEST_UNDEFINED / BMP_TEST_ARGUMENT / BMP_TEST_CONFIG, located at the YAML entry.
 */
export function makeGenericTest(scope: TestScope, target: TestTarget, def: TestDefinition, columnName: string | undefined, tests?: TestLookup, check: ConfigCheck = { resourceType: 'test' }): SqlNode {
  const { project } = scope;
  // (copied key by key, not spread: see finalizeConfig)
  const args: Record<string, unknown> = {};
  for (const key in def.args) args[key] = def.args[key];
  if (columnName !== undefined && !('column_name' in args)) args['column_name'] = columnName;
  // the name and hash see the arguments as Python does (`0.0` is a float: `..._0_0`)
  const py = def.pythonArgs;
  const nameArgs = py ? { ...py, ...(args['column_name'] !== undefined && { column_name: args['column_name'] }) } : args;
  // dbt's name: [<package>_][source_]<test>_<model or source_table>_<arguments> (a namespaced test
  // is named after its package too: `dbt_utils_equality_orders_...`)
  const testType = target.modelRef.source ? `source_${def.testName}` : def.testName;
  const { name, alias } = genericTestName(def.namespace ? `${def.namespace}_${testType}` : testType, target.testLabel, nameArgs);
  const finalName = def.customName ?? name;
  // the compiled file's name: dbt's short name (hashed from 64 characters on), or the given name
  const fileName = def.customName ?? alias;
  const found = tests?.find(def.testName, def.namespace);
  const userMacro = found && !(isBuiltinTest(def.testName) && tests?.isDefault(found)) ? found : undefined;
  if (tests && !userMacro) checkBuiltinTest(def, args, finalName, target, tests);
  const hash = dbtTestHash(finalName, def.namespace, def.testName, { ...nameArgs, model: `{{ get_where_subquery(${modelCall(target.modelRef)}) }}` });
  const fqn = [project.name, ...yamlFolders(target.patchPath, scope.packagePath), finalName];
  // (def.where is looked up in the YAML only when asked: not for a test without config)
  const inline = hasKeys(def.config) ? normalizeConfig(def.config, def.where, undefined, check) : {};
  const fromMacro = userMacro ? normalizeConfig(macroConfig(userMacro.block.text), def.where, undefined, check) : (BUILTIN_TEST_CONFIG[def.testName] ?? {});
  const rootLayers = scope.rootTests ? folderConfigs(scope.rootTests, fqn, 'test') : [];
  const merged = mergeConfigs({ severity: 'error', store_failures: false }, ...folderConfigs(project.tests, fqn, 'test'), fromMacro, inline, ...rootLayers);
  const configFixed = [...new Set([...Object.keys(inline), ...rootLayers.flatMap((l) => Object.keys(l))])];
  // a user-given `name:` is also the relation name of stored failures, as in dbt
  merged['alias'] = merged['alias'] ?? def.customName ?? alias;
  if (target.tags?.length) merged['tags'] = [...new Set([...target.tags, ...((merged['tags'] as string[] | undefined) ?? [])])];
  const config = finalizeConfig(merged, 'test');
  const problem = testConfigProblem(config);
  if (problem) throw new ParseError('BMP_TEST_CONFIG', `test '${finalName}' on ${describeTarget(target, columnName)}: ${problem}`, def.where);
  const refs: RefCall[] = target.modelRef.ref ? [{ name: target.modelRef.ref, ...(target.modelRef.version !== undefined && { version: target.modelRef.version }) }] : [];
  const sources: (readonly [string, string])[] = target.modelRef.source ? [target.modelRef.source] : [];
  // Arguments like relationships' `to: ref('customers')` are dependencies too.
  for (const v of Object.values(args)) {
    if (typeof v !== 'string' || !/^\s*(ref|source)\s*\(/.test(v)) continue;
    const call = analyzeStatic(`{{ ${v.trim()} }}`)?.segments.find((s) => typeof s !== 'string');
    if (call && typeof call !== 'string' && call.fn === 'ref') {
      const v = call.kwargs['v'] ?? call.kwargs['version'];
      const version = v === undefined || v === null ? {} : { version: String(v) };
      refs.push(call.args.length > 1 ? { package: String(call.args[0]), name: String(call.args[1]), ...version } : { name: String(call.args[0]), ...version });
    }
    if (call && typeof call !== 'string' && call.fn === 'source') sources.push([String(call.args[0]), String(call.args[1])]);
  }
  return Object.freeze({
    uniqueId: `test.${project.name}.${finalName}.${hash}`,
    resourceType: 'test',
    name: finalName,
    packageName: project.name,
    originalFilePath: target.patchPath,
    ...(scope.packagePath !== undefined && { packagePath: scope.packagePath }),
    path: `${fileName}.sql`,
    fqn,
    description: '',
    config,
    tags: config.tags,
    meta: config.meta,
    columns: {},
    patchPath: target.patchPath,
    // dbt gives a generic test an empty checksum: its arguments are in its unique_id
    checksum: '',
    rawCode: '',
    refs,
    sources,
    dependsOn: { nodes: [target.uniqueId], macros: [] },
    testMetadata: { name: def.testName, namespace: def.namespace, kwargs: args, testType: 'generic' },
    attachedNode: target.uniqueId,
    columnName: typeof args['column_name'] === 'string' ? (args['column_name'] as string) : columnName,
    ...(configFixed.length && { configFixed }),
  } satisfies SqlNode);
}

/**
 * The hash ending a generic test's unique_id, as dbt computes it (so a manifest dbt wrote, given as
 * `--state`, names the same tests): the MD5 of the test's name followed by Python's repr of its
 * test_metadata (namespace, name, and the kwargs with `model`), every leaf turned to text with str()
 * and every mapping's keys sorted; its last 10 hex digits. The config is not part of it.
 * @example dbtTestHash('unique_customers_customer_id', undefined, 'unique', { column_name: 'customer_id', model: "{{ get_where_subquery(ref('customers')) }}" }) // 'c5af1ff4b1'
 */
export function dbtTestHash(name: string, namespace: string | undefined, testName: string, kwargs: Readonly<Record<string, unknown>>): string {
  const leavesAsText = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(leavesAsText);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = leavesAsText((v as Record<string, unknown>)[k]);
      return out;
    }
    return pyStr(v ?? null);
  };
  return md5Hex(name + pyRepr(leavesAsText({ namespace: namespace ?? null, name: testName, kwargs }))).slice(-10);
}

/** How dbt's test builder writes the tested relation in the `model` argument. */
function modelCall(ref: TestTarget['modelRef']): string {
  if (ref.source) return `source('${ref.source[0]}', '${ref.source[1]}')`;
  return ref.version !== undefined ? `ref('${ref.ref}', version='${ref.version}')` : `ref('${ref.ref}')`;
}

/**
 * A test's fqn folders, as dbt takes them: the folders of the properties file it is written in,
 * within its package and below the first folder (`models/staging/_schema.yml` gives `staging`).
 */
function yamlFolders(patchPath: string, packagePath: string | undefined): string[] {
  return inPackage({ packagePath }, patchPath).split('/').slice(1, -1);
}

function hasKeys(o: Readonly<Record<string, unknown>>): boolean {
  for (const _ in o) return true;
  return false;
}

function describeTarget(target: TestTarget, columnName: string | undefined): string {
  const what = target.modelRef.source ? `source '${target.modelRef.source.join('.')}'` : `'${target.testLabel}'`;
  return columnName !== undefined ? `column '${columnName}' of ${what}` : what;
}

/** Arguments each built-in test needs (besides `model`). */
const REQUIRED_ARGS: Readonly<Record<string, readonly string[]>> = {
  not_null: ['column_name'],
  unique: ['column_name'],
  accepted_values: ['column_name', 'values'],
  not_accepted_values: ['column_name', 'values'],
  relationships: ['column_name', 'to', 'field'],
  relationships_where: ['column_name', 'to', 'field'],
  accepted_range: ['column_name'],
  expression_is_true: ['expression'],
  unique_combination_of_columns: ['combination_of_columns'],
  not_constant: ['column_name'],
  not_empty_string: ['column_name'],
  at_least_one: ['column_name'],
  equal_rowcount: ['compare_model'],
};

function checkBuiltinTest(def: TestDefinition, args: Record<string, unknown>, name: string, target: TestTarget, tests: TestLookup): void {
  const full = `${def.namespace ? `${def.namespace}.` : ''}${def.testName}`;
  if (!isBuiltinTest(def.testName)) {
    const close = closeMatches(def.testName, [...new Set([...BUILTIN_TESTS, ...tests.names()])]);
    throw new ParseError(
      'BMP_TEST_UNDEFINED',
      `unknown test '${full}' on ${describeTarget(target, args['column_name'] as string | undefined)}`,
      def.where,
      didYouMeanOf(close) ?? `built-in tests: ${BUILTIN_TESTS.join(', ')}; or define {% test ${def.testName}(model, column_name) %} in the macro paths or tests/generic/`,
    );
  }
  for (const arg of REQUIRED_ARGS[def.testName] ?? []) {
    const v = args[arg];
    if (v === undefined || v === null || (arg === 'values' && !Array.isArray(v))) {
      const hint = arg === 'column_name' ? 'declare it under a column, or pass column_name' : arg === 'values' ? 'values: [a, b, c]' : undefined;
      throw new ParseError('BMP_TEST_ARGUMENT', `test '${name}' (${full}) needs the argument '${arg}'${arg === 'values' && v !== undefined ? ' as a list' : ''}`, def.where, hint);
    }
  }
  if (def.testName === 'accepted_range' && args['min_value'] === undefined && args['max_value'] === undefined) {
    throw new ParseError('BMP_TEST_ARGUMENT', `test '${name}' (accepted_range) needs min_value, max_value or both`, def.where);
  }
}

/** Static `{{ config(...) }}` calls in a `{% test %}` block: its defaults (e.g. severity='warn'). */
export function macroConfig(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const re = /\{\{-?\s*config\s*\(([\s\S]*?)\)\s*-?\}\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const call = analyzeStatic(`{{ config(${m[1]}) }}`)?.segments.find((s) => typeof s !== 'string');
    if (!call || typeof call === 'string' || call.fn !== 'config') continue;
    const first = call.args[0];
    Object.assign(out, first && typeof first === 'object' && !Array.isArray(first) ? first : {}, call.kwargs);
  }
  return out;
}

/**
 * A singular test's config (from project.yml `tests:` or its `config()`) must be valid too.
 * @throws ParseError BMP_TEST_CONFIG
 */
export function checkSingularTest(node: SqlNode): SqlNode {
  const problem = testConfigProblem(node.config);
  if (problem) throw new ParseError('BMP_TEST_CONFIG', `test '${node.name}': ${problem}`, { file: node.originalFilePath, nodeId: node.uniqueId });
  return node;
}
