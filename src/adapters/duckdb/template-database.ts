/**
 * DuckDB's answers to what templates ask (`adapter.get_relation`, `get_columns_in_relation`,
 * `create_schema`, `run_query`, ...): the template context's TemplateDatabase, implemented over one
 * connection and the session's catalog. What the catalog knows is answered at once; anything else,
 * and everything after a template ran a statement that may have changed the catalog, is read
 * from DuckDB.
 */
import type { Catalog, CatalogRelation } from './catalog.js';
import type { Connection, StatementResult } from './connection.js';
import { createSchema, describeQuery, dropRelation, dropSchema, renameRelation, truncateTable } from './sql.js';

type Kind = 'table' | 'view';

export interface TemplateRelationInfo {
  readonly database: string;
  readonly schema: string;
  readonly identifier: string;
  readonly kind: Kind;
}

/** A table or view of a named database (case-insensitive names), for relations outside the target's catalog. */
const ATTACHED_RELATION_SQL = `select database_name, schema_name, table_name as name, 'table' as kind from duckdb_tables() where lower(database_name) = lower($1) and lower(schema_name) = lower($2) and lower(table_name) = lower($3)
union all
select database_name, schema_name, view_name, 'view' from duckdb_views() where lower(database_name) = lower($1) and lower(schema_name) = lower($2) and lower(view_name) = lower($3)`;
const ATTACHED_COLUMNS_SQL = 'select column_name, data_type from duckdb_columns() where database_name = $1 and schema_name = $2 and table_name = $3 order by column_index';

const READ_ONLY_STATEMENTS = new Set(['SELECT', 'EXPLAIN', 'PRAGMA', 'CALL', 'RELATION', 'TRANSACTION', 'SET', 'VARIABLE_SET']);

export class DuckDbTemplateDatabase {
  readonly type = 'duckdb';
  /** Set once a template ran a statement that may have changed what exists: the catalog is not trusted then. */
  private changed = false;

  /** `connection` is asked for on first use (a lazily opened in-memory database when there is no file). */
  constructor(
    private readonly connection: () => Promise<Connection>,
    private readonly catalog: Catalog,
  ) {}

  async execute(sql: string): Promise<StatementResult> {
    const result = await (await this.connection()).execute(sql);
    if (!READ_ONLY_STATEMENTS.has(result.statementType)) this.changed = true;
    return result;
  }

  relation(schema: string, identifier: string): TemplateRelationInfo | undefined | Promise<TemplateRelationInfo | undefined> {
    const known = this.known(schema, identifier);
    if (known) return infoOf(known);
    return this.read(schema, identifier).then((r) => (r ? infoOf(r) : undefined));
  }

  columns(schema: string, identifier: string): readonly { name: string; type: string }[] | Promise<readonly { name: string; type: string }[]> {
    const known = this.known(schema, identifier);
    // a view's columns are read back through its query each time (DuckDB's catalog may still list
    // the ones it had when it was created: Catalog.refresh)
    if (known && !known.columnsStale && known.kind === 'table') return known.columns.map((c) => ({ name: c.name, type: c.type }));
    return this.read(schema, identifier).then((r) => (r?.columns ?? []).map((c) => ({ name: c.name, type: c.type })));
  }

  async attachedRelation(database: string, schema: string, identifier: string): Promise<TemplateRelationInfo | undefined> {
    const conn = await this.connection();
    const [row] = await conn.rows<{ database_name: string; schema_name: string; name: string; kind: Kind }>(ATTACHED_RELATION_SQL, [database, schema, identifier]);
    if (!row) return undefined;
    const cols = await conn.rows<{ column_name: string; data_type: string }>(ATTACHED_COLUMNS_SQL, [row.database_name, row.schema_name, row.name]);
    return { database: row.database_name, schema: row.schema_name, identifier: row.name, kind: row.kind, columns: cols.map((c) => ({ name: c.column_name, type: c.data_type })) } as TemplateRelationInfo;
  }

  async relations(schema: string): Promise<readonly TemplateRelationInfo[]> {
    return (await this.connection()).adapter.listRelations(schema);
  }

  async schemas(): Promise<readonly string[]> {
    const rows = await (await this.connection()).rows<{ schema_name: string }>("select distinct schema_name from duckdb_schemas() where schema_name not in ('information_schema', 'pg_catalog') and database_name not in ('system', 'temp') order by 1");
    return rows.map((r) => r.schema_name);
  }

  async queryColumns(sql: string): Promise<readonly { name: string; type: string }[]> {
    const rows = await (await this.connection()).rows<{ column_name: string; column_type: string }>(describeQuery(sql));
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  }

  async createSchema(schema: string): Promise<void> {
    await (await this.connection()).run(createSchema(schema));
  }

  async dropSchema(schema: string): Promise<void> {
    await (await this.connection()).run(dropSchema(schema));
    this.catalog.forgetSchema(schema);
  }

  async dropRelation(schema: string, identifier: string, kind: Kind | undefined): Promise<void> {
    const k = kind ?? (await this.relation(schema, identifier))?.kind;
    if (!k) return;
    await (await this.connection()).run(dropRelation({ database: '', schema, identifier }, k));
    this.catalog.forget(schema, identifier);
  }

  async renameRelation(schema: string, identifier: string, kind: Kind | undefined, newIdentifier: string): Promise<void> {
    const k = kind ?? (await this.relation(schema, identifier))?.kind ?? 'table';
    const conn = await this.connection();
    await conn.run(renameRelation({ database: '', schema, identifier }, k, newIdentifier));
    this.catalog.forget(schema, identifier);
    await this.catalog.refresh(conn, schema, newIdentifier);
  }

  async truncateRelation(schema: string, identifier: string): Promise<void> {
    await (await this.connection()).run(truncateTable({ database: '', schema, identifier }));
  }

  private known(schema: string, identifier: string): CatalogRelation | undefined {
    return this.changed ? undefined : this.catalog.get(schema, identifier);
  }

  private async read(schema: string, identifier: string): Promise<CatalogRelation | undefined> {
    return this.catalog.refresh(await this.connection(), schema, identifier);
  }
}

function infoOf(r: CatalogRelation): TemplateRelationInfo {
  return { database: r.database, schema: r.schema, identifier: r.identifier, kind: r.kind };
}
