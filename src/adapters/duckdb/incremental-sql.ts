/**
 * DuckDB SQL for applying an incremental batch (a temp table holding the model's new rows) to the
 * target, one builder per strategy. Pure: the exact SQL is tested in
 * tests/integration/materializations-plan.test.ts.
 *
 * NULL keys: `unique_key` columns are compared NULL-safely (`is not distinct from`; plain `=` for a
 * column the batch holds no NULL in, which means the same and lets DuckDB prune with statistics).
 */
import type { Relation } from '../../manifest/types.js';
import type { ApplyOptions, InspectOptions, MergeOptions, NewKeysRefusal, OverwriteOptions, PartitionBy, PartitionOwner, PartitionRange, EventTimeWindow, KeyedOptions, TouchedRows } from '../engine.js';
import { AFFECTED, partitionExpr, partitionLabelExpr } from './partition-sql.js';
import { replacePartitionStatements, stateTable, type ParamStatement } from './state-sql.js';
import { andAll, quoteIdent, quoteLiteral, relationSql } from './sql.js';

export const DEST = 'DBT_INTERNAL_DEST';
export const SRC = 'DBT_INTERNAL_SOURCE';

const TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** `DBT_INTERNAL_DEST."a" is not distinct from DBT_INTERNAL_SOURCE."a" and ...` */
export function keyMatch(keys: readonly string[], nullable?: ReadonlySet<string>): string {
  return keys.map((k) => `${DEST}.${quoteIdent(k)} ${!nullable || nullable.has(k.toLowerCase()) ? 'is not distinct from' : '='} ${SRC}.${quoteIdent(k)}`).join(' and ');
}

/**
 * The target rows whose key is in the batch: `(DEST."a", DEST."b") in (select "a", "b" from batch)`,
 * a semi join that lets the batch's key ranges skip target row groups; `exists` with
 * {@link keyMatch} when a key column holds a NULL in the batch (`in` never matches NULL).
 */
export function keyIn(keys: readonly string[], batch: string, nullable?: ReadonlySet<string>): string {
  if (comparesNullSafe(keys, nullable)) return `exists (select 1 from ${quoteIdent(batch)} as ${SRC} where ${keyMatch(keys, nullable)})`;
  return keysInSql(keys, quoteIdent(batch));
}

/** Whether {@link keyMatch} compares some key null-safe (`nullable` unknown, or naming a key). */
function comparesNullSafe(keys: readonly string[], nullable: ReadonlySet<string> | undefined): boolean {
  return !nullable || keys.some((k) => nullable.has(k.toLowerCase()));
}

/** `(DEST."a", DEST."b") in (select "a", "b" from <source>)`, `source` being SQL that names the batch. */
function keysInSql(keys: readonly string[], source: string): string {
  const dest = keys.map((k) => `${DEST}.${quoteIdent(k)}`);
  return `${keys.length === 1 ? dest[0] : `(${dest.join(', ')})`} in (select ${keys.map(quoteIdent).join(', ')} from ${source})`;
}

/** `TIMESTAMP '...'` for a window bound bmp computed (checked to be a plain timestamp). */
export function timestampLiteral(ts: string): string {
  if (!TS.test(ts)) throw new Error(`internal: not a timestamp: ${ts}`);
  return `TIMESTAMP '${ts}'`;
}

/** `"event_time" >= TIMESTAMP '...' and "event_time" < TIMESTAMP '...'` */
export function windowPredicate(column: string, w: EventTimeWindow, alias?: string): string {
  const col = `${alias ? `${alias}.` : ''}${quoteIdent(column)}`;
  return `${col} >= ${timestampLiteral(w.start)} and ${col} < ${timestampLiteral(w.end)}`;
}

/**
 * One query over the batch that tells an incremental step what it needs about its keys before it
 * writes: per key column the rows holding a NULL in it (`n0`, `n1`, ...), with `duplicates` the rows
 * repeating a key (`dups`; NULL equals NULL, as in the step), and with `uniqueIndexesOf` how many
 * unique indexes that table has (`unique_indexes`, one round trip less than asking apart).
 * Parameters: `uniqueIndexesOf`'s schema and name. With `rows` the batch's rows (`rows`); with
 * `matches` whether a batch row matches a target row as {@link mergeMatchesSql} asks (`matched`);
 * with `columns` the batch's columns come first, as the result's columns (no row values): one
 * round trip instead of a `describe` (a `describe` inside this query costs DuckDB more than the
 * round trip it saves).
 *
 * ### Example (merge on `id`)
 * ```sql
 * select count(*) filter (where "id" is null) as n0, count(*) - count(distinct "id") - (count(*) > count("id"))::integer as dups
 * from "__bmp_batch_m"
 * ```
 */
export function inspectBatchSql(
  batch: string,
  o: InspectOptions,
): { sql: string; params: string[] } {
  const cols = o.keys.map(quoteIdent);
  const parts = cols.map((c, i) => `count(*) filter (where ${c} is null) as n${i}`);
  if (o.duplicates && cols.length === 1) {
    // distinct keys are the distinct non-NULL values plus one for NULL: count(distinct row(k)) without the row
    parts.push(`count(*) - count(distinct ${cols[0]}) - (count(*) > count(${cols[0]}))::integer as dups`);
  } else if (o.duplicates && cols.length) {
    parts.push(`count(*) - count(distinct row(${cols.join(', ')})) as dups`);
  }
  const params: string[] = [];
  if (o.uniqueIndexesOf) {
    params.push(o.uniqueIndexesOf.schema, o.uniqueIndexesOf.identifier);
    parts.push(`(select count(*) from duckdb_indexes() where database_name = current_database() and is_unique and lower(schema_name) = lower($1) and lower(table_name) = lower($2)) as unique_indexes`);
  }
  if (o.rows) parts.push('count(*) as rows');
  if (o.recordedPartitionsOf) parts.push(`exists (select 1 from ${stateTable('partitions', o.recordedPartitionsOf.stateSchema)} where relation = ${quoteLiteral(o.recordedPartitionsOf.relationKey)}) as recorded_partitions`);
  if (o.matches && o.keys.length) parts.push(`${matchesExpr(o.matches.target, batch, o.keys, o.matches.predicates)} as matched`);
  const fromBatch = cols.length || o.rows || o.matches;
  const inspect = `select ${parts.join(', ')}${fromBatch ? ` from ${quoteIdent(batch)}` : ''}`;
  // the batch's columns first: a batch column named like an aggregate does not hide its value
  return { sql: o.columns ? `select b.*, i.* from (${inspect}) as i left join (select * from ${quoteIdent(batch)} limit 0) as b on true` : inspect, params };
}

/**
 * Whether any batch row matches a target row under a merge's `on` condition (the key compared with
 * `=`, for keys the batch holds no NULL in, and the predicates). Laid out line by line as
 * {@link mergeSql}, so an error in a predicate points at the same line.
 *
 * ### Example
 * ```sql
 * select exists (select 1 from "main"."m" as DBT_INTERNAL_DEST
 * where (DBT_INTERNAL_DEST."id" in (select "id" from "__bmp_batch_m"))) as matched
 * ```
 */
export function mergeMatchesSql(target: Relation, batch: string, o: { readonly uniqueKey: readonly string[]; readonly predicates?: readonly string[] }): string {
  return `select ${matchesExpr(target, batch, o.uniqueKey, o.predicates)} as matched`;
}

function matchesExpr(target: Relation, batch: string, keys: readonly string[], predicates: readonly string[] | undefined): string {
  return `exists (${targetMatches(target, quoteIdent(batch), keys, predicates ?? [])})`;
}

/**
 * The target rows (`select 1 from target as DBT_INTERNAL_DEST ...`) whose keys, compared with `=`,
 * are in the batch (`batch`: SQL naming it), under the predicates: a semi join on the batch's keys
 * ({@link keysInSql}), so a key repeated on both sides costs no more than once (a join with the
 * batch's rows met each target row once per batch row with its key, and DuckDB kept that join's
 * output whole under the nested-loop joins of the insert's key range: 1M rows replaced by day was
 * killed at 10 GB). With predicates that read the batch (DBT_INTERNAL_SOURCE), the join with its rows. The
 * predicates stay on the third line, as in {@link mergeSql}'s `on`, so an error in one points at
 * the same line.
 */
function targetMatches(target: Relation, batch: string, keys: readonly string[], predicates: readonly string[], extra: readonly string[] = []): string {
  const from = `select 1 from ${relationSql(target)} as ${DEST}`;
  if (predicates.some(readsBatch)) {
    return `${from}\njoin ${batch} as ${SRC}\non ${andAll([keyMatch(keys, new Set()), ...predicates])}${extra.length ? `\nwhere ${andAll(extra)}` : ''}`;
  }
  return `${from}\nwhere ${andAll([keysInSql(keys, batch), ...extra])}${predicates.length ? `\nand ${andAll(predicates)}` : ''}`;
}

/**
 * The text of the error {@link insertNewKeysSql} raises when the batch is not plainly new rows: a
 * caller that sees it runs the step the careful way (nothing was written).
 */
export const NOT_PLAIN_INSERT = 'bmp: the batch needs the keyed step';

const REFUSALS: readonly NewKeysRefusal[] = ['NULL key', 'repeated key', 'matching target row', 'unique index'];

/** The refusal an error of {@link insertNewKeysSql} or {@link mergeFromSelectSql} carries, if it is one. */
export function newKeysRefusal(err: unknown): NewKeysRefusal | undefined {
  const m = err instanceof Error ? err.message : '';
  return m.includes(NOT_PLAIN_INSERT) ? REFUSALS.find((r) => m.includes(`${NOT_PLAIN_INSERT} (${r})`)) : undefined;
}

const refuse = (why: NewKeysRefusal) => `error(${quoteLiteral(`${NOT_PLAIN_INSERT} (${why})`)})`;

/** `when <a key column is NULL> then error(...)` [and `when <a key repeats> then error(...)`], over the batch (for a CASE). */
function keyGuards(keys: readonly string[], duplicates: boolean): string[] {
  const cols = keys.map(quoteIdent);
  const cases = [`when count(*) filter (where ${cols.map((k) => `${k} is null`).join(' or ')}) > 0 then ${refuse('NULL key')}`];
  // no NULLs by then: distinct keys count as the rows do
  if (duplicates) cases.push(`when count(*) > count(distinct ${cols.length === 1 ? cols[0] : `row(${cols.join(', ')})`}) then ${refuse('repeated key')}`);
  return cases;
}

/**
 * A merge or delete+insert step whose batch turns out to be new rows only, as ONE statement from the
 * model's SELECT (no temp table, no transaction of its own): the batch is computed once
 * (a materialized CTE) and inserted, but only if no key column holds a NULL in it, (with
 * `duplicates`) no two of its rows share a key, no target row matches a batch row on the keys and
 * the predicates (what the merge's `on` or the delete's `where` would match), and (with
 * `uniqueIndexes`) the target has no unique index. Otherwise the statement fails with
 * {@link NOT_PLAIN_INSERT} before it writes a row: those steps are not inserts (or, for a duplicate
 * key, an error that the careful step locates), and take the careful way. The model's SELECT
 * starts on the statement's third line, as in the plain insert of an append.
 *
 * ### Example (merge on `id`)
 * ```sql
 * insert into "main"."m" ("id", "v")
 * with __bmp_batch as materialized (
 * select ...
 * )
 * select "id", "v" from __bmp_batch
 * where (select case when count(*) filter (where "id" is null) > 0 then error('bmp: the batch needs the keyed step (NULL key)')
 *   when count(*) > count(distinct "id") then error('... (repeated key)')
 *   when exists (select 1 from "main"."m" as DBT_INTERNAL_DEST
 *     where (DBT_INTERNAL_DEST."id" in (select "id" from __bmp_batch)) and (DBT_INTERNAL_DEST."id" between (select min("id") from __bmp_batch) and (select max("id") from __bmp_batch))) then error('... (matching target row)')
 *   else true end from __bmp_batch)
 * ```
 */
export function insertNewKeysSql(
  target: Relation,
  select: string,
  o: { readonly columns: readonly string[]; readonly uniqueKey: readonly string[]; readonly predicates?: readonly string[]; readonly duplicates: boolean; readonly uniqueIndexes: boolean },
): string {
  const batch = '__bmp_batch';
  const cases = keyGuards(o.uniqueKey, o.duplicates);
  // the key columns' range in the batch bounds the target rows read: the planner cannot tell the
  // batch's size (a materialized CTE) and may build the join's hash table on a large target, and
  // a target stored in key order skips every row group outside the range
  const range = o.uniqueKey.map((k) => `${DEST}.${quoteIdent(k)} between (select min(${quoteIdent(k)}) from ${batch}) and (select max(${quoteIdent(k)}) from ${batch})`);
  cases.push(`when exists (${targetMatches(target, batch, o.uniqueKey, o.predicates ?? [], range)}) then ${refuse('matching target row')}`);
  if (o.uniqueIndexes) {
    cases.push(
      `when exists (select 1 from duckdb_indexes() where database_name = current_database() and is_unique and lower(schema_name) = lower(${quoteLiteral(target.schema)}) and lower(table_name) = lower(${quoteLiteral(target.identifier)})) then ${refuse('unique index')}`,
    );
  }
  const cols = o.columns.map(quoteIdent).join(', ');
  return (
    `insert into ${relationSql(target)} (${cols})\nwith ${batch} as materialized (\n${select}\n)\n` +
    `select ${cols} from ${batch}\nwhere (select case\n${cases.join('\n')}\nelse true end from ${batch})`
  );
}

/**
 * A merge from the model's SELECT as ONE statement (no temp table, no transaction of its own): the
 * batch computed once (a materialized CTE), refused before anything is written, with
 * {@link NOT_PLAIN_INSERT}, if a key column holds a NULL in it (the keys are compared with `=`
 * here) or two of its rows share a key; otherwise merged as {@link mergeSql} merges a batch table.
 * The model's SELECT starts on the statement's third line.
 *
 * ### Example
 * ```sql
 * merge into "main"."m" as DBT_INTERNAL_DEST
 * using (with __bmp_batch as materialized (
 * select ...
 * )
 * select * from __bmp_batch where (select case when ... then error('bmp: the batch needs the keyed step (NULL key)') ... else true end from __bmp_batch)) as DBT_INTERNAL_SOURCE
 * on (DBT_INTERNAL_DEST."id" = DBT_INTERNAL_SOURCE."id")
 * when matched then update set "v" = DBT_INTERNAL_SOURCE."v"
 * when not matched then insert ("id", "v") values (DBT_INTERNAL_SOURCE."id", DBT_INTERNAL_SOURCE."v")
 * ```
 */
export function mergeFromSelectSql(target: Relation, select: string, o: MergeOptions): string {
  const batch = '__bmp_batch';
  const source = `(with ${batch} as materialized (\n${select}\n)\nselect * from ${batch} where (select case\n${keyGuards(o.uniqueKey, true).join('\n')}\nelse true end from ${batch}))`;
  return mergeInto(target, source, { ...o, nullableKeys: new Set() });
}

/** `insert into target (cols) select cols from batch [order by partition]` */
export function insertFromBatch(target: Relation, batch: string, columns: readonly string[], partition: PartitionBy | undefined): string {
  const cols = columns.map(quoteIdent).join(', ');
  return `insert into ${relationSql(target)} (${cols})\nselect ${cols} from ${quoteIdent(batch)}${partition ? ` order by ${partitionExpr(partition)}` : ''}`;
}

/**
 * Rows of the partitions `starts` (a subquery of partition starts) with a range condition on the
 * partition column itself, so DuckDB's zone maps skip the row groups of other partitions (a
 * condition on `date_trunc(...)` alone cannot). The bounds are checked to be plain timestamps
 * before they go into the SQL, and cast to the column's type.
 *
 * ### Example (months 2024-02 and 2024-04, no NULLs)
 * ```sql
 * (("created_at" >= cast(TIMESTAMP '2024-02-01 00:00:00' as TIMESTAMP) and "created_at" < cast(TIMESTAMP '2024-05-01 00:00:00' as TIMESTAMP))
 *   and date_trunc('month', "created_at") in (select p from "__bmp_affected_partitions"))
 * ```
 */
export function partitionsPredicate(p: PartitionBy, range: PartitionRange, starts: string, fieldType: string | undefined, alias?: string): string {
  const field = `${alias ? `${alias}.` : ''}${quoteIdent(p.field)}`;
  const cast = (ts: string) => {
    if (!TS.test(ts)) throw new Error(`internal: not a timestamp: ${ts}`);
    return fieldType && /^(DATE|TIMESTAMP.*)$/i.test(fieldType) ? `cast(TIMESTAMP '${ts}' as ${fieldType})` : `TIMESTAMP '${ts}'`;
  };
  const parts: string[] = [];
  if (range.lo && range.hi) parts.push(`((${field} >= ${cast(range.lo)} and ${field} < ${cast(range.hi)}) and ${partitionExpr(p, alias)} in (${starts}))`);
  if (range.hasNull) parts.push(`${field} is null`);
  return parts.length ? `(${parts.join(' or ')})` : 'false';
}

/** `append`: the batch's rows inserted (in partition order). */
export function appendSql(target: Relation, batch: string, o: ApplyOptions): string[] {
  return [insertFromBatch(target, batch, o.columns, o.clusterBy)];
}

/**
 * `merge`: batch rows update the target row with their key (key columns never rewritten) or are
 * inserted; `predicates` narrow the target rows a batch row may match.
 *
 * ### Example
 * ```sql
 * merge into "main"."m" as DBT_INTERNAL_DEST
 * using "__bmp_batch_m" as DBT_INTERNAL_SOURCE
 * on (DBT_INTERNAL_DEST."id" is not distinct from DBT_INTERNAL_SOURCE."id") and (DBT_INTERNAL_DEST.ts > 1)
 * when matched then update set "v" = DBT_INTERNAL_SOURCE."v"
 * when not matched then insert ("id", "v") values (DBT_INTERNAL_SOURCE."id", DBT_INTERNAL_SOURCE."v")
 * ```
 */
export function mergeSql(target: Relation, batch: string, o: MergeOptions): string[] {
  return [mergeInto(target, quoteIdent(batch), o)];
}

/** {@link mergeSql} with `source` as SQL names it (a table, or a parenthesized query). */
function mergeInto(target: Relation, source: string, o: MergeOptions): string {
  const cols = o.columns.map(quoteIdent);
  // dbt-duckdb's merge_update_set_expressions: a column's expression instead of the batch's value
  const setExpr = new Map(Object.entries(o.updateSet ?? {}).map(([c, e]) => [c.toLowerCase(), [c, e] as const]));
  const sets = o.update.map((c) => `${quoteIdent(c)} = ${setExpr.get(c.toLowerCase())?.[1] ?? `${SRC}.${quoteIdent(c)}`}`);
  const updated = new Set(o.update.map((c) => c.toLowerCase()));
  for (const [key, [c, e]] of setExpr) if (!updated.has(key)) sets.push(`${quoteIdent(c)} = ${e}`);
  const when = (cond: string | undefined) => (cond?.trim() ? ` and (${cond})` : '');
  return (
    `merge into ${relationSql(target)} as ${DEST}\nusing ${source} as ${SRC}\non ${andAll([keyMatch(o.uniqueKey, o.nullableKeys), ...(o.predicates ?? [])])}\n` +
    (sets.length ? `when matched${when(o.updateCondition)} then update set ${sets.join(', ')}\n` : '') +
    `when not matched${when(o.insertCondition)} then insert (${cols.join(', ')}) values (${cols.map((c) => `${SRC}.${c}`).join(', ')})`
  );
}

/**
 * `delete+insert`: the target rows with a key in the batch go, then the batch goes in.
 * delete+insert does not ask the key to be unique (a date, replacing a day's rows, is the common
 * case), so the delete never joins the target with the batch's rows, which meets each target row
 * once per batch row with its key — quadratic (two days of 50k rows: 15 s; 1M rows by day was
 * killed at 10 GB). With keys the batch holds no NULL in and predicates over the target only, it
 * is a semi join, `(keys) in (select keys from batch)` ({@link keysInSql}: the batch's key ranges
 * still filter the target's scan); a nullable key compares null-safe in a join with the batch's
 * distinct keys. Predicates that name DBT_INTERNAL_SOURCE may read any batch column, so with them
 * the join is with the batch's rows, as dbt writes it for a list of keys (and as costly when keys
 * repeat).
 *
 * ### Example (`unique_key: id`, a key the batch holds no NULL in)
 * ```sql
 * delete from "main"."m" as DBT_INTERNAL_DEST
 * where DBT_INTERNAL_DEST."id" in (select "id" from "__bmp_batch_m");
 * insert into "main"."m" ("id", "v") select "id", "v" from "__bmp_batch_m"
 * ```
 */
export function deleteInsertSql(target: Relation, batch: string, o: KeyedOptions): string[] {
  const predicates = o.predicates ?? [];
  const tgt = `${relationSql(target)} as ${DEST}`;
  const insert = insertFromBatch(target, batch, o.columns, o.clusterBy);
  const readsRows = predicates.some(readsBatch);
  if (!readsRows && !comparesNullSafe(o.uniqueKey, o.nullableKeys)) return [`delete from ${tgt}\nwhere ${andAll([keysInSql(o.uniqueKey, quoteIdent(batch)), ...predicates])}`, insert];
  const source = readsRows ? quoteIdent(batch) : `(select distinct ${o.uniqueKey.map(quoteIdent).join(', ')} from ${quoteIdent(batch)})`;
  return [`delete from ${tgt}\nusing ${source} as ${SRC}\nwhere ${andAll([keyMatch(o.uniqueKey, o.nullableKeys), ...predicates])}`, insert];
}

const NAMES_SOURCE = new RegExp(`\\b${SRC}\\b`, 'i');

/** Whether an incremental predicate reads the batch (names DBT_INTERNAL_SOURCE), not only the target. */
function readsBatch(predicate: string): boolean {
  return NAMES_SOURCE.test(predicate);
}

/**
 * `insert_overwrite`: the partitions of the batch replaced (the NULL partition like any other; with
 * `partitionRange`, the delete reads only the row groups of that span); without a partition, the
 * rows `predicates` select (all of them without any).
 *
 * ### Example (`partition_by: {field: created_at, granularity: month}`)
 * ```sql
 * delete from "main"."m" as DBT_INTERNAL_DEST
 * where (date_trunc('month', DBT_INTERNAL_DEST."created_at") in (select distinct date_trunc('month', "created_at") from "__bmp_batch_m") or (...is null...));
 * insert into "main"."m" ("id", "created_at") select "id", "created_at" from "__bmp_batch_m" order by date_trunc('month', "created_at")
 * ```
 */
export function insertOverwriteSql(target: Relation, batch: string, o: OverwriteOptions): string[] {
  const tgt = `${relationSql(target)} as ${DEST}`;
  const preds = o.predicates ?? [];
  const insert = insertFromBatch(target, batch, o.columns, o.clusterBy);
  const partition = o.clusterBy;
  if (!partition) return [`delete from ${tgt}${preds.length ? ` where ${andAll(preds)}` : ''}`, insert];
  const starts = `select distinct ${partitionExpr(partition)} from ${quoteIdent(batch)}`;
  const which = o.partitionRange
    ? partitionsPredicate(partition, o.partitionRange, starts, o.partitionFieldType, DEST)
    : `(${partitionExpr(partition, DEST)} in (${starts}) or (${DEST}.${quoteIdent(partition.field)} is null and exists (select 1 from ${quoteIdent(batch)} where ${quoteIdent(partition.field)} is null)))`;
  return [`delete from ${tgt}\nwhere ${which}${preds.length ? ` and ${andAll(preds)}` : ''}`, insert];
}

/** microbatch: the target rows of the window `[start, end)` of `eventTime` replaced by the batch. */
export function replaceWindowSql(target: Relation, batch: string, o: ApplyOptions & { readonly eventTime: string; readonly window: EventTimeWindow }): string[] {
  const preds = o.predicates ?? [];
  return [`delete from ${relationSql(target)} as ${DEST}\nwhere ${windowPredicate(o.eventTime, o.window, DEST)}${preds.length ? ` and ${andAll(preds)}` : ''}`, insertFromBatch(target, batch, o.columns, o.clusterBy)];
}

/**
 * The target rows an incremental step may delete or update (see {@link TouchedRows}), as a
 * condition over `DBT_INTERNAL_DEST`; undefined when it touches only rows of the batch's partitions.
 */
export function touchedRowsPredicate(batch: string, t: TouchedRows | undefined): string | undefined {
  if (!t) return undefined;
  // a predicate that reads the batch (DBT_INTERNAL_SOURCE) has no batch row in scope here: left
  // out, the rows selected are a superset of those the step touches, which is what this bounds
  const preds = (t.predicates ?? []).filter((p) => !readsBatch(p));
  if (t.uniqueKey?.length) return andAll([keyIn(t.uniqueKey, batch, t.nullableKeys), ...preds]);
  if (t.window) return andAll([windowPredicate(t.window.eventTime, t.window.window, DEST), ...preds]);
  return undefined;
}

/**
 * Before an incremental step: the partitions it can change, i.e. those of the batch, plus those
 * of target rows the step may delete or update (`targetFilter`, over `DBT_INTERNAL_DEST`), into
 * the temp table {@link AFFECTED}.
 */
export function affectedPartitionsSql(target: Relation, batch: string, p: PartitionBy, targetFilter?: string): string {
  const fromBatch = `select distinct ${partitionExpr(p)} as p from ${quoteIdent(batch)}`;
  const fromTarget = targetFilter ? `\nunion\nselect distinct ${partitionExpr(p, DEST)} from ${relationSql(target)} as ${DEST} where ${targetFilter}` : '';
  return `create or replace temp table ${quoteIdent(AFFECTED)} as\n${fromBatch}${fromTarget}`;
}

/** The span of the partitions in {@link AFFECTED} (`lo`, `hi` as plain timestamps, `has_null`). */
export function affectedRangeSql(p: PartitionBy): string {
  return `select strftime(min(p), '%Y-%m-%d %H:%M:%S') as lo, strftime(max(p) + interval 1 ${p.granularity}, '%Y-%m-%d %H:%M:%S') as hi, count(*) filter (where p is null) > 0 as has_null from ${quoteIdent(AFFECTED)}`;
}

/** After an incremental step: recount only the affected partitions (see {@link partitionsPredicate}). */
export function affectedPartitionsMetaStatements(rel: Relation, owner: PartitionOwner, p: PartitionBy, stateSchema: string, range: PartitionRange, fieldType: string | undefined): ParamStatement[] {
  const only = `select p from ${quoteIdent(AFFECTED)}`;
  const from = `(select * from ${relationSql(rel)} where ${partitionsPredicate(p, range, only, fieldType)})`;
  return replacePartitionStatements(owner, from, partitionLabelExpr(p), partitionExpr(p), only, stateSchema);
}

/**
 * How many values of `keys` occur on more than one row of `from`, and one of them as text.
 *
 * ### Example
 * ```sql
 * select count(*) as n, any_value(k) as example from (select concat_ws(', ', coalesce("id"::varchar, 'NULL')) as k from "__bmp_batch_m" group by "id" having count(*) > 1)
 * ```
 */
export function duplicateKeyExampleSql(from: string, keys: readonly string[]): string {
  const cols = keys.map(quoteIdent);
  return `select count(*) as n, any_value(k) as example from (select concat_ws(', ', ${cols.map((c) => `coalesce(${c}::varchar, 'NULL')`).join(', ')}) as k from ${from} group by ${cols.join(', ')} having count(*) > 1)`;
}

/** Key values of an index (keys as SQL) on more than one row of `from`, as the index counts them: a key holding a NULL equals no other. */
export function indexViolationsSql(from: string, keySql: readonly string[]): string {
  return `select count(*) as n from (select 1 from ${from} where ${keySql.map((k) => `(${k}) is not null`).join(' and ')} group by ${keySql.join(', ')} having count(*) > 1)`;
}
