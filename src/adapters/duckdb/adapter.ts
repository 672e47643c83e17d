/**
 * DuckDB's {@link EngineAdapter}: intents said in DuckDB SQL, run on one {@link Connection}. One per
 * connection ({@link Connection.adapter}), so a build allocates none.
 *
 * DuckDB facts it encodes: `create or replace table ... as` and `create or replace view` are atomic
 * on their own and transactional; a table and a view cannot share a name (the other kind is
 * dropped first, in the same transaction); ART indexes are built after the load, which is much
 * faster than maintaining them row by row.
 */
import type { Relation } from '../../manifest/types.js';
import {
  indexName,
  statementSql,
  type ApplyOptions,
  type PartitionOwner,
  type StateTable,
  type DescribeSource,
  type EngineIndex,
  type ExistingRelation,
  type ExternalLayout,
  type PartitionBy,
  type PartitionCount,
  type EngineAdapter,
  type EngineCapabilities,
  type EngineDialect,
  type EventTimeWindow,
  type KeyedOptions,
  type MergeOptions,
  type NewKeysOptions,
  type NewKeysRefusal,
  type OverwriteOptions,
  type EngineColumn,
  type Hooks,
  type IndexSpec,
  type RelationKind,
  type ReplaceOptions,
  type ReplaceTableOptions,
  type SnapshotConfig,
  type RowCount,
  type BatchInspection,
  type PartitionRange,
  type ProcessedInterval,
  type StateOwner,
  type TouchedRows,
  type InspectOptions,
  type Statement,
  type EngineMemory,
  type Step,
} from '../engine.js';
import type { Connection } from './connection.js';
import { CHECKPOINT_SQL, duplicateKeysSql, KEPT_FREED_MEMORY_SQL, keepFreedMemorySql, setThreadsSql, THREADS_SETTING_SQL, LIST_INDEXES_SQL, LIST_RELATIONS_SQL, LIST_SCHEMAS_SQL, MEMORY_IN_USE_SQL, partitionCountsSql, RELATION_KIND_SQL, VERSION_SQL } from './catalog-sql.js';
import { copySql, filesReader, filesViewSelect } from './external-sql.js';
import { indexKeyList, splitKeys } from './index-keys.js';
import { affectedPartitionsMetaStatements, affectedPartitionsSql, affectedRangeSql, appendSql, deleteInsertSql, duplicateKeyExampleSql, indexViolationsSql, inspectBatchSql, insertNewKeysSql, insertOverwriteSql, mergeFromSelectSql, mergeMatchesSql, newKeysRefusal, mergeSql, replaceWindowSql, touchedRowsPredicate } from './incremental-sql.js';
import { AFFECTED, batchPartitionsMetaStatements, clusteredSelect, partitionColumn, partitionExpr, partitionLabelExpr } from './partition-sql.js';
import { clearIntervalsStatement, clearPendingIndexesStatement, createStateTableSql, deletePartitionRowsStatement, hasPartitionRowsSql, insertPartitionRowsStatement, readIntervalsSql, readPendingIndexesSql, recordIntervalStatements, recordPendingIndexStatement, replacePartitionStatements } from './state-sql.js';
import { snapshotCreateSql, snapshotMerge, snapshotSourceSelect } from './snapshot-sql.js';
import { addColumn, createIndex, createSchema, createTableAs, createViewAs, describeQuery, dropIndex, dropRelation, insertInto, quoteIdent, recreateIndex, relationSql } from './sql.js';

const NONE: RowCount = () => 0;

/** DuckDB's intents as statements (pure; one shared instance, {@link duckdbDialect}). */
export class DuckDbDialect implements EngineDialect {
  readonly name = 'duckdb';
  readonly capabilities: EngineCapabilities = Object.freeze({ merge: true, indexes: true, transactionalDdl: true, replaceTable: true });

  quote(identifier: string): string {
    return quoteIdent(identifier);
  }

  relation(rel: Relation): string {
    return relationSql(rel);
  }

  replaceView(rel: Relation, select: string, o?: ReplaceOptions): Step {
    const create = createViewAs(rel, select);
    return { statements: o?.existingKind === 'table' ? [dropRelation(rel, 'table'), create] : [create] };
  }

  replaceTable(rel: Relation, select: string, o?: ReplaceTableOptions): Step {
    const ctas = createTableAs(rel, clusteredSelect(select, o?.clusterBy));
    const statements: Statement[] = o?.existingKind === 'view' ? [dropRelation(rel, 'view')] : [];
    const counts = statements.length;
    statements.push(o?.params?.length ? { sql: ctas, params: o.params } : ctas);
    if (o?.indexes?.length) for (const s of createIndexStatements(rel, o.indexes, false)) statements.push(s);
    return { statements, counts };
  }

  insertInto(target: Relation, columns: readonly string[], select: string): Step {
    return { statements: [insertInto(target, columns, select)], counts: 0 };
  }

  createIndexes(rel: Relation, indexes: readonly IndexSpec[], o?: { ifNotExists?: boolean }): Step {
    return { statements: createIndexStatements(rel, indexes, !!o?.ifNotExists), together: true };
  }

  dropRelation(rel: Relation, kind: RelationKind): Step {
    return { statements: [dropRelation(rel, kind)] };
  }

  createTempTable(name: string, select: string): Step {
    return { statements: [createTableAs({ database: '', schema: '', identifier: name }, select, { temp: true })] };
  }

  dropTempTable(name: string): Step {
    return { statements: [`drop table if exists temp.main.${quoteIdent(name)}`], atCommit: true };
  }

  append(target: Relation, batch: string, o: ApplyOptions): Step {
    return lastCounts(appendSql(target, batch, o));
  }

  insertNewKeys(target: Relation, select: string, o: NewKeysOptions): Step {
    return { statements: [insertNewKeysSql(target, select, o)], counts: 0 };
  }

  newKeysRefusal(err: unknown): NewKeysRefusal | undefined {
    return newKeysRefusal(err);
  }

  mergeFromSelect(target: Relation, select: string, o: MergeOptions): Step {
    return { statements: [mergeFromSelectSql(target, select, o)], counts: 0 };
  }

  isMissingColumn(err: unknown): boolean {
    return err instanceof Error && /^Binder Error: Referenced column "[^\n]*" not found/.test(err.message);
  }

  merge(target: Relation, batch: string, o: MergeOptions): Step {
    return lastCounts(mergeSql(target, batch, o));
  }

  // the delete holds the predicates a user wrote; the insert from the batch is bmp's
  deleteInsert(target: Relation, batch: string, o: KeyedOptions): Step {
    return { ...lastCounts(deleteInsertSql(target, batch, o)), together: true };
  }

  insertOverwrite(target: Relation, batch: string, o: OverwriteOptions): Step {
    return { ...lastCounts(insertOverwriteSql(target, batch, o)), together: true };
  }

  replaceWindow(target: Relation, batch: string, o: ApplyOptions & { readonly eventTime: string; readonly window: EventTimeWindow }): Step {
    return { ...lastCounts(replaceWindowSql(target, batch, o)), together: true };
  }

  addColumns(rel: Relation, columns: readonly { readonly name: string; readonly type: string }[]): Step {
    return { statements: columns.map((c) => addColumn(rel, c.name, c.type)), together: true };
  }

  createSnapshot(rel: Relation, select: string, cfg: SnapshotConfig, now: string): Step {
    return { statements: [snapshotCreateSql(rel, select, cfg, now)], counts: 0 };
  }

  stageSnapshotSource(name: string, select: string, cfg: SnapshotConfig, now: string): Step {
    return this.createTempTable(name, snapshotSourceSelect(select, cfg, now));
  }

  mergeSnapshot(rel: Relation, cfg: SnapshotConfig, sourceColumns: readonly string[], now: string, hasDeletedColumn: boolean): Step {
    const { statements, inserts } = snapshotMerge(rel, cfg, sourceColumns, now, hasDeletedColumn);
    return { statements, counts: inserts };
  }

  writeFiles(select: string, dest: string, layout: Pick<ExternalLayout, 'format' | 'partition'>, o?: { readonly hasPartitionColumn?: boolean }): Step {
    return { statements: [copySql(select, dest, layout, !!o?.hasPartitionColumn)], counts: 0 };
  }

  replaceFilesView(rel: Relation, layout: ExternalLayout, o?: ReplaceOptions & { readonly columns?: readonly { readonly name: string }[] }): Step {
    return this.replaceView(rel, filesViewSelect(layout, o?.columns), o);
  }

  recordPartitions(rel: Relation, owner: PartitionOwner, partition: PartitionBy, stateSchema: string): Step {
    return { statements: replacePartitionStatements(owner, relationSql(rel), partitionLabelExpr(partition), partitionExpr(partition), undefined, stateSchema) };
  }

  replacePartitionCounts(owner: PartitionOwner, counts: readonly PartitionCount[], keys: readonly (string | null)[] | undefined, stateSchema: string): Step {
    return { statements: [deletePartitionRowsStatement(owner.relationKey, keys, stateSchema), ...insertPartitionRowsStatement(owner, counts.filter((c) => c.count > 0), stateSchema)] };
  }

  statements(list: readonly Statement[]): Step {
    return { statements: list };
  }

  recordBatchPartitions(owner: PartitionOwner, batch: string, partition: PartitionBy, stateSchema: string, additive: boolean): Step {
    return { statements: batchPartitionsMetaStatements(owner, batch, partition, stateSchema, additive), together: true };
  }

  recordAffectedPartitions(rel: Relation, owner: PartitionOwner, partition: PartitionBy, range: PartitionRange, fieldType: string | undefined, stateSchema: string): Step {
    return { statements: [...affectedPartitionsMetaStatements(rel, owner, partition, stateSchema, range, fieldType), ...this.dropTempTable(AFFECTED).statements] };
  }

  setIndexesAside(rel: Relation, indexes: readonly EngineIndex[], owner: StateOwner, stateSchema: string): Step {
    return { statements: indexes.flatMap((i) => [recordPendingIndexStatement(owner.relationKey, i.name, i.createSql, owner.invocationId, stateSchema), i.dropSql]) };
  }

  recreateIndexes(indexes: readonly Pick<EngineIndex, 'createSql'>[]): Step {
    return { statements: indexes.map((i) => i.createSql) };
  }

  clearPendingIndexes(rel: Relation, names: readonly string[] | undefined, stateSchema: string): Step {
    return { statements: [clearPendingIndexesStatement(relationKey(rel), names, stateSchema)] };
  }

  recordInterval(owner: StateOwner, interval: ProcessedInterval, rowsWritten: number | null, stateSchema: string): Step {
    const [clear, insert] = recordIntervalStatements(owner.relationKey, owner.nodeId, interval, 0, owner.invocationId, stateSchema);
    return { statements: [clear!, { sql: insert!.sql, params: insert!.params.map((p, i) => (i === 4 ? rowsWritten : p)) }] };
  }

  clearIntervals(relationKey: string, stateSchema: string): Step {
    return { statements: [clearIntervalsStatement(relationKey, stateSchema)] };
  }
}

/** `schema.identifier`, lower-case: how bmp's bookkeeping names a relation (src/state's relationKeyOf). */
function relationKey(rel: Relation): string {
  return `${rel.schema}.${rel.identifier}`.toLowerCase();
}

/** DuckDB's statements, without a connection (exact-SQL tests, planning). */
export const duckdbDialect = new DuckDbDialect();

/** DuckDB's {@link EngineAdapter}: {@link DuckDbDialect}'s intents, run on one connection. */
export class DuckDbAdapter extends DuckDbDialect implements EngineAdapter {
  constructor(private readonly conn: Connection) {
    super();
  }

  atomically(hooks: Hooks, work: Step | readonly Step[]): Promise<RowCount>;
  atomically<T>(hooks: Hooks, work: () => Promise<T>): Promise<T>;
  atomically<T>(hooks: Hooks, work: Step | readonly Step[] | (() => Promise<T>)): Promise<RowCount | T> {
    // one statement in autocommit is its own transaction: no BEGIN/COMMIT round trips (and, not
    // being an async function, no extra turns of the microtask queue between two nodes' statements)
    if (typeof work !== 'function' && !hooks.preHooks.length && !hooks.postHooks.length) {
      const steps: readonly Step[] = isStep(work) ? [work] : work;
      if (statementCount(steps) === 1) return this.run(steps.find((s) => s.statements.length)!);
    }
    return this.atomicallyInTransaction(hooks, work);
  }

  private async atomicallyInTransaction<T>(hooks: Hooks, work: Step | readonly Step[] | (() => Promise<T>)): Promise<RowCount | T> {
    const conn = this.conn;
    if (typeof work === 'function') {
      if (!hooks.preHooks.length && !hooks.postHooks.length) return conn.transaction(work);
      return conn.transaction(async () => {
        for (const h of hooks.preHooks) await conn.runCounted(h);
        const out = await work();
        for (const h of hooks.postHooks) await conn.runCounted(h);
        return out;
      });
    }
    const steps: readonly Step[] = isStep(work) ? [work] : work;
    return conn.transaction(async () => {
      for (const h of hooks.preHooks) await conn.runCounted(h);
      let rows = NONE;
      for (const s of steps) {
        const n = await this.run(s);
        if (s.counts !== undefined) rows = n;
      }
      for (const h of hooks.postHooks) await conn.runCounted(h);
      return rows;
    });
  }

  run(step: Step): Promise<RowCount> {
    const list = step.statements;
    // one statement without values (a model's CTAS): its count, or none, straight from the connection
    if (list.length === 1 && typeof list[0] === 'string' && !step.atCommit) {
      const counted = this.conn.runCounted(list[0]);
      return step.counts === 0 || (typeof step.counts === 'object' && step.counts.includes(0)) ? counted : counted.then(() => NONE);
    }
    return this.runSteps(step);
  }

  private async runSteps(step: Step): Promise<RowCount> {
    let rows = NONE;
    const list = step.statements;
    const counts = step.counts;
    if (!list.length) return NONE;
    if (list.every((s) => typeof s === 'string')) {
      const texts = list as readonly string[];
      if (step.atCommit && counts === undefined) {
        await this.conn.runAtCommit(texts);
        return NONE;
      }
      // statements without values, of which only the last one's count is read: one round trip
      if (step.together && (counts === undefined || counts === texts.length - 1)) {
        const n = await this.conn.runAll(texts);
        return counts === undefined ? NONE : n;
      }
    }
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      // the count is read when asked: off the path to the next statement
      const n = typeof s === 'string' ? await this.conn.runCounted(s) : await this.conn.runCounted(s.sql, s.params.length ? s.params : undefined);
      if (i === counts) rows = n;
      else if (typeof counts === 'object' && counts.includes(i)) rows = sum(rows, n);
    }
    return rows;
  }

  async describe(source: DescribeSource): Promise<EngineColumn[]> {
    return (await this.conn.rows<{ column_name: string; column_type: string }>(describeSql(source))).map((r, i) => ({ name: String(r.column_name), type: String(r.column_type), index: i }));
  }

  async relationKind(rel: Relation): Promise<RelationKind | undefined> {
    const [row] = await this.conn.rows<{ kind: RelationKind }>(RELATION_KIND_SQL, [rel.schema, rel.identifier]);
    return row?.kind;
  }

  async listRelations(schema: string): Promise<ExistingRelation[]> {
    const rows = await this.conn.rows<{ database_name: string; schema_name: string; name: string; kind: RelationKind }>(LIST_RELATIONS_SQL, [schema]);
    return rows.map((r) => ({ database: r.database_name, schema: r.schema_name, identifier: r.name, kind: r.kind }));
  }

  async listSchemas(): Promise<string[]> {
    return (await this.conn.rows<{ schema_name: string }>(LIST_SCHEMAS_SQL)).map((r) => r.schema_name);
  }

  async listIndexes(rel: Relation): Promise<EngineIndex[]> {
    const rows = await this.conn.rows<{ index_name: string; is_unique: boolean; sql: string | null }>(LIST_INDEXES_SQL, [rel.schema, rel.identifier]);
    return rows.flatMap((r) => {
      const list = indexKeyList(r.sql ?? '');
      if (!list) return [];
      const keys = splitKeys(list.slice(1, -1));
      return [{
        name: r.index_name,
        unique: !!r.is_unique,
        columns: keys.map((k) => (k.column ?? k.sql).toLowerCase()),
        keySql: keys.map((k) => k.sql),
        createSql: recreateIndex(rel, r.index_name, !!r.is_unique, list),
        dropSql: dropIndex(rel.schema, r.index_name),
      }];
    });
  }

  async countDuplicateKeys(source: DescribeSource, keys: readonly string[]): Promise<number> {
    const [row] = await this.conn.rows<{ n: number | bigint }>(duplicateKeysSql(fromSql(source), keys));
    return Number(row?.n ?? 0);
  }

  async countPartitions(rel: Relation, partition: PartitionBy): Promise<PartitionCount[]> {
    return partitionCounts(await this.conn.rows(partitionCountsSql(relationSql(rel), partition)));
  }

  async countFilePartitions(layout: ExternalLayout & { readonly partition: PartitionBy }, files: readonly string[]): Promise<PartitionCount[]> {
    if (!files.length) return [];
    return partitionCounts(await this.conn.rows(partitionCountsSql(filesReader(layout, files), layout.partition, partitionColumn(layout.partition))));
  }

  /** The state tables this connection knows exist (`schema.table`). */
  private readonly stateTablesSeen = new Set<string>();

  async ensureStateTables(tables: readonly StateTable[], stateSchema: string): Promise<void> {
    const missing = tables.filter((t) => !this.stateTablesSeen.has(`${stateSchema}.${t}`));
    if (!missing.length) return;
    const have = new Set((await this.listRelations(stateSchema)).filter((r) => r.kind === 'table' && r.schema === stateSchema).map((r) => r.identifier));
    for (const t of missing) {
      if (!have.has(t)) {
        for (let attempt = 0; ; attempt++) {
          try {
            await this.conn.run(createSchema(stateSchema));
            await this.conn.run(createStateTableSql(t, stateSchema));
            break;
          } catch (err) {
            // another connection created it at the same moment (a write-write conflict on the catalog): once more
            if (attempt >= 2 || !/conflict/i.test(err instanceof Error ? err.message : String(err))) throw err;
            await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
          }
        }
      }
      this.stateTablesSeen.add(`${stateSchema}.${t}`);
    }
  }

  async duplicateKeys(source: DescribeSource, keys: readonly string[]): Promise<{ count: number; example: string | null }> {
    const [row] = await this.conn.rows<{ n: number | bigint; example: string | null }>(duplicateKeyExampleSql(fromSql(source), keys));
    return { count: Number(row?.n ?? 0), example: row?.example ?? null };
  }

  async inspectBatch(batch: string, o: InspectOptions): Promise<BatchInspection> {
    if (!o.keys.length && !o.uniqueIndexesOf && !o.rows && !o.columns) return { nullCounts: [], duplicates: 0, uniqueIndexes: 0 };
    if (o.columns && !o.rows) o = { ...o, rows: true }; // the batch's columns ride on a query with at least one aggregate
    const q = inspectBatchSql(batch, o);
    const result = await this.conn.query(q.sql, q.params.length ? q.params : undefined);
    const r = result.rows[0] ?? {};
    // with `columns`, the batch's columns come first, then the aggregates
    const aggregates = inspectWidth(o);
    return {
      nullCounts: o.keys.map((_, i) => Number(r[`n${i}`] ?? 0)),
      duplicates: Number(r['dups'] ?? 0),
      uniqueIndexes: Number(r['unique_indexes'] ?? 0),
      ...(o.rows ? { rows: Number(r['rows'] ?? 0) } : {}),
      ...(o.matches && o.keys.length ? { matched: !!r['matched'] } : {}),
      ...(o.recordedPartitionsOf ? { recordedPartitions: !!r['recorded_partitions'] } : {}),
      ...(o.columns ? { columns: result.columns.slice(0, result.columns.length - aggregates).map((c, index) => ({ name: c.name, type: c.type, index })) } : {}),
    };
  }

  async mergeMatches(target: Relation, batch: string, o: { readonly uniqueKey: readonly string[]; readonly predicates?: readonly string[] }): Promise<boolean> {
    const [row] = await this.conn.rows<{ matched: boolean }>(mergeMatchesSql(target, batch, o));
    return !!row?.matched;
  }

  async affectedPartitions(target: Relation, batch: string, partition: PartitionBy, touched?: TouchedRows): Promise<PartitionRange> {
    await this.conn.runCounted(affectedPartitionsSql(target, batch, partition, touchedRowsPredicate(batch, touched)));
    const [r] = await this.conn.rows<{ lo: string | null; hi: string | null; has_null: boolean }>(affectedRangeSql(partition));
    return { lo: r?.lo ?? null, hi: r?.hi ?? null, hasNull: !!r?.has_null };
  }

  async countIndexViolations(rel: Relation, index: EngineIndex): Promise<number> {
    const [row] = await this.conn.rows<{ n: number | bigint }>(indexViolationsSql(relationSql(rel), index.keySql));
    return Number(row?.n ?? 0);
  }

  async pendingIndexes(rel: Relation, stateSchema: string): Promise<EngineIndex[]> {
    const rows = await this.conn.rows<{ index_name: string; create_sql: string }>(readPendingIndexesSql(stateSchema), [relationKey(rel)]);
    return rows.map((r) => {
      const list = indexKeyList(r.create_sql);
      const keys = list ? splitKeys(list.slice(1, -1)) : [];
      // a statement whose keys cannot be read back is not run again (`createSql` empty), only forgotten
      return {
        name: r.index_name,
        unique: /^\s*create\s+unique\b/i.test(r.create_sql),
        columns: keys.map((k) => (k.column ?? k.sql).toLowerCase()),
        keySql: keys.map((k) => k.sql),
        createSql: list ? r.create_sql : '',
        dropSql: dropIndex(rel.schema, r.index_name),
      };
    });
  }

  async processedIntervals(relationKey: string, stateSchema: string): Promise<ProcessedInterval[]> {
    if ((await this.relationKind({ database: '', schema: stateSchema, identifier: 'microbatch_intervals' })) !== 'table') return [];
    return this.conn.rows<{ start: string; end: string }>(readIntervalsSql(stateSchema), [relationKey]);
  }

  async hasPartitionRows(relationKey: string, stateSchema: string): Promise<boolean> {
    return (await this.conn.rows(hasPartitionRowsSql(stateSchema), [relationKey])).length > 0;
  }

  async countRows(query: string, params?: readonly unknown[]): Promise<number> {
    const [row] = await this.conn.rows<{ n: number | bigint }>(`select count(*) as n from (${query})`, params?.length ? [...params] : undefined);
    return Number(row?.n ?? 0);
  }

  async commitOutside<T>(move: () => T | Promise<T>): Promise<T> {
    const out = await move();
    this.conn.markCommitted();
    return out;
  }

  async checkpoint(): Promise<void> {
    // On one thread: with workers, DuckDB hands the checkpoint to a worker while the calling thread
    // polls for it at full speed, so a 2-core machine lost a core to the poll exactly while bmp
    // writes its artifacts (1,000-model chain: ~90 ms later and ~75 ms more CPU at the end of the
    // run). Checkpointing barely uses a second thread anyway (1M pipeline: ±10%). The setting is
    // put back afterwards for whatever runs next on the instance.
    const [row] = await this.conn.rows<{ n: string | number }>(THREADS_SETTING_SQL);
    const threads = Number(row?.n);
    if (!(threads > 1)) return void (await this.conn.run(CHECKPOINT_SQL));
    try {
      await this.conn.run(setThreadsSql(1));
    } catch {
      // the setting cannot change (`lock_configuration` in the profile's settings): checkpoint as it is
      return void (await this.conn.run(CHECKPOINT_SQL));
    }
    try {
      await this.conn.run(CHECKPOINT_SQL);
    } finally {
      await this.conn.run(setThreadsSql(threads));
    }
  }

  async version(): Promise<string> {
    const [row] = await this.conn.rows<{ v: string }>(VERSION_SQL);
    return String(row?.v ?? '');
  }

  async memoryInUse(): Promise<EngineMemory> {
    const [row] = await this.conn.rows<{ working: number; spilled: number; memory_limit: string }>(MEMORY_IN_USE_SQL);
    return { working: Number(row?.working ?? 0), spilled: Number(row?.spilled ?? 0), limit: parseByteSize(String(row?.memory_limit ?? '')) };
  }

  async keepFreedMemory(bytes: number): Promise<boolean> {
    const [row] = await this.conn.rows<{ v: string }>(KEPT_FREED_MEMORY_SQL);
    // DuckDB prints the setting rounded (`953.6 MiB`): within 1 MiB counts as already kept
    if ((parseByteSize(String(row?.v ?? '')) ?? 0) >= bytes - 2 ** 20) return false;
    await this.conn.run(keepFreedMemorySql(bytes));
    return true;
  }
}

const BYTE_UNITS: Record<string, number> = { b: 1, bytes: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** A size as DuckDB prints a setting (`3.7 GiB`, `512.0 MiB`, `0 bytes`); undefined when it is not one. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*([\d.]+)\s*([a-z]+)\s*$/i.exec(text);
  const unit = m && BYTE_UNITS[m[2]!.toLowerCase()];
  return unit ? Number(m[1]) * unit : undefined;
}

/** `describe` of a relation, a query or a temp table (a query that is only a rendered name is described as that name). */
function describeSql(source: DescribeSource): string {
  if ('query' in source) return RENDERED_NAME.test(source.query) ? `describe ${source.query}` : describeQuery(source.query);
  if ('temp' in source) return `describe ${quoteIdent(source.temp)}`;
  return `describe ${relationSql(source)}`;
}

/** What a source is in a FROM clause. */
function fromSql(source: DescribeSource): string {
  if ('query' in source) return RENDERED_NAME.test(source.query) ? source.query : `(\n${source.query}\n)`;
  if ('temp' in source) return quoteIdent(source.temp);
  return relationSql(source);
}

/** `"schema"."name"`, `name`, `temp.main."x"`: one to three dotted identifiers, quoted or not. */
const RENDERED_NAME = /^\s*(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)){0,2}\s*$/;

function partitionCounts(rows: readonly Record<string, unknown>[]): PartitionCount[] {
  return rows.map((r) => ({ key: r['k'] === null || r['k'] === undefined ? null : String(r['k']), start: r['s'] === null || r['s'] === undefined ? null : String(r['s']), count: Number(r['n']) }));
}

/** How many aggregate columns {@link inspectBatchSql} gives for `o`. */
function inspectWidth(o: InspectOptions): number {
  const keys = o.keys.length;
  return keys + (o.duplicates && keys ? 1 : 0) + (o.uniqueIndexesOf ? 1 : 0) + (o.rows ? 1 : 0) + (o.matches && keys ? 1 : 0) + (o.recordedPartitionsOf ? 1 : 0);
}

function sum(a: RowCount, b: RowCount): RowCount {
  return a === NONE ? b : () => a() + b();
}

function statementCount(steps: readonly Step[]): number {
  let n = 0;
  for (const s of steps) n += s.statements.length;
  return n;
}

function lastCounts(statements: readonly string[]): Step {
  return { statements, counts: statements.length - 1 };
}

function isStep(work: Step | readonly Step[]): work is Step {
  return 'statements' in work;
}

/** `create [unique] index [if not exists] "t__a_b__idx" on "s"."t" ("a", "b")`, one per index. */
export function createIndexStatements(rel: Relation, indexes: readonly IndexSpec[], ifNotExists: boolean): string[] {
  return indexes.map((s) => createIndex(rel, indexName(rel, s), s.columns, !!s.unique, ifNotExists));
}

export { statementSql };
