import type { Catalog, CatalogColumn, CatalogRelation, Connection } from '../adapters/duckdb/index.js';
import type { CompiledNode } from '../compile/index.js';
import type { Relation } from '../manifest/types.js';

/** What a materialization gets: the compiled node, the relation as it stands, a connection. */
export interface MaterializationContext {
  readonly compiled: CompiledNode;
  readonly relation: Relation;
  /** The relation as it exists before this build, if it does. */
  readonly existing: CatalogRelation | undefined;
  readonly conn: Connection;
  readonly catalog: Catalog;
  readonly fullRefresh: boolean;
  /** Rendered pre-/post-hooks to run inside the build's transaction. */
  readonly preHooks: readonly string[];
  readonly postHooks: readonly string[];
  /** Project folder (seed paths, external locations are relative to it). */
  readonly projectDir: string;
  /** Where bmp keeps its bookkeeping tables (`_bmp`). */
  readonly stateSchema: string;
  /** Reads the columns of any relation (temp included) on this connection. */
  columnsOf(sql: string): Promise<CatalogColumn[]>;
}

export interface MaterializationResult {
  /** Rows written; undefined where it means nothing (views). */
  readonly rowsAffected?: number;
  /** `OK created table`, `INSERT 120`, ... as in dbt's adapter response. */
  readonly message: string;
}

export type Materialization = (ctx: MaterializationContext) => Promise<MaterializationResult>;
