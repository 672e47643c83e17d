import { join, normalize } from 'node:path';
import { applyWarnPolicy, loadConfig, resolveWarnPolicy, type ConfigWarning, type LoadedConfig, type LoadOptions, type WarnErrorPolicy } from '../config/index.js';
import { failuresSchema } from '../data-tests/index.js';
import { pluginTemplateGlobals, type BmpPlugin } from '../execute/index.js';
import { makeInvocation, type ContextOutput, type Invocation } from '../compile/context/index.js';
import { buildGraph, edgeMaps, selectNodes, topologicalOrder, type ProjectGraph } from '../graph/index.js';
import type { TemplateEngine } from '../jinja/index.js';
import type { Manifest, ResourceType } from '../manifest/types.js';
import { checkRelationCollisions, parseProject } from '../parse/index.js';
import { manifestJson, nullSink, writeFileAtomic, type EventSink } from '../report/index.js';
import { defaultPlugins } from './plugins.js';

export interface CommonOptions extends LoadOptions {
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  readonly resourceTypes?: readonly ResourceType[];
  readonly indirectSelection?: 'eager' | 'cautious' | 'buildable' | 'empty';
  readonly emit?: EventSink;
  readonly waitForLockSeconds?: number;
  /** `--warn-error`: every warning is an error. */
  readonly warnError?: boolean;
  /** `--warn-error-options`: `{"error": [...] | "all", "warn": [...], "silence": [...]}` (JSON or YAML). */
  readonly warnErrorOptions?: string | Readonly<Record<string, unknown>>;
  /** The invocation (command, id, start time) templates see; default: made by the task. */
  readonly invocation?: Invocation;
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
}

/** The invocation of `command` with these options (the one given in `opts`, if any). */
export function invocationFor(command: string, opts: CommonOptions & { readonly fullRefresh?: boolean; readonly failFast?: boolean; readonly eventTimeStart?: string; readonly eventTimeEnd?: string }): Invocation {
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
  });
}

/** Template output (log, print, exceptions.warn) as events. */
export function templateOutput(emit: EventSink, nodeId?: string, policy?: WarnErrorPolicy): ContextOutput {
  return {
    log: (message, info) => emit({ code: 'Q004', type: 'log', message, info, nodeId }),
    print: (message) => emit({ code: 'Q004', type: 'log', message, info: true, nodeId }),
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
 * command exit 2 happens here, before the database is touched.
 * @throws BmpError (config, parse, compile, graph errors)
 */
export async function loadProject(opts: CommonOptions): Promise<LoadedProject> {
  const emit = opts.emit ?? nullSink;
  const invocation = opts.invocation ?? invocationFor('parse', opts);
  const cfg = await loadConfig(opts);
  const { policy, warnings: policyWarnings } = resolveWarnPolicy({ warnError: opts.warnError, warnErrorOptions: opts.warnErrorOptions, projectFlags: cfg.project.flags, projectFile: cfg.project.projectFile });
  const show = (w: ConfigWarning) => emit({ code: 'A001', type: 'warning', message: w.message, file: w.file, line: w.line, name: w.name });
  applyWarnPolicy(policy, [...policyWarnings, ...cfg.warnings], show);
  const globals = pluginTemplateGlobals(opts.plugins ?? defaultPlugins(), 'parse', { cfg, invocation });
  const parsed = await parseProject(cfg, { invocation, output: templateOutput(emit, undefined, policy), globals });
  // over the whole manifest, whichever package each node comes from
  checkRelationCollisions(parsed.manifest.nodes.values());
  applyWarnPolicy(policy, parsed.warnings, show);
  const graph = buildGraph(parsed.manifest);
  return { cfg, manifest: parsed.manifest, engine: parsed.engine, graph, targetDir: join(cfg.project.projectDir, cfg.project.targetPath), warnPolicy: policy, invocation };
}

/** `target/manifest.json` in dbt's manifest v12 layout. */
export async function writeManifest(project: LoadedProject, invocationId: string, compiled?: ReadonlyMap<string, string>, invocationStartedAt?: string): Promise<void> {
  const { parents, children } = edgeMaps(project.graph);
  const { target, project: cfg } = project.cfg;
  const text = manifestJson(project.manifest, {
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
  });
  await writeFileAtomic(join(project.targetDir, 'manifest.json'), text);
}

/** Selected unique ids for a command, in topological order. */
export function selectFor(project: LoadedProject, opts: CommonOptions, commandTypes: readonly ResourceType[]): string[] {
  // dbt's `all` and `default` are every type the command handles
  const asked = opts.resourceTypes?.filter((t) => (t as string) !== 'all' && (t as string) !== 'default');
  const types = asked?.length && asked.length === opts.resourceTypes!.length ? commandTypes.filter((t) => asked.includes(t)) : commandTypes;
  // types the command has none of select nothing (an empty list would mean "no filter")
  if (!types.length) return [];
  const selected = selectNodes(project.graph, {
    select: opts.select,
    exclude: opts.exclude,
    resourceTypes: types,
    indirectSelection: opts.indirectSelection,
    projectName: project.manifest.projectName,
  });
  const emit = opts.emit ?? nullSink;
  if (!selected.size && (opts.select?.length || opts.exclude?.length)) {
    const criterion = [...(opts.select ?? [])].join(' ');
    const warning: ConfigWarning = {
      code: 'BMP_SELECTION_EMPTY',
      name: 'NoNodesForSelectionCriteria',
      message: `the selection criterion '${criterion}' does not match any enabled nodes; dbt warns and does nothing: check the selector (bmp ls -s '${criterion}')`,
    };
    applyWarnPolicy(project.warnPolicy, [warning], (w) => emit({ code: 'A001', type: 'warning', name: w.name, message: w.message }));
  }
  return topologicalOrder(project.graph, selected);
}
