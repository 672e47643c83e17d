/**
 * DuckDB's catalog read as SQL: what exists (relations, schemas, indexes) and the partitions of
 * some rows. Names and values are bound (`$1`, ...); the adapter's read intents
 * (adapters/duckdb/adapter.ts) run these and type the rows.
 */
import type { PartitionBy } from '../engine.js';
import { partitionExpr, partitionLabelExpr } from './partition-sql.js';
import { quoteIdent, quoteLiteral } from './sql.js';

/**
 * What a name is, if anything (`$1` schema, `$2` name, exact): one row with its kind.
 *
 * ### Example
 * ```sql
 * select 'table' as kind from duckdb_tables() where database_name = current_database() and schema_name = $1 and table_name = $2 and not temporary
 * union all
 * select 'view' from duckdb_views() where database_name = current_database() and schema_name = $1 and view_name = $2 and not temporary
 * ```
 * (Only the target's database: an attached one may hold the same schema and table names.)
 */
export const RELATION_KIND_SQL =
  "select 'table' as kind from duckdb_tables() where database_name = current_database() and schema_name = $1 and table_name = $2 and not temporary\nunion all\nselect 'view' from duckdb_views() where database_name = current_database() and schema_name = $1 and view_name = $2 and not temporary";

/** The tables and views of a schema (`$1`, case-insensitive), by name. */
export const LIST_RELATIONS_SQL = `select database_name, schema_name, table_name as name, 'table' as kind from duckdb_tables() where database_name = current_database() and not temporary and lower(schema_name) = lower($1)
       union all
       select database_name, schema_name, view_name, 'view' from duckdb_views() where database_name = current_database() and not internal and not temporary and lower(schema_name) = lower($1)
       order by 3`;

/** Every schema's name. */
export const LIST_SCHEMAS_SQL = 'select schema_name from duckdb_schemas() where database_name = current_database()';

/** The indexes of a table (`$1` schema, `$2` table, case-insensitive) with the statement that made each. */
export const LIST_INDEXES_SQL = 'select index_name, is_unique, sql from duckdb_indexes() where database_name = current_database() and lower(schema_name) = lower($1) and lower(table_name) = lower($2) order by index_name';

/**
 * DuckDB's row estimate (`duckdb_tables().estimated_size`) of each table, in one row: column `n0`
 * for the first relation, `n1` for the next, ...; NULL for a name that is no table. Names match
 * case-insensitively; a relation without a database matches in any.
 *
 * ### Example
 * ```sql
 * select (select max(estimated_size) from duckdb_tables() where lower(schema_name) = lower('main') and lower(table_name) = lower('orders')) as n0
 * ```
 */
export function tableRowsSql(relations: readonly { readonly database?: string; readonly schema: string; readonly identifier: string }[]): string {
  const rows = relations.map(
    (r, i) =>
      `(select max(estimated_size) from duckdb_tables() where lower(schema_name) = lower(${quoteLiteral(r.schema)}) and lower(table_name) = lower(${quoteLiteral(r.identifier)})${r.database ? ` and lower(database_name) = lower(${quoteLiteral(r.database)})` : ''}) as n${i}`,
  );
  return `select ${rows.join(', ')}`;
}

export const CHECKPOINT_SQL = 'checkpoint';
/** The instance's worker thread count, to restore after a one-thread checkpoint. */
export const THREADS_SETTING_SQL = "select current_setting('threads') as n";
export const setThreadsSql = (n: number): string => `set threads = ${Math.max(1, Math.trunc(n))}`;
export const VERSION_SQL = 'select version() as v';
/** How much freed buffer memory DuckDB keeps for reuse (its block allocator; `0 bytes`: none, the default). */
export const KEPT_FREED_MEMORY_SQL = "select current_setting('block_allocator_memory') as v";
/** Keeps up to `bytes` (whole MiB) of freed buffer memory for reuse; DuckDB refuses to lower it. */
export const keepFreedMemorySql = (bytes: number): string => `set global block_allocator_memory = '${Math.max(0, Math.floor(bytes / 2 ** 20))}MiB'`;

/**
 * The buffer manager's memory (`duckdb_memory()`) held by running queries — every tag but the
 * table pages and caches kept for reuse (evictable) — what went to temporary files, and the limit
 * as DuckDB prints it (`3.7 GiB`: parsed by the adapter).
 */
export const MEMORY_IN_USE_SQL = `select
  coalesce(sum(memory_usage_bytes) filter (where tag not in ('BASE_TABLE', 'METADATA', 'EXTERNAL_FILE_CACHE', 'OBJECT_CACHE')), 0)::double as working,
  coalesce(sum(temporary_storage_bytes), 0)::double as spilled,
  current_setting('memory_limit') as memory_limit
from duckdb_memory()`;

/**
 * How many key values occur on more than one row of `from` (a rendered relation, a parenthesized
 * query or a temp table's quoted name).
 *
 * ### Example
 * ```sql
 * select count(*) as n from (select 1 from "snapshot_source" as __bmp_src group by "id" having count(*) > 1)
 * ```
 */
export function duplicateKeysSql(from: string, keys: readonly string[]): string {
  return `select count(*) as n from (select 1 from ${from} as __bmp_src group by ${keys.map(quoteIdent).join(', ')} having count(*) > 1)`;
}

/**
 * Rows per partition of `from` (`k` the partition's label, `s` its start, `n` its rows), in
 * partition order, an unpartitioned (NULL) group last. `keyColumn`: the label is that column
 * (hive files carry it) rather than computed from the field.
 *
 * ### Example
 * ```sql
 * select strftime(date_trunc('month', "ts"), '%Y-%m') as k, strftime(min(date_trunc('month', "ts")), '%Y-%m-%d %H:%M:%S') as s, count(*) as n
 * from "main"."events" group by 1 order by 2 nulls last
 * ```
 */
export function partitionCountsSql(from: string, p: PartitionBy, keyColumn?: string): string {
  return `select ${keyColumn ? quoteIdent(keyColumn) : partitionLabelExpr(p)} as k, strftime(min(${partitionExpr(p)}), '%Y-%m-%d %H:%M:%S') as s, count(*) as n from ${from} group by 1 order by 2 nulls last`;
}
