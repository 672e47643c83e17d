/**
 * What templates may ask the database (`adapter.*`, `run_query`, statements), as an interface the
 * execute stage injects: the template context never imports the engine. Answers the
 * implementation already knows (bmp's catalog of what exists) come back as plain values; the
 * others as promises, which the render awaits between passes (see replay.ts).
 */
import type { StatementResult } from '../../adapters/duckdb/index.js';

export interface DatabaseRelation {
  readonly database: string;
  readonly schema: string;
  readonly identifier: string;
  readonly kind: 'table' | 'view';
}

export interface DatabaseColumn {
  readonly name: string;
  /** The engine's type as it reports it (`VARCHAR`, `DECIMAL(18,3)`, `INTEGER[]`). */
  readonly type: string;
}

export type Answer<T> = T | Promise<T>;

export interface TemplateDatabase {
  /** `adapter.type()`. */
  readonly type: string;
  /** Runs a statement (`run_query`, `{% call statement %}`, `adapter.execute`). */
  execute(sql: string): Promise<StatementResult>;
  relation(schema: string, identifier: string): Answer<DatabaseRelation | undefined>;
  columns(schema: string, identifier: string): Answer<readonly DatabaseColumn[]>;
  /** A relation of another (attached) database, read from DuckDB (the catalog holds the target's only). */
  attachedRelation(database: string, schema: string, identifier: string): Promise<DatabaseRelation | undefined>;
  /** The relations of a schema. */
  relations(schema: string): Answer<readonly DatabaseRelation[]>;
  schemas(): Answer<readonly string[]>;
  /** The columns a query would return (`adapter.get_column_schema_from_query`). */
  queryColumns(sql: string): Promise<readonly DatabaseColumn[]>;
  createSchema(schema: string): Promise<void>;
  dropSchema(schema: string): Promise<void>;
  dropRelation(schema: string, identifier: string, kind: 'table' | 'view' | undefined): Promise<void>;
  renameRelation(schema: string, identifier: string, kind: 'table' | 'view' | undefined, newIdentifier: string): Promise<void>;
  truncateRelation(schema: string, identifier: string): Promise<void>;
}
