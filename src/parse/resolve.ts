import { warningAt, type ConfigWarning } from '../config/index.js';
import { BmpError, CompileError, closeMatches, didYouMeanOf, type ErrorLocation } from '../errors.js';
import { analyzeStatic } from '../jinja/index.js';
import { refKey, resolveRefId, resolveSourceId, type RefIndex } from '../manifest/lookup.js';
import { macroCalls } from '../manifest/macro-deps.js';
import type { ExecutableNode, SourceNode, SqlNode, UnitTestNode } from '../manifest/types.js';

/**
 * Turns each node's `ref`/`source` calls into the unique ids it depends on. A test whose target
 * does not exist or is disabled is disabled itself, as dbt does (added to `disabled`; a target
 * that was not found is reported to `warn` as NodeNotFoundOrDisabled, a disabled source as
 * InvalidDisabledTargetInTestNode, a disabled model or seed silently); so is a unit test of a
 * disabled model. Refs and sources resolve across the root project and its packages
 * (manifest/lookup.ts: the named package, else the root, the node's package, any).
 * @throws CompileError BMP_REF_UNDEFINED / BMP_REF_DISABLED / BMP_SOURCE_UNDEFINED / BMP_UNIT_TEST_INPUT (from nodes other than tests)
 */
export function resolveDependencies(
  rootPackage: string,
  nodes: ReadonlyMap<string, ExecutableNode>,
  sources: ReadonlyMap<string, SourceNode>,
  disabled: Set<string>,
  warn: (w: ConfigWarning) => void = () => undefined,
  /** Where a generic test was declared (its YAML entry), for those warnings. */
  declaredAt: (id: string) => ErrorLocation | undefined = () => undefined,
): { resolved: Map<string, ExecutableNode>; refIndex: RefIndex } {
  const refIndex = new Map<string, Map<string, string>>();
  for (const n of nodes.values()) {
    if (n.resourceType !== 'model' && n.resourceType !== 'seed' && n.resourceType !== 'snapshot') continue;
    let names = refIndex.get(n.packageName);
    if (!names) refIndex.set(n.packageName, (names = new Map()));
    // a versioned model: each version by name.v<version>, its latest version by its name too
    const version = n.resourceType === 'model' ? n.version : undefined;
    if (version === undefined) names.set(n.name, n.uniqueId);
    else {
      names.set(refKey(n.name, version), n.uniqueId);
      if (n.resourceType === 'model' && version === n.latestVersion) names.set(n.name, n.uniqueId);
    }
  }
  const refTargets = () => [...new Set([...refIndex.values()].flatMap((m) => [...m.keys()]))];
  const out = new Map<string, ExecutableNode>();
  const sourceLookup = { projectName: rootPackage, sources };

  const resolveRef = (from: ExecutableNode, name: string, pkg: string | undefined, rawCode?: string): string => {
    const id = resolveRefId(refIndex, rootPackage, from.packageName, name, pkg);
    if (id) return id;
    const where = locate(from, rawCode, `ref\\(\\s*['"]${escapeRe(pkg ?? name)}`);
    for (const kind of ['model', 'seed', 'snapshot']) {
      // unqualified, a ref looks in every package (as it resolves): a model disabled in any of them is named
      for (const p of pkg ? [pkg] : new Set([rootPackage, from.packageName, ...[...disabled].map((id) => id.split('.')[1]!)])) {
        if (disabled.has(`${kind}.${p}.${name}`)) {
          throw new CompileError('BMP_REF_DISABLED', `${describe(from)} depends on ${kind} '${p === rootPackage ? name : `${p}.${name}`}', which is disabled`, where);
        }
      }
    }
    const close = closeMatches(name, refTargets());
    const hint = pkg && !refIndex.has(pkg) ? `no installed package or project is named '${pkg}'` : didYouMeanOf(close);
    throw new CompileError('BMP_REF_UNDEFINED', `${describe(from)} depends on '${pkg ? `${pkg}.` : ''}${name}', which was not found`, where, hint);
  };

  const resolveSource = (from: ExecutableNode, src: string, table: string, rawCode?: string): string => {
    const id = resolveSourceId(sourceLookup, from.packageName, src, table);
    if (id) return id;
    if ([rootPackage, from.packageName].some((p) => disabled.has(`source.${p}.${src}.${table}`))) throw new CompileError('BMP_SOURCE_UNDEFINED', `${describe(from)} depends on source '${src}.${table}', which is disabled`, locate(from, rawCode, `source\\(\\s*['"]${escapeRe(src)}`));
    const all = [...sources.values()].map((s) => `${s.sourceName}.${s.name}`);
    const close = closeMatches(`${src}.${table}`, all);
    throw new CompileError('BMP_SOURCE_UNDEFINED', `${describe(from)} depends on source '${src}.${table}', which was not found`, locate(from, rawCode, `source\\(\\s*['"]${escapeRe(src)}`), didYouMeanOf(close) ?? 'declare it under sources: in a properties YAML file');
  };

  /** A test whose ref/source cannot be resolved is disabled, with dbt's warning; others throw. */
  const orDisable = (node: ExecutableNode, resolve: () => string): string | undefined => {
    if (node.resourceType !== 'test') return resolve();
    try {
      return resolve();
    } catch (err) {
      if (!(err instanceof BmpError)) throw err;
      disabled.add(node.uniqueId);
      if (err.code === 'BMP_REF_DISABLED') return undefined; // dbt: debug level only
      const disabledSource = err.code === 'BMP_SOURCE_UNDEFINED' && err.message.includes('which is disabled');
      warn(
        warningAt(
          disabledSource ? 'InvalidDisabledTargetInTestNode' : 'NodeNotFoundOrDisabled',
          disabledSource ? 'BMP_TEST_TARGET_DISABLED' : 'BMP_TEST_TARGET_MISSING',
          `${err.message}${err.hint ? ` (${err.hint})` : ''}, so the test is disabled, as dbt does: fix the reference or remove the test`,
          err.where.line === undefined ? { ...err.where, ...declaredAt(node.uniqueId) } : err.where,
          node.uniqueId,
        ),
      );
      return undefined;
    }
  };

  for (const node of nodes.values()) {
    if (node.resourceType === 'seed') {
      out.set(node.uniqueId, node);
    } else if (node.resourceType === 'unit_test') {
      // dbt (since #12251): the unit tests of a disabled model are disabled
      if (!refIndex.get(node.packageName)?.has(node.model) && disabled.has(`model.${node.packageName}.${node.model}`)) disabled.add(node.uniqueId);
      else for (const t of resolveUnitTest(node, nodes, refIndex, rootPackage, sourceLookup, resolveRef, resolveSource)) out.set(t.uniqueId, t);
    } else {
      const deps = new Set<string>();
      let ok = true;
      for (const r of node.refs) {
        const id = orDisable(node, () => resolveRef(node, refKey(r.name, r.version), r.package, node.rawCode));
        if (id) deps.add(id);
        else ok = false;
      }
      for (const [s, t] of node.sources) {
        const id = orDisable(node, () => resolveSource(node, s, t, node.rawCode));
        if (id) deps.add(id);
        else ok = false;
      }
      if (!ok) continue;
      for (const d of node.dependsOn.nodes) deps.add(d);
      // nodes are frozen, their dependsOn is not: filled in place rather than copying 15,000
      // nodes (each node was made by this parse and is not shared yet)
      (node.dependsOn as { nodes: readonly string[] }).nodes = [...deps];
      out.set(node.uniqueId, node);
    }
  }
  return { resolved: out, refIndex };
}

function resolveUnitTest(
  node: UnitTestNode,
  nodes: ReadonlyMap<string, ExecutableNode>,
  refIndex: RefIndex,
  rootPackage: string,
  sourceLookup: Parameters<typeof resolveSourceId>[0],
  resolveRef: (from: ExecutableNode, name: string, pkg?: string) => string,
  resolveSource: (from: ExecutableNode, s: string, t: string) => string,
): UnitTestNode[] {
  const modelId = refIndex.get(node.packageName)?.get(node.model);
  const where: ErrorLocation = { file: node.originalFilePath, nodeId: node.uniqueId };
  if (!modelId || !modelId.startsWith('model.')) {
    throw new CompileError('BMP_UNIT_TEST_MODEL', `unit test '${node.name}' tests model '${node.model}', which was not found`, where, didYouMeanOf(closeMatches(node.model, refIndex.get(node.packageName)?.keys() ?? []).slice(0, 1)));
  }
  const latest = nodes.get(modelId) as SqlNode;
  const given = new Set<string>();
  for (const g of node.given) {
    const call = analyzeStatic(`{{ ${g.input} }}`)?.segments.find((s) => typeof s !== 'string');
    if (!call || typeof call === 'string' || (call.fn !== 'ref' && call.fn !== 'source' && g.input !== 'this')) {
      throw new CompileError('BMP_UNIT_TEST_INVALID', `unit test '${node.name}': input ${JSON.stringify(g.input)} must be ref('...') or source('...', '...')`, where);
    }
    if (call.fn === 'ref') given.add(resolveRef(node, refKey(String(call.args[call.args.length - 1]), call.kwargs['v'] ?? call.kwargs['version']), call.args.length > 1 ? String(call.args[0]) : undefined));
    else if (call.fn === 'source') given.add(resolveSource(node, String(call.args[0]), String(call.args[1])));
  }
  // every ref() and source() of the model tested must be given rows
  const checkInputs = (model: SqlNode) => {
    const needed = [
      ...model.refs.map((r) => ({ id: resolveRefId(refIndex, rootPackage, model.packageName, refKey(r.name, r.version), r.package), label: `ref(${r.package ? `'${r.package}', ` : ''}'${r.name}'${r.version !== undefined ? `, v=${r.version}` : ''})` })),
      ...model.sources.map(([s, t]) => ({ id: resolveSourceId(sourceLookup, model.packageName, s, t), label: `source('${s}', '${t}')` })),
    ];
    for (const n of needed) {
      if (!n.id || !given.has(n.id)) {
        throw new CompileError('BMP_UNIT_TEST_INPUT', `unit test '${node.name}' gives no rows for ${n.label}, an input of model '${node.model}'`, where, `add - input: ${n.label} under given:`);
      }
    }
    checkIncrementalOverride(node, model, where);
  };
  const inputs = [...given];
  // `model` becomes the unique id (as UnitTestNode documents), so selection finds the model's unit tests
  if (latest.version === undefined) {
    if (node.versions?.include || node.versions?.exclude) {
      throw new CompileError('BMP_UNIT_TEST_INVALID', `unit test '${node.name}' should not have a versions include or exclude when referencing non-versioned model '${node.model}'`, where);
    }
    checkInputs(latest);
    return [Object.freeze({ ...node, model: modelId, dependsOn: { nodes: [modelId, ...inputs], macros: [] } })];
  }
  // a versioned model: one unit test per version it tests (all by default), `<id>_v<version>`, as dbt makes them
  const versions = [...nodes.values()].filter((n): n is SqlNode => n.resourceType === 'model' && n.packageName === latest.packageName && n.name === latest.name && n.version !== undefined);
  const { include, exclude } = node.versions ?? {};
  // (as dbt reads it: `versions:` given without include or exclude names no version)
  const tested = versions.filter((v) => (exclude ? !exclude.includes(v.version!) : include ? include.includes(v.version!) : node.versions === undefined));
  if (!tested.length) throw new CompileError('BMP_UNIT_TEST_MODEL', `unit test '${node.name}' referenced a version of '${node.model}' which was not found`, where, `its versions: ${versions.map((v) => v.version).join(', ')}`);
  return tested.map((v) => {
    checkInputs(v);
    return Object.freeze({ ...node, uniqueId: `${node.uniqueId}_v${v.version}`, version: v.version, model: v.uniqueId, dependsOn: { nodes: [v.uniqueId, ...inputs], macros: [] } });
  });
}

/** dbt's `is_incremental` (the name alone, or `dbt.is_incremental`), for {@link macroCalls}. */
const IS_INCREMENTAL = (name: string, namespace?: string) => (name === 'is_incremental' && (!namespace || namespace === 'dbt') ? 'macro.dbt.is_incremental' : undefined);

/**
 * dbt's rules for the unit tests of an incremental model (one whose SQL calls is_incremental()):
 * the test must say which way it runs (`overrides: macros: {is_incremental: true|false}`), and
 * one that runs incrementally must give `this`.
 * @throws CompileError BMP_UNIT_TEST_INVALID
 */
function checkIncrementalOverride(node: UnitTestNode, model: SqlNode, where: ErrorLocation): void {
  // dbt's test: the model depends on macro.dbt.is_incremental (it calls it in a template tag)
  if (!macroCalls(model.rawCode, IS_INCREMENTAL).length) return;
  const override = node.overrides.macros?.['is_incremental'];
  if (typeof override !== 'boolean') {
    throw new CompileError('BMP_UNIT_TEST_INVALID', `Boolean override for 'is_incremental' must be provided for unit test '${node.name}' in model '${model.name}'`, where, 'add overrides: {macros: {is_incremental: false}} (or true, with - input: this under given:)');
  }
  if (override && !node.given.some((g) => g.input === 'this')) {
    throw new CompileError('BMP_UNIT_TEST_INVALID', `Unit test '${node.name}' for incremental model '${model.name}' must have a 'this' input`, where, 'add - input: this under given: (the rows the model holds before the run)');
  }
}

function describe(n: ExecutableNode): string {
  return `${n.resourceType === 'test' ? 'test' : n.resourceType} '${n.name}'`;
}

function locate(node: ExecutableNode, rawCode: string | undefined, pattern: string): ErrorLocation {
  const where: ErrorLocation = { file: node.patchPath && node.resourceType === 'test' && node.testMetadata?.testType === 'generic' ? node.patchPath : node.originalFilePath, nodeId: node.uniqueId };
  if (!rawCode) return where;
  const m = new RegExp(pattern).exec(rawCode);
  if (!m) return where;
  return { ...where, line: rawCode.slice(0, m.index).split('\n').length };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
