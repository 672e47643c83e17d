/**
 * The plugin contract: what a plugin (LLM enrichment, the testing runners, a library user's own)
 * adds to an invocation. Plugins are data: the task receives a list (`execute(command, { plugins })`,
 * default `defaultPlugins()` in src/tasks/plugins.ts), nothing registers itself by being imported,
 * and each hook receives what it needs (the invocation, the selection) as arguments.
 */
import type { Connection } from '../adapters/duckdb/index.js';
import type { CompiledNode, Invocation } from '../compile/index.js';
import type { LoadedConfig } from '../config/index.js';
import type { TemplateEngine } from '../jinja/index.js';
import type { ExecutableNode, Manifest, ResourceType } from '../manifest/types.js';
import type { NodeResult } from '../report/index.js';
import type { Session } from './session.js';

/** Where template globals are asked for: `parse` renders before any profile is used (stand-ins are enough), `run` compiles and runs. */
export type TemplatePhase = 'parse' | 'run';

/** What a plugin is told when it contributes template globals. */
export interface TemplateGlobalsInput {
  readonly cfg: LoadedConfig;
  readonly invocation: Invocation;
}

/** What a plugin is told once the database is open: the invocation, what it selected, and the session. */
export interface RunContext {
  readonly invocation: Invocation;
  /** Unique ids the command selected and will run, in order. */
  readonly selected: readonly string[];
  readonly cfg: LoadedConfig;
  readonly manifest: Manifest;
  readonly engine: TemplateEngine;
  readonly session: Session;
}

/** Runs one node of a resource type the plugin owns (data tests, unit tests). */
export type NodeRunner = (
  session: Session,
  node: ExecutableNode,
  conn: Connection,
) => Promise<Omit<NodeResult, 'timing' | 'threadId' | 'executionTime' | 'uniqueId'> & {
  compiled?: CompiledNode;
  /** When compiling ended (Date.now()): run_results splits the node's time into compile and execute there. */
  compiledAt?: number;
  /** Bookkeeping that may wait until the node's children have started. */
  afterward?: () => void;
}>;

/**
 * Runs after a model, seed or snapshot compiled and before it materializes (the LLM plugin collects
 * the prompts the SQL will look up and fetches the missing responses here). What it returns is added
 * to the node's adapter_response; throwing fails the node. A hook with nothing to do for a node may
 * answer at once (not a promise): the node's statement then starts without waiting for a turn of
 * the microtask queue.
 *
 * `scratch`: the statement runs in another database than the user's (a unit test's own database of
 * fixtures): what it needs is prepared there, while `conn` (the user's database) keeps what
 * outlives the run (the LLM plugin's response cache).
 */
export type BeforeMaterializeHook = (compiled: CompiledNode, conn: Connection, scratch?: Connection) => Promise<Readonly<Record<string, unknown>> | undefined> | Readonly<Record<string, unknown>> | undefined;

/** What a plugin adds to one run (returned by {@link BmpPlugin.setup}; its state lives in its closure). */
export interface PluginRun {
  readonly runners?: Partial<Readonly<Record<ResourceType, NodeRunner>>>;
  readonly beforeMaterialize?: BeforeMaterializeHook;
  /**
   * True while node `id` could only wait for work another worker is already doing (a data test
   * whose batch's shared scan is running): the scheduler starts another ready node first. Asked
   * synchronously, each time a worker looks for a node.
   */
  waitsOnRunningWork?(id: string): boolean;
  /** After the run, before the session closes (flush, close providers). */
  teardown?(): Promise<void> | void;
}

export interface BmpPlugin {
  readonly name: string;
  /** Globals for templates in `phase` (e.g. `llm_generate`); must not touch the database. */
  templateGlobals?(phase: TemplatePhase, input: TemplateGlobalsInput): Readonly<Record<string, unknown>>;
  /** Called once per run after the database opened; what it returns is installed for this run only. */
  setup?(run: RunContext): Promise<PluginRun | undefined> | PluginRun | undefined;
}

/** The template globals every plugin contributes in `phase`, merged in list order. */
export function pluginTemplateGlobals(plugins: readonly BmpPlugin[], phase: TemplatePhase, input: TemplateGlobalsInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of plugins) Object.assign(out, p.templateGlobals?.(phase, input));
  return out;
}
