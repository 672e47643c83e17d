import type { Catalog, CatalogRelation } from '../adapters/duckdb/index.js';
import type { EngineAdapter, EventTimeWindow } from '../adapters/index.js';
import type { CompiledNode } from '../compile/index.js';
import type { Relation } from '../manifest/types.js';

/** One microbatch window (the engine boundary defines it: its intents take one). */
export type { EventTimeWindow };

/** What a materialization gets: the compiled node, the relation as it stands, the engine's adapter (every statement goes through it). */
export interface MaterializationContext {
  readonly compiled: CompiledNode;
  readonly relation: Relation;
  /** The relation as it exists before this build, if it does. */
  readonly existing: CatalogRelation | undefined;
  /** What the materialization asks the database for (intents, and {@link EngineAdapter.atomically} with the hooks). */
  readonly adapter: EngineAdapter;
  readonly catalog: Catalog;
  readonly fullRefresh: boolean;
  /** Rendered pre-/post-hooks to run inside the build's transaction. */
  readonly preHooks: readonly string[];
  readonly postHooks: readonly string[];
  /** Project folder (seed paths, external locations are relative to it). */
  readonly projectDir: string;
  /** Where bmp keeps its bookkeeping tables (`_bmp`). */
  readonly stateSchema: string;
  /** ISO time the invocation started (microbatch "now"). */
  readonly runStartedAt?: string;
  readonly invocationId?: string;
  /** `--event-time-start` / `--event-time-end` (microbatch backfills). */
  readonly eventTimeStart?: string;
  readonly eventTimeEnd?: string;
  /** Where external models go when they name no `location` (profile's `external_root`). */
  readonly externalRoot?: string;
  /** Compiles the node again with inputs filtered to one microbatch window. */
  compileForWindow?(window: EventTimeWindow, batchId: string): Promise<string>;
  /** True once the run was interrupted: stop between batches. */
  isCancelled?(): boolean;
  /** A line for the log (per-batch progress). */
  log?(message: string): void;
}

export interface MaterializationResult {
  /** Rows written; undefined where it means nothing (views). */
  readonly rowsAffected?: number;
  /** `OK created table`, `INSERT 120`, ... as in dbt's adapter response. */
  readonly message: string;
  /** What the catalog should remember the relation as (default: table, or view for views). */
  readonly kind?: 'table' | 'view';
}

export type Materialization = (ctx: MaterializationContext) => Promise<MaterializationResult>;
