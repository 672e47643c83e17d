import { join, normalize, resolve } from 'node:path';
import { applyWarnPolicy, cliVarFunction, loadConfig, NativeRenderer, templateTarget, yamlEnvVar, resolveWarnPolicy, type ConfigWarning, type LoadedConfig, type ConfigOptions, type WarnErrorPolicy } from '../config/index.js';
import { failuresSchema } from '../data-tests/index.js';
import { pluginTemplateGlobals, type BmpPlugin } from '../execute/index.js';
import { makeInvocation, type ContextOutput, type Invocation, type InvocationCommand } from '../compile/context/index.js';
import { buildGraph, edgeMaps, evaluateSelector, readSelectorsFile, selectNodes, SELECTABLE_RESOURCE_TYPES, topologicalOrder, type ProjectGraph, type SelectorsFile } from '../graph/index.js';
import { jinjaYamlSyntax, type TemplateEngine } from '../jinja/index.js';
import type { Manifest, ResourceType } from '../manifest/types.js';
import { checkRelationCollisions, parseProject } from '../parse/index.js';
import type { DeferTo } from '../compile/index.js';
import { UsageError } from '../errors.js';
import { loadState, type ProjectState } from './state.js';
import { graphSummaryJson, nullSink, writeFileAtomic, writeManifestJson, type EventSink, type ManifestJsonOptions } from '../report/index.js';
import { defaultPlugins } from './plugins.js';

/** What `--resource-type` takes: dbt's resource types (those bmp has no nodes of select nothing), `all` and `default` (every type the command handles). */
export type ResourceTypeOption = ResourceType | 'exposure' | 'metric' | 'semantic_model' | 'saved_query' | 'all' | 'default';

export interface CommonOptions extends ConfigOptions {
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  readonly resourceTypes?: readonly ResourceTypeOption[];
  /** `--exclude-resource-type`: types left out after --resource-type. */
  readonly excludeResourceTypes?: readonly ResourceTypeOption[];
  readonly indirectSelection?: 'eager' | 'cautious' | 'buildable' | 'empty';
  readonly emit?: EventSink;
  readonly waitForLockSeconds?: number;
  /** `--warn-error`: every warning is an error. */
  readonly warnError?: boolean;
  /** `--warn-error-options`: `{"error": [...] | "all", "warn": [...], "silence": [...]}` (JSON or YAML). */
  readonly warnErrorOptions?: string | Readonly<Record<string, unknown>>;
  /** The invocation (command, id, start time) templates see; default: made by the task. */
  readonly invocation?: Invocation;
  /** The invocation's id (the CLI makes it first, so its logs carry it); default: a new one. */
  readonly invocationId?: string;
  /** `--selector`: a selection named in selectors.yml (instead of --select/--exclude). */
  readonly selector?: string;
  /** `--state DIR`: a previous run's artifacts, for state:/result: selectors and --defer. */
  readonly state?: string;
  /** `--defer-state DIR`: the artifacts --defer reads, when not --state's. */
  readonly deferState?: string;
  /** `--defer`: refs to nodes this invocation does not build read the state's relations when absent here. */
  readonly defer?: boolean;
  /** `--favor-state`: with --defer, read the state's relations even when the node exists here. */
  readonly favorState?: boolean;
  /** The plugins of this invocation (template globals, node runners); default: `defaultPlugins()`. */
  readonly plugins?: readonly BmpPlugin[];
  /** `--debug`: stack traces with errors, `flags.DEBUG` in templates. */
  readonly debug?: boolean;
  /** `--llm-offline`: the offline LLM provider answers, whatever the profile names. */
  readonly llmOffline?: boolean;
}

export interface LoadedProject {
  readonly cfg: LoadedConfig;
  readonly manifest: Manifest;
  readonly engine: TemplateEngine;
  readonly graph: ProjectGraph;
  readonly targetDir: string;
  /** Which warnings are errors or silenced (--warn-error, --warn-error-options, project flags). */
  readonly warnPolicy: WarnErrorPolicy;
  /** The invocation the project was parsed for. */
  readonly invocation: Invocation;
  /** selectors.yml, when the project has one. */
  readonly selectors?: SelectorsFile;
  /** The `--state` comparison, when given. */
  readonly state?: ProjectState;
  /** The artifacts --defer reads (`--defer-state`, else `--state`). */
  readonly deferState?: ProjectState;
}

/** The invocation of `command` with these options (the one given in `opts`, if any). */
export function invocationFor(command: InvocationCommand, opts: CommonOptions & { readonly fullRefresh?: boolean; readonly failFast?: boolean; readonly eventTimeStart?: string; readonly eventTimeEnd?: string }): Invocation {
  if (opts.invocation) return opts.invocation;
  return makeInvocation(command, {
    select: opts.select,
    exclude: opts.exclude,
    fullRefresh: opts.fullRefresh,
    failFast: opts.failFast,
    threads: opts.threads,
    target: opts.target,
    projectDir: opts.projectDir,
    profilesDir: opts.profilesDir,
    vars: opts.vars,
    resourceTypes: opts.resourceTypes,
    indirectSelection: opts.indirectSelection,
    eventTimeStart: opts.eventTimeStart,
    eventTimeEnd: opts.eventTimeEnd,
    debug: opts.debug,
    llmOffline: opts.llmOffline,
  }, opts.invocationId);
}

/** Template output (log, print, exceptions.warn) as events. */
export function templateOutput(emit: EventSink, nodeId?: string, policy?: WarnErrorPolicy): ContextOutput {
  return {
    log: (message, info) => emit({ code: 'Q004', type: 'log', message, info, nodeId }),
    // dbt's PrintEvent: shown under --quiet, dropped by --no-print
    print: (message) => emit({ code: 'Q004', type: 'log', message, info: true, nodeId, print: true }),
    // dbt's JinjaLogWarning: an error under --warn-error (or --warn-error-options naming it)
    warn: (message) => {
      const warning: ConfigWarning = { code: 'BMP_TEMPLATE_WARNING', name: 'JinjaLogWarning', message };
      if (policy) applyWarnPolicy(policy, [warning], (w) => emit({ code: 'A001', type: 'warning', message: w.message, name: w.name }));
      else emit({ code: 'A001', type: 'warning', message, name: warning.name });
    },
  };
}

/**
 * load → parse → graph, warnings emitted, manifest.json written. Everything that can make a
 * command exit 2 happens here, before the database is changed (`hooks.onConfig` may start opening
 * it meanwhile, in a way that a failure undoes: see Warehouse.openEarly).
 * @throws BmpError (config, parse, compile, graph errors)
 */
export async function loadProject(
  opts: CommonOptions,
  hooks: {
    readonly onConfig?: (cfg: LoadedConfig) => void | Promise<void>;
    /** Work started by `onConfig` whose steps need this thread (the database opening): the parse lets it run meanwhile. */
    readonly alongside?: () => PromiseLike<unknown> | undefined;
  } = {},
): Promise<LoadedProject> {
  const emit = opts.emit ?? nullSink;
  const invocation = opts.invocation ?? invocationFor('parse', opts);
  // project.yml's and profiles.yml's values are rendered with the template engine's Jinja2 semantics
  const cfg = await loadConfig({ ...opts, yamlSyntax: jinjaYamlSyntax() });
  // the caller may start work that needs only the configuration (opening the database) meanwhile
  await hooks.onConfig?.(cfg);
  const { policy, warnings: policyWarnings } = resolveWarnPolicy({ warnError: opts.warnError, warnErrorOptions: opts.warnErrorOptions, projectFlags: cfg.project.flags, projectFile: cfg.project.projectFile });
  const show = (w: ConfigWarning) => emit({ code: 'A001', type: 'warning', message: w.message, file: w.file, line: w.line, name: w.name, warnCode: w.code });
  applyWarnPolicy(policy, [...policyWarnings, ...cfg.warnings], show);
  const globals = pluginTemplateGlobals(opts.plugins ?? defaultPlugins(), 'parse', { cfg, invocation });
  const parsed = await parseProject(cfg, { invocation, output: templateOutput(emit, undefined, policy), globals, alongside: hooks.alongside?.() });
  // over the whole manifest, whichever package each node comes from
  checkRelationCollisions(parsed.manifest.nodes.values());
  applyWarnPolicy(policy, parsed.warnings, show);
  const graph = buildGraph(parsed.manifest);
  const selectorsRenderer = new NativeRenderer({ env_var: yamlEnvVar, var: cliVarFunction(cfg.cliVars, 'selectors.yml'), target: templateTarget(cfg.target) }, jinjaYamlSyntax());
  const selectors = readSelectorsFile(cfg.project.projectDir, (tree, where) => selectorsRenderer.renderTree(tree, where));
  const loaded: LoadedProject = { cfg, manifest: parsed.manifest, engine: parsed.engine, graph, targetDir: resolve(cfg.project.projectDir, cfg.project.targetPath), warnPolicy: policy, invocation, selectors };
  if (!opts.state && !opts.deferState) return loaded;
  // read before this invocation writes anything (--state may be the target folder itself)
  const state = opts.state ? loadState(resolve(opts.state), parsed.manifest, manifestOptions(loaded, '')) : undefined;
  const deferState = opts.deferState ? loadState(resolve(opts.deferState), parsed.manifest, manifestOptions(loaded, '')) : state;
  return { ...loaded, state, deferState };
}

/** What the manifest writer needs from a loaded project. */
export function manifestOptions(project: LoadedProject, invocationId: string, compiled?: ReadonlyMap<string, string>, invocationStartedAt?: string): ManifestJsonOptions {
  const { parents, children } = edgeMaps(project.graph);
  const { target, project: cfg } = project.cfg;
  const selectors = project.selectors ? Object.fromEntries([...project.selectors.selectors.values()].map((d) => [d.name, { name: d.name, description: d.description, definition: d.definition, ...(d.default ? { default: true } : {}) }])) : undefined;
  return {
    selectors,
    invocationId,
    invocationStartedAt,
    parents: (id) => parents.get(id) ?? [],
    children: (id) => children.get(id) ?? [],
    compiled,
    targetPath: normalize(cfg.targetPath).replace(/[\\/]+$/, ''),
    fallbackRelation: (n) => {
      const custom = n.config.schema;
      const alias = String(n.config.alias ?? n.name);
      if (n.resourceType === 'test') return { database: target.database, schema: failuresSchema(target.schema, custom), identifier: alias };
      return { database: target.database, schema: custom ? `${target.schema}_${custom}` : target.schema, identifier: alias };
    },
  };
}

/** `target/manifest.json` in dbt's manifest v12 layout. */
export async function writeManifest(project: LoadedProject, invocationId: string, compiled?: ReadonlyMap<string, string>, invocationStartedAt?: string): Promise<void> {
  await writeManifestJson(join(project.targetDir, 'manifest.json'), project.manifest, manifestOptions(project, invocationId, compiled, invocationStartedAt));
}

/** `target/graph_summary.json`: the DAG's shape, with the test edges of `build`, as dbt writes it. */
export async function writeGraphSummary(project: LoadedProject, invocationId: string, testEdges?: readonly (readonly [string, string])[]): Promise<void> {
  await writeFileAtomic(join(project.targetDir, 'graph_summary.json'), graphSummaryJson(project.graph, project.manifest.resources?.values() ?? [], invocationId, testEdges));
}

/** Selected unique ids for a command, in topological order. */
/** A `<type>:` selector word for a resource outside the graph (exposure, metric, ...), alone or after a graph operator. */
const NAMES_A_RESOURCE = new RegExp(`(^|[\\s,+@])(${SELECTABLE_RESOURCE_TYPES.join('|')}):`);

export function selectFor(project: LoadedProject, opts: CommonOptions, commandTypes: readonly ResourceType[]): string[] {
  // dbt's `all` and `default` are every type the command handles
  const asked = opts.resourceTypes ?? [];
  const excluded = opts.excludeResourceTypes ?? [];
  const types = (asked.length && !asked.some((t) => t === 'all' || t === 'default') ? commandTypes.filter((t) => asked.includes(t)) : commandTypes).filter((t) => !excluded.includes(t));
  // types the command has none of select nothing (an empty list would mean "no filter")
  if (!types.length) return [];
  const emit = opts.emit ?? nullSink;
  const criteria = { resourceTypes: types, indirectSelection: opts.indirectSelection, projectName: project.manifest.projectName, state: project.state?.lookup, resources: [...(project.manifest.resources?.values() ?? [])] };
  // --selector, or the default selector of selectors.yml when the command selects nothing itself
  const selectorName = opts.selector ?? (!opts.select?.length && !opts.exclude?.length ? project.selectors?.defaultSelector : undefined);
  if (selectorName) {
    if (opts.selector && (opts.select?.length || opts.exclude?.length)) {
      emit({ code: 'A001', type: 'warning', name: 'SelectExcludeIgnoredWithSelectorWarning', message: `--select and --exclude are ignored: --selector '${opts.selector}' decides the selection, as in dbt` });
    }
    if (!opts.selector) emit({ code: 'A002', type: 'info', message: `Using default selector ${selectorName}` });
    const ids = evaluateSelector(project.selectors, selectorName, (spec, o) => selectNodes(project.graph, { ...criteria, select: [spec], ...(o?.indirectSelection && { indirectSelection: o.indirectSelection }) }));
    return topologicalOrder(project.graph, ids);
  }
  const selected = selectNodes(project.graph, { ...criteria, select: opts.select, exclude: opts.exclude });
  // a selection of exposures, metrics, ... selects no node by itself (ls lists them): no warning then
  const namesResources = (opts.select ?? []).some((s) => NAMES_A_RESOURCE.test(s)) && (project.manifest.resources?.size ?? 0) > 0;
  if (!selected.size && !namesResources && (opts.select?.length || opts.exclude?.length)) {
    const criterion = [...(opts.select ?? [])].join(' ');
    const warning: ConfigWarning = {
      code: 'BMP_SELECTION_EMPTY',
      name: 'NoNodesForSelectionCriteria',
      message: `the selection criterion '${criterion}' does not match any enabled nodes; dbt warns and does nothing: check the selector (bmp ls -s '${criterion}')`,
    };
    applyWarnPolicy(project.warnPolicy, [warning], (w) => emit({ code: 'A001', type: 'warning', name: w.name, message: w.message, selector: criterion }));
  }
  return topologicalOrder(project.graph, selected);
}

/**
 * Where `--defer` sends refs, for an invocation that builds `ids`.
 * @throws UsageError BMP_STATE_REQUIRED when --defer has no --state (or --defer-state) to read
 */
export function deferFor(project: LoadedProject, opts: CommonOptions, ids: Iterable<string>): DeferTo | undefined {
  if (!opts.defer) return undefined;
  if (!project.deferState) throw new UsageError('BMP_STATE_REQUIRED', '--defer reads the relations of a previous run: give --state DIR (or --defer-state DIR), the folder holding its manifest.json');
  return { relations: project.deferState.relations, selected: new Set(ids), favorState: !!opts.favorState };
}
