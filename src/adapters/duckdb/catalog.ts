import type { Connection } from './connection.js';
import { quoteIdent } from './sql.js';

export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
  readonly index: number;
}

export interface CatalogRelation {
  readonly database: string;
  readonly schema: string;
  readonly identifier: string;
  readonly kind: 'table' | 'view';
  readonly columns: readonly CatalogColumn[];
  /** True when the relation was built in this run and its columns were not read back yet. */
  readonly columnsStale?: boolean;
}

/** Key used for relation look-ups: DuckDB identifiers are case-insensitive. */
export function relationKey(schema: string, identifier: string): string {
  return `${schema.toLowerCase()}.${identifier.toLowerCase()}`;
}

/**
 * What exists in the database, read once per invocation and kept current as nodes build, so
 * `is_incremental()`, `adapter.get_relation` and `get_columns_in_relation` answer synchronously
 * inside templates.
 */
export class Catalog {
  private readonly relations = new Map<string, CatalogRelation>();

  static async read(conn: Connection, schemas?: readonly string[]): Promise<Catalog> {
    const catalog = new Catalog();
    const filter = schemas?.length ? `and schema_name in (select unnest($1::varchar[]))` : '';
    const params = schemas?.length ? [schemas as string[]] : undefined;
    const rels = await conn.rows<{ database_name: string; schema_name: string; name: string; kind: string }>(
      `select database_name, schema_name, table_name as name, 'table' as kind from duckdb_tables() where database_name = current_database() and not temporary ${filter}
       union all
       select database_name, schema_name, view_name, 'view' from duckdb_views() where database_name = current_database() and not internal and not temporary ${filter}`,
      params,
    );
    // no relation, no columns: the first duckdb_columns() of a process binds every internal view
    // (~30 ms of CPU), which a run on a new database file need not pay
    const cols = rels.length
      ? await conn.rows<{ schema_name: string; table_name: string; column_name: string; data_type: string; column_index: number }>(
          `select schema_name, table_name, column_name, data_type, column_index from duckdb_columns() where database_name = current_database() and not internal ${filter} order by column_index`,
          params,
        )
      : [];
    const byRel = new Map<string, CatalogColumn[]>();
    for (const c of cols) {
      const key = relationKey(c.schema_name, c.table_name);
      let list = byRel.get(key);
      if (!list) byRel.set(key, (list = []));
      list.push({ name: c.column_name, type: c.data_type, index: c.column_index });
    }
    for (const r of rels) {
      const key = relationKey(r.schema_name, r.name);
      catalog.relations.set(key, {
        database: r.database_name,
        schema: r.schema_name,
        identifier: r.name,
        kind: r.kind as 'table' | 'view',
        columns: byRel.get(key) ?? [],
      });
    }
    return catalog;
  }

  get(schema: string, identifier: string): CatalogRelation | undefined {
    return this.relations.get(relationKey(schema, identifier));
  }

  /** Re-reads one relation after it was built (or removes it if gone). */
  async refresh(conn: Connection, schema: string, identifier: string): Promise<CatalogRelation | undefined> {
    const known = this.relations.get(relationKey(schema, identifier));
    // a table built in this run, or any view: its own columns (see readBack)
    const readFirst = known && (known.kind === 'view' || known.columnsStale) ? known : undefined;
    if (readFirst) {
      const rel = await this.readBack(conn, readFirst);
      if (rel) return rel;
    }
    const cols = await conn.rows<{ database_name: string; column_name: string; data_type: string; column_index: number; kind: string }>(
      `select c.database_name, c.column_name, c.data_type, c.column_index,
              case when exists (select 1 from duckdb_views() v where v.database_name = c.database_name and v.schema_name = c.schema_name and v.view_name = c.table_name) then 'view' else 'table' end as kind
       from duckdb_columns() c where c.database_name = current_database() and lower(c.schema_name) = lower($1) and lower(c.table_name) = lower($2) order by c.column_index`,
      [schema, identifier],
    );
    const key = relationKey(schema, identifier);
    const first = cols[0];
    if (!first) {
      this.relations.delete(key);
      return undefined;
    }
    const found = { database: first.database_name, schema, identifier, kind: first.kind === 'view' ? ('view' as const) : ('table' as const) };
    // a view: the columns its query gives now, when it can be bound (the catalog's list otherwise)
    const view = found.kind === 'view' && readFirst?.kind !== 'view' ? await this.readBack(conn, found) : undefined;
    if (view) return view;
    const rel: CatalogRelation = { ...found, columns: cols.map((c) => ({ name: c.column_name, type: c.data_type, index: c.column_index })) };
    this.relations.set(key, rel);
    return rel;
  }

  /**
   * A table or view's own columns, by pragma_table_info: one relation (duckdb_columns() lists every
   * column of every relation, internal views included: ~10 ms a call in a run, paid once per model
   * built, about half of a small model's time in an incremental run), and for a view the columns
   * its query gives now — DuckDB's catalog (duckdb_columns(), information_schema) keeps the
   * columns a view had when it was created, also in later sessions, until the view is read again,
   * so a view over a table that has since gained a column is listed without it there;
   * pragma_table_info binds the view's query. Undefined when the relation is not of that kind any
   * more or cannot be read (the general look-up then says what is there).
   */
  private async readBack(conn: Connection, rel: Pick<CatalogRelation, 'database' | 'schema' | 'identifier' | 'kind'>): Promise<CatalogRelation | undefined> {
    const name = `${quoteIdent(rel.database)}.${quoteIdent(rel.schema)}.${quoteIdent(rel.identifier)}`;
    // (pragma_table_info reads either kind: the relation must still be of its kind)
    const stillThere =
      rel.kind === 'table'
        ? 'select 1 from duckdb_tables() t where lower(t.database_name) = lower($2) and lower(t.schema_name) = lower($3) and lower(t.table_name) = lower($4)'
        : 'select 1 from duckdb_views() v where lower(v.database_name) = lower($2) and lower(v.schema_name) = lower($3) and lower(v.view_name) = lower($4)';
    let cols: { name: string; type: string; cid: number }[];
    try {
      cols = await conn.rows<{ name: string; type: string; cid: number }>(`select name, type, cid from pragma_table_info($1) where exists (${stillThere}) order by cid`, [name, rel.database, rel.schema, rel.identifier]);
    } catch {
      return undefined;
    }
    if (!cols.length) return undefined;
    const read: CatalogRelation = {
      database: rel.database,
      schema: rel.schema,
      identifier: rel.identifier,
      kind: rel.kind,
      // duckdb_columns() numbers columns from 1, pragma_table_info from 0
      columns: cols.map((c) => ({ name: c.name, type: c.type, index: Number(c.cid) + 1 })),
    };
    this.relations.set(relationKey(rel.schema, rel.identifier), read);
    return read;
  }

  /** Records a relation this run built; its columns are read only if someone asks (see refresh). */
  markBuilt(database: string, schema: string, identifier: string, kind: 'table' | 'view'): void {
    this.relations.set(relationKey(schema, identifier), { database, schema, identifier, kind, columns: [], columnsStale: true });
  }

  forget(schema: string, identifier: string): void {
    this.relations.delete(relationKey(schema, identifier));
  }

  /** Forgets every relation of a schema (it was dropped). */
  forgetSchema(schema: string): void {
    const prefix = `${schema.toLowerCase()}.`;
    for (const key of [...this.relations.keys()]) if (key.startsWith(prefix)) this.relations.delete(key);
  }

  all(): IterableIterator<CatalogRelation> {
    return this.relations.values();
  }
}

/** One relation as `docs generate` describes it: columns with types and comments, and its statistics. */
export interface CatalogTable {
  readonly database: string;
  readonly schema: string;
  readonly name: string;
  /** `BASE TABLE` or `VIEW`, as information_schema says. */
  readonly type: 'BASE TABLE' | 'VIEW';
  readonly comment: string | null;
  /** DuckDB's row count for a table (`duckdb_tables().estimated_size`); none for views. */
  readonly rowCount?: number;
  /** Number of indexes on a table. */
  readonly indexCount?: number;
  readonly columns: readonly { readonly name: string; readonly type: string; readonly index: number; readonly comment: string | null }[];
}

/**
 * Every table and view outside DuckDB's internal schemas, with column types, comments and the
 * statistics DuckDB keeps (what `docs generate` writes to catalog.json). Read-only.
 */
export async function readCatalogTables(conn: Connection): Promise<CatalogTable[]> {
  const rels = await conn.rows<{ database_name: string; schema_name: string; name: string; type: string; comment: string | null; rows: bigint | number | null; indexes: bigint | number | null }>(
    `select t.database_name, t.schema_name, t.table_name as name, 'BASE TABLE' as type, t.comment, t.estimated_size as rows,
            (select count(*) from duckdb_indexes() i where i.database_name = t.database_name and i.schema_name = t.schema_name and i.table_name = t.table_name) as indexes
     from duckdb_tables() t where not t.temporary and not t.internal
     union all
     select v.database_name, v.schema_name, v.view_name, 'VIEW', v.comment, null, null from duckdb_views() v where not v.internal and not v.temporary`,
  );
  const cols = await conn.rows<{ database_name: string; schema_name: string; table_name: string; column_name: string; data_type: string; column_index: number; comment: string | null }>(
    `select database_name, schema_name, table_name, column_name, data_type, column_index, comment from duckdb_columns() where not internal order by column_index`,
  );
  const byRel = new Map<string, CatalogTable['columns'][number][]>();
  for (const c of cols) {
    const key = `${c.database_name}\u0000${relationKey(c.schema_name, c.table_name)}`;
    let list = byRel.get(key);
    if (!list) byRel.set(key, (list = []));
    list.push({ name: c.column_name, type: c.data_type, index: Number(c.column_index), comment: c.comment || null });
  }
  return rels.map((r) => ({
    database: r.database_name,
    schema: r.schema_name,
    name: r.name,
    type: r.type as CatalogTable['type'],
    comment: r.comment || null,
    ...(r.type === 'BASE TABLE' ? { rowCount: Number(r.rows ?? 0), indexCount: Number(r.indexes ?? 0) } : {}),
    columns: byRel.get(`${r.database_name}\u0000${relationKey(r.schema_name, r.name)}`) ?? [],
  }));
}
