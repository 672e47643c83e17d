/**
 * The engine boundary: what materializations ask a database for, in intents ("replace this table
 * with this query", "insert these columns from this query"), and one way to make a node's work
 * atomic with its hooks. An engine is one folder under `src/adapters/` implementing
 * {@link EngineAdapter}; DuckDB's is `src/adapters/duckdb/adapter.ts`. docs/ARCHITECTURE.md, "The
 * engine boundary", says what a second engine has to provide.
 *
 * Intents that only build statements return a {@link Step} (pure: the exact SQL is testable without
 * a database, and {@link EngineAdapter.atomically} sees every statement a node's build issues, so it
 * can leave out BEGIN/COMMIT when one statement with no hooks is already atomic). Intents that read
 * the database (`describe`) run at once.
 */
import type { Relation } from '../manifest/types.js';

/** A statement with bound values (`$1`, ...): data never goes into statement text. */
export interface BoundStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** One statement: SQL text, or SQL with bound values. */
export type Statement = string | BoundStatement;

/**
 * What an intent issues, built but not run. `counts` is the index of the statement whose row count
 * is the rows the build wrote (a CTAS, an INSERT), when one is.
 */
export interface Step {
  readonly statements: readonly Statement[];
  /** The statement whose count is the rows written, or several (their counts are summed). */
  readonly counts?: number | readonly number[];
  /** The statements may wait for the end of the transaction they run in (an engine may send them with its COMMIT); rolled back, they do not run. */
  readonly atCommit?: boolean;
  /** Only the first statement holds SQL a user wrote: the engine may send them together (an error in the first keeps its position). */
  readonly together?: boolean;
}

/** Rows written, read when asked (reading a count costs time a caller can spend later). */
export type RowCount = () => number;

/** A node's rendered hooks, run in the same transaction as its build (a materialization context is one). */
export interface Hooks {
  readonly preHooks: readonly string[];
  readonly postHooks: readonly string[];
}

/** `indexes: [{columns: [...], unique: bool}]` as a table is to have them. */
export interface IndexSpec {
  readonly columns: readonly string[];
  readonly unique?: boolean;
}

export type Granularity = 'hour' | 'day' | 'month' | 'year';

/** `partition_by`: rows are kept together by `granularity` of `field`. */
export interface PartitionBy {
  readonly field: string;
  readonly granularity: Granularity;
}

export type ExternalFormat = 'parquet' | 'csv';

/** Where an external model's files are: a file, or (partitioned) a folder of hive partitions. */
export interface ExternalLayout {
  /** Absolute folder (partitioned) or file path. */
  readonly location: string;
  readonly format: ExternalFormat;
  readonly partition?: PartitionBy;
}

/** A snapshot's configuration, read from the node's config (materializations/snapshot.ts). */
export type SnapshotStrategy = 'timestamp' | 'check';
export type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

export interface SnapshotConfig {
  readonly uniqueKey: readonly string[];
  readonly strategy: SnapshotStrategy;
  readonly updatedAt?: string;
  readonly checkCols: readonly string[] | 'all';
  readonly hardDeletes: HardDeletes;
  /** The meta columns' names (dbt 1.9 `snapshot_meta_column_names`), by their default name. */
  readonly columns: Readonly<Record<(typeof SNAPSHOT_META)[number], string>>;
  /** dbt 1.9 `dbt_valid_to_current`: the SQL expression current versions carry instead of NULL. */
  readonly validToCurrent?: string;
  /**
   * Check strategy, this run: a checked column is new in the source (`check_cols: all`, or a listed
   * one). dbt then counts every row as changed (each key gets a new version, the column's first values).
   */
  readonly columnAdded?: boolean;
}

export const SNAPSHOT_META = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_is_deleted'] as const;

/** One microbatch window `[start, end)`, as `YYYY-MM-DD HH:MM:SS` (UTC wall clock). */
export interface EventTimeWindow {
  readonly start: string;
  readonly end: string;
}

/** The span of some partitions: first start, last end (plain timestamps computed by bmp), and whether a NULL partition is among them. */
export interface PartitionRange {
  readonly lo: string | null;
  readonly hi: string | null;
  readonly hasNull: boolean;
}

/** bmp's bookkeeping tables (in the state schema, `_bmp`). */
export type StateTable = 'microbatch_intervals' | 'partitions' | 'pending_indexes';

/** What identifies a partitioned relation in bmp's partition bookkeeping. */
export interface PartitionOwner {
  readonly relationKey: string;
  readonly nodeId: string;
  readonly kind: 'table' | 'external';
  readonly field: string;
  readonly granularity: string;
  readonly invocationId: string;
}

/** How a batch (a temp table of the model's new rows) goes into the target. */
export interface ApplyOptions {
  /** The columns written (the batch's, after on_schema_change). */
  readonly columns: readonly string[];
  /** Rows inserted in partition order. */
  readonly clusterBy?: PartitionBy;
  /** `incremental_predicates`: conditions on the target rows (`DBT_INTERNAL_DEST`) the step may touch. */
  readonly predicates?: readonly string[];
}

export interface KeyedOptions extends ApplyOptions {
  readonly uniqueKey: readonly string[];
  /** Lower-case key columns that hold a NULL in the batch (unknown: all are treated as nullable). */
  readonly nullableKeys?: ReadonlySet<string>;
}

/** Why {@link EngineDialect.insertNewKeys} (or {@link EngineDialect.mergeFromSelect}) refused a batch. */
export type NewKeysRefusal = 'NULL key' | 'repeated key' | 'matching target row' | 'unique index';

/** What {@link EngineDialect.insertNewKeys} checks. */
export interface NewKeysOptions {
  /** The columns written (the SELECT's, after on_schema_change). */
  readonly columns: readonly string[];
  readonly uniqueKey: readonly string[];
  /** `incremental_predicates`: part of what counts as a matching target row. */
  readonly predicates?: readonly string[];
  /** Refuse a batch repeating a key (merge). */
  readonly duplicates: boolean;
  /** Refuse when the target has a unique index (delete+insert sets those aside). */
  readonly uniqueIndexes: boolean;
}

export interface MergeOptions extends KeyedOptions {
  /** Columns a matched row gets from the batch. */
  readonly update: readonly string[];
  /** dbt-duckdb's `merge_update_condition`: a matched row is updated only when it holds (may name DBT_INTERNAL_SOURCE / DBT_INTERNAL_DEST). */
  readonly updateCondition?: string;
  /** `merge_insert_condition`: a batch row without a match is inserted only when it holds. */
  readonly insertCondition?: string;
  /** `merge_update_set_expressions`: a column's SQL expression instead of the batch's value when a row is updated. */
  readonly updateSet?: Readonly<Record<string, string>>;
}

export interface OverwriteOptions extends ApplyOptions {
  /** The span of the batch's partitions, so the delete can skip other storage blocks. */
  readonly partitionRange?: PartitionRange;
  /** The partition field's type in the target. */
  readonly partitionFieldType?: string;
}

/** A column as the engine describes it (0-based position). */
export interface EngineColumn {
  readonly name: string;
  readonly type: string;
  readonly index: number;
}

export type RelationKind = 'table' | 'view';

/** A relation that exists, and what it is. */
export interface ExistingRelation extends Relation {
  readonly kind: RelationKind;
}

/** An index as it exists on a table, as the engine reports it. */
export interface EngineIndex {
  readonly name: string;
  readonly unique: boolean;
  /** Lower-case column names, unquoted (an expression key gives its text). */
  readonly columns: readonly string[];
  /** Each key as SQL (`"my code"`, or the expression), for checking the keys' uniqueness. */
  readonly keySql: readonly string[];
  /** The statement that creates it again exactly as it is, kept if it exists. */
  readonly createSql: string;
  /** The statement that drops it if it exists. */
  readonly dropSql: string;
}

/** One partition of some rows: its label (`2024-03`, NULL for rows without a partition), start and rows. */
export interface PartitionCount {
  readonly key: string | null;
  /** The partition's first instant as `YYYY-MM-DD HH:MM:SS`. */
  readonly start: string | null;
  /** Rows in the partition. */
  readonly count: number;
}

/** Who wrote a row of bmp's bookkeeping (a microbatch interval, an index set aside). */
export interface StateOwner {
  readonly relationKey: string;
  readonly nodeId: string;
  readonly invocationId: string;
}

/** A half-open event-time interval `[start, end)` a microbatch model has processed, as `YYYY-MM-DD HH:MM:SS`. */
export interface ProcessedInterval {
  readonly start: string;
  readonly end: string;
}

/**
 * The target rows an incremental step may delete or update besides those of the batch's
 * partitions: rows whose key is in the batch, or rows in a microbatch window, narrowed by the
 * predicates (over `DBT_INTERNAL_DEST`).
 */
export interface TouchedRows {
  readonly uniqueKey?: readonly string[];
  readonly nullableKeys?: ReadonlySet<string>;
  readonly window?: { readonly eventTime: string; readonly window: EventTimeWindow };
  readonly predicates?: readonly string[];
}

/** What an incremental step learns about its batch before it writes (one query over the batch). */
export interface BatchInspection {
  /** Per key column, in order: the batch rows holding a NULL in it. */
  readonly nullCounts: readonly number[];
  /** Batch rows repeating a key (NULL equals NULL); 0 unless asked with `duplicates`. */
  readonly duplicates: number;
  /** Unique indexes on the `uniqueIndexesOf` table; 0 unless asked. */
  readonly uniqueIndexes: number;
  /** The batch's rows (asked with `rows`). */
  readonly rows?: number;
  /** Whether a batch row matches a target row on the keys (compared with `=`) and the predicates (asked with `matches`). */
  readonly matched?: boolean;
  /** The batch's column names, in order (asked with `columns`); their types as the engine's driver names them, which may be spelled differently from `describe`. */
  readonly columns?: readonly EngineColumn[];
  /** Whether partition counts of the relation are recorded (asked with `recordedPartitionsOf`). */
  readonly recordedPartitions?: boolean;
}

/** What {@link EngineAdapter.inspectBatch} is asked. */
export interface InspectOptions {
  readonly keys: readonly string[];
  /** Count the rows repeating a key. */
  readonly duplicates?: boolean;
  /** Count the unique indexes of this table. */
  readonly uniqueIndexesOf?: Relation;
  /** Count the batch's rows. */
  readonly rows?: boolean;
  /** Whether a batch row matches a row of `target` (the keys hold no NULL in the batch: `=`). */
  readonly matches?: { readonly target: Relation; readonly predicates?: readonly string[] };
  /** The batch's column names (instead of a `describe`). */
  readonly columns?: boolean;
  /** Whether partition counts of this relation are recorded in the state schema's `partitions` table (which exists). */
  readonly recordedPartitionsOf?: { readonly relationKey: string; readonly stateSchema: string };
}

/** What {@link EngineAdapter.describe} describes: a relation, the rows of a query, or a temp table of this connection. */
export type DescribeSource = Relation | { readonly query: string } | { readonly temp: string };

/** What an engine can do, so callers branch on capability, not on the engine's name. */
export interface EngineCapabilities {
  /** `MERGE INTO` (else merge is delete+insert). */
  readonly merge: boolean;
  /** Secondary indexes (`indexes:` config). */
  readonly indexes: boolean;
  /** DDL takes part in transactions (a failed build leaves the previous relation). */
  readonly transactionalDdl: boolean;
  /** One statement replaces a table (`create or replace table ... as`), atomic on its own. */
  readonly replaceTable: boolean;
}

export interface ReplaceOptions {
  /** What the relation is now, if it exists: a relation of the other kind is dropped first. */
  readonly existingKind?: RelationKind;
}

export interface ReplaceTableOptions extends ReplaceOptions {
  /** Rows written in partition order, so each storage block covers few partitions. */
  readonly clusterBy?: PartitionBy;
  /** Indexes created after the load. */
  readonly indexes?: readonly IndexSpec[];
  /** Values bound to the query's `$1`, ... (a seed's file path). */
  readonly params?: readonly unknown[];
}

/**
 * The pure half of an engine (Kysely calls it a dialect): intents said as statements, run by
 * nobody yet. Exact-SQL tests use it without a database.
 */
export interface EngineDialect {
  /** The engine's name, as the dispatch prefix of its macros (`duckdb`). */
  readonly name: string;
  readonly capabilities: EngineCapabilities;
  /** An identifier, quoted and escaped. */
  quote(identifier: string): string;
  /** A relation rendered and escaped, as SQL names it (`"schema"."name"`). */
  relation(rel: Relation): string;
  /** Replaces `rel` with a view over `select`. */
  replaceView(rel: Relation, select: string, o?: ReplaceOptions): Step;
  /** Replaces `rel` with a table holding the rows of `select` (then its indexes); counts the rows. */
  replaceTable(rel: Relation, select: string, o?: ReplaceTableOptions): Step;
  /** Inserts `columns` of the rows of `select` into `target`; counts them. */
  insertInto(target: Relation, columns: readonly string[], select: string): Step;
  /** Creates `indexes` on `rel` (`ifNotExists`: keeps one that exists). */
  createIndexes(rel: Relation, indexes: readonly IndexSpec[], o?: { ifNotExists?: boolean }): Step;
  /** Drops `rel` if it exists. */
  dropRelation(rel: Relation, kind: RelationKind): Step;
  /** A temporary table of this connection holding the rows of `select` (an incremental batch). */
  createTempTable(name: string, select: string): Step;
  dropTempTable(name: string): Step;
  /** Incremental `append`: the batch's rows inserted; counts them. */
  append(target: Relation, batch: string, o: ApplyOptions): Step;
  /**
   * A keyed step (merge, delete+insert) from the model's SELECT as one insert, if its batch is new
   * rows only (no NULL or, with `duplicates`, repeated key; no target row matched; with
   * `uniqueIndexes`, no unique index on the target); otherwise it fails before writing, with an
   * error {@link EngineDialect.newKeysRefusal} recognizes. Counts the rows inserted.
   */
  insertNewKeys(target: Relation, select: string, o: NewKeysOptions): Step;
  /** Which refusal of {@link EngineDialect.insertNewKeys} or {@link EngineDialect.mergeFromSelect} `err` is, if it is one. */
  newKeysRefusal(err: unknown): NewKeysRefusal | undefined;
  /**
   * Incremental `merge` from the model's SELECT as one statement (keys compared with `=`): refused
   * before writing (see {@link EngineDialect.newKeysRefusal}) if a key column holds a NULL in the
   * batch or a key repeats; counts the rows merged.
   */
  mergeFromSelect(target: Relation, select: string, o: MergeOptions): Step;
  /** Whether `err` says a statement named a column its SELECT does not have (the binder's error, before anything ran). */
  isMissingColumn(err: unknown): boolean;
  /** Incremental `merge`: batch rows update the target row with their key, or are inserted; counts the rows merged. */
  merge(target: Relation, batch: string, o: MergeOptions): Step;
  /** Incremental `delete+insert`: target rows with a key in the batch deleted, the batch inserted; counts the inserted rows. */
  deleteInsert(target: Relation, batch: string, o: KeyedOptions): Step;
  /** Incremental `insert_overwrite`: the batch's partitions (or the rows `predicates` select) replaced; counts the inserted rows. */
  insertOverwrite(target: Relation, batch: string, o: OverwriteOptions): Step;
  /** Microbatch: the target rows of one window of `eventTime` replaced by the batch; counts the inserted rows. */
  replaceWindow(target: Relation, batch: string, o: ApplyOptions & { readonly eventTime: string; readonly window: EventTimeWindow }): Step;
  /** New columns on a table (`type` as the engine names it; DuckDB takes `boolean default false`). */
  addColumns(rel: Relation, columns: readonly { readonly name: string; readonly type: string }[]): Step;
  /** A snapshot's first build: every row of `select` opens a version; counts them. */
  createSnapshot(rel: Relation, select: string, cfg: SnapshotConfig, now: string): Step;
  /** A snapshot's source staged for a later run, as the temp table `name`. */
  stageSnapshotSource(name: string, select: string, cfg: SnapshotConfig, now: string): Step;
  /** A snapshot's later run over the staged source: close changed and deleted versions, open new ones; counts the versions opened. */
  mergeSnapshot(rel: Relation, cfg: SnapshotConfig, sourceColumns: readonly string[], now: string, hasDeletedColumn: boolean): Step;
  /**
   * Writes the rows of `select` to files at `dest`: one file, or (`layout.partition`) a folder of
   * hive partitions; counts the rows. `hasPartitionColumn`: the rows already carry the partition
   * column (it is computed again from the field).
   */
  writeFiles(select: string, dest: string, layout: Pick<ExternalLayout, 'format' | 'partition'>, o?: { readonly hasPartitionColumn?: boolean }): Step;
  /** Replaces `rel` with a view over an external model's files (`columns`: these, in order, the partition column last). */
  replaceFilesView(rel: Relation, layout: ExternalLayout, o?: ReplaceOptions & { readonly columns?: readonly { readonly name: string }[] }): Step;
  /** Bookkeeping: the partition rows of `owner` replaced by a count of every partition of `rel` (after a full build). */
  recordPartitions(rel: Relation, owner: PartitionOwner, partition: PartitionBy, stateSchema: string): Step;
  /**
   * Bookkeeping: the partition rows of `owner` for the partitions `keys` (all of them when
   * undefined) replaced by `counts` (counted already: external files just written).
   */
  replacePartitionCounts(owner: PartitionOwner, counts: readonly PartitionCount[], keys: readonly (string | null)[] | undefined, stateSchema: string): Step;
  /**
   * Bookkeeping after an append or a whole-partition overwrite: the partition rows of `owner` for
   * the batch's partitions replaced by (`additive`: increased by) the batch's own counts.
   */
  recordBatchPartitions(owner: PartitionOwner, batch: string, partition: PartitionBy, stateSchema: string, additive: boolean): Step;
  /**
   * Bookkeeping after another incremental step: the partition rows of the partitions
   * {@link EngineAdapter.affectedPartitions} found (spanning `range`) recounted from `rel`; then
   * the list of them is dropped.
   */
  recordAffectedPartitions(rel: Relation, owner: PartitionOwner, partition: PartitionBy, range: PartitionRange, fieldType: string | undefined, stateSchema: string): Step;
  /** Drops `indexes` (as {@link EngineAdapter.listIndexes} gave them), each with a row in the `pending_indexes` bookkeeping saying how to create it again. */
  setIndexesAside(rel: Relation, indexes: readonly EngineIndex[], owner: StateOwner, stateSchema: string): Step;
  /** Creates indexes again with the statements {@link EngineAdapter.listIndexes} or {@link EngineAdapter.pendingIndexes} gave (`createSql`). */
  recreateIndexes(indexes: readonly Pick<EngineIndex, 'createSql'>[]): Step;
  /** Forgets the set-aside indexes of `rel` (those named, or all). */
  clearPendingIndexes(rel: Relation, names: readonly string[] | undefined, stateSchema: string): Step;
  /** Records one processed microbatch interval (replacing the rows it covers); `rowsWritten` null: unknown. */
  recordInterval(owner: StateOwner, interval: ProcessedInterval, rowsWritten: number | null, stateSchema: string): Step;
  /** Forgets every processed interval of a relation (a full rebuild). */
  clearIntervals(relationKey: string, stateSchema: string): Step;
  /** Statements the caller built (bookkeeping rows with bound values), run as one step. */
  statements(list: readonly Statement[]): Step;
}

/**
 * What a materialization asks of a database: the {@link EngineDialect}'s intents, run.
 * {@link EngineAdapter.atomically} runs steps (or a body that runs them with
 * {@link EngineAdapter.run}) with the node's hooks, all or nothing.
 */
export interface EngineAdapter extends EngineDialect {
  /**
   * Runs pre-hooks, `work` and post-hooks as one unit: all of it takes effect or none does.
   * Given steps, answers the rows of the step that counts; when the steps are one statement and
   * there are no hooks, that statement runs alone (it is atomic by itself: no BEGIN/COMMIT round
   * trips). Given a function, runs it in a transaction (joining one already open) and answers
   * what it answers; the function issues its statements with {@link run}.
   */
  atomically(hooks: Hooks, work: Step | readonly Step[]): Promise<RowCount>;
  atomically<T>(hooks: Hooks, work: () => Promise<T>): Promise<T>;
  /** Runs a step now (inside a body given to {@link atomically}), answering the rows of its counted statement. */
  run(step: Step): Promise<RowCount>;
  /**
   * The columns of a relation, of the rows a query returns (without running it; `query` may also
   * be a relation's rendered name) or of a temp table (an incremental batch, a staged snapshot source).
   */
  describe(source: DescribeSource): Promise<EngineColumn[]>;
  /** What `rel` is (names as written, not folded), or undefined when nothing has that name. */
  relationKind(rel: Relation): Promise<RelationKind | undefined>;
  /** The tables and views of a schema (its name matched case-insensitively), by name. */
  listRelations(schema: string): Promise<ExistingRelation[]>;
  /** Every schema's name, as the engine spells it. */
  listSchemas(): Promise<string[]>;
  /** The indexes on a table, by name; none for a table without them or one that does not exist. */
  listIndexes(rel: Relation): Promise<EngineIndex[]>;
  /** How many values of `keys` occur on more than one row of `source`. */
  countDuplicateKeys(source: DescribeSource, keys: readonly string[]): Promise<number>;
  /** The rows of a table per partition of `partition`, in partition order (NULL last). */
  countPartitions(rel: Relation, partition: PartitionBy): Promise<PartitionCount[]>;
  /** The rows per partition of an external model's files (`files`: the partition folders, or files, to read). */
  countFilePartitions(layout: ExternalLayout & { readonly partition: PartitionBy }, files: readonly string[]): Promise<PartitionCount[]>;
  /**
   * Creates bmp's bookkeeping tables in `stateSchema` when missing (once per connection), outside
   * any data transaction, so two connections never race on the DDL.
   */
  ensureStateTables(tables: readonly StateTable[], stateSchema: string): Promise<void>;
  /** How many values of `keys` (column names) occur on more than one row of `source`, and one of them (`a, NULL`), for an error message. */
  duplicateKeys(source: DescribeSource, keys: readonly string[]): Promise<{ count: number; example: string | null }>;
  /**
   * An incremental batch (a temp table) looked at before the step writes: which key columns hold
   * NULLs, (`duplicates`) how many rows repeat a key, (`uniqueIndexesOf`) how many unique indexes
   * that table has. One query.
   */
  inspectBatch(batch: string, o: InspectOptions): Promise<BatchInspection>;
  /** Whether a batch row matches a target row under a merge's condition (the keys, which hold no NULL in the batch, and the predicates). */
  mergeMatches(target: Relation, batch: string, o: { readonly uniqueKey: readonly string[]; readonly predicates?: readonly string[] }): Promise<boolean>;
  /**
   * The partitions of `target` an incremental step can change (those of the batch, and those of
   * the target rows `touched` selects), kept for {@link EngineDialect.recordAffectedPartitions}
   * and answered as their span.
   */
  affectedPartitions(target: Relation, batch: string, partition: PartitionBy, touched?: TouchedRows): Promise<PartitionRange>;
  /** How many key values of `index` occur on more than one row of `rel`, as the index counts them (a key holding a NULL equals no other). */
  countIndexViolations(rel: Relation, index: EngineIndex): Promise<number>;
  /** The indexes of `rel` an earlier step set aside and has not created again (the `pending_indexes` bookkeeping must exist). */
  pendingIndexes(rel: Relation, stateSchema: string): Promise<EngineIndex[]>;
  /** The processed microbatch intervals of a relation, ordered by start; none when the bookkeeping table does not exist. */
  processedIntervals(relationKey: string, stateSchema: string): Promise<ProcessedInterval[]>;
  /** Whether any partition rows of a relation are recorded (the bookkeeping table must exist). */
  hasPartitionRows(relationKey: string, stateSchema: string): Promise<boolean>;
  /** Reads every row of a query (values bound to `$1`, ...) and answers how many there are; the engine's error if it cannot. */
  countRows(query: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Runs `move`, work that becomes durable outside the database (files moved into place), and
   * counts it as committed work of this connection: a node interrupted afterwards reports its
   * changes as kept, not rolled back.
   */
  commitOutside<T>(move: () => T | Promise<T>): Promise<T>;
  /** Writes what has committed to the database file (DuckDB: CHECKPOINT). */
  checkpoint(): Promise<void>;
  /** The engine's version, as it reports it. */
  version(): Promise<string>;
  /** What the engine's memory holds now, for a scheduler deciding whether a second query fits beside a running one. */
  memoryInUse(): Promise<EngineMemory>;
  /**
   * Lets the engine keep up to `bytes` of the memory its queries free for its next queries, instead
   * of handing it back to the system (DuckDB: `block_allocator_memory`, which can only grow).
   * Answers whether it now keeps more than before.
   */
  keepFreedMemory(bytes: number): Promise<boolean>;
}

/**
 * An engine's memory at one instant, in bytes: `working` is what running queries hold (hash
 * tables, sorts, intermediate results, temp tables; not the table pages kept for reuse, which the
 * engine drops when it needs room), `spilled` what queries wrote to temporary files because
 * memory was short, `limit` the most the engine may hold (undefined: not known).
 */
export interface EngineMemory {
  readonly working: number;
  readonly spilled: number;
  readonly limit: number | undefined;
}

/**
 * The name bmp gives a configured index: `memories__id__uniq__idx` (how a later run recognizes
 * the indexes it made).
 */
export function indexName(rel: Relation, s: IndexSpec): string {
  return `${rel.identifier}__${s.columns.join('_')}${s.unique ? '__uniq' : ''}__idx`;
}

/** The SQL text of a statement. */
export function statementSql(s: Statement): string {
  return typeof s === 'string' ? s : s.sql;
}
