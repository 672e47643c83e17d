/**
 * Materializations decide, the engine speaks: with a recording engine in place of DuckDB (no
 * database), each materialization must ask for the intents its kind means — a view replaces the
 * relation with a view, a table with a table (clustered, indexed), an append inserts the described
 * columns — and hand them, with the node's hooks, to one `atomically`. A second engine implements
 * the same interface (src/adapters/engine.ts); these tests are what it must satisfy from the
 * materializations' side.
 */
import { describe, expect, it } from 'vitest';
import { Catalog, type CatalogColumn, type CatalogRelation } from '../../src/adapters/duckdb/index.js';
import type {
  ApplyOptions,
  BatchInspection,
  PartitionRange,
  ProcessedInterval,
  EngineAdapter,
  EngineIndex,
  EngineMemory,
  ExistingRelation,
  PartitionCount,
  EngineColumn,
  EventTimeWindow,
  Hooks,
  IndexSpec,
  KeyedOptions,
  MergeOptions,
  OverwriteOptions,
  RelationKind,
  ReplaceOptions,
  ReplaceTableOptions,
  RowCount,
  Statement,
  Step,
} from '../../src/adapters/index.js';
import type { CompiledNode } from '../../src/compile/index.js';
import type { NodeConfig, Relation, SqlNode } from '../../src/manifest/types.js';
import { materializationFor, planIncrementalApply, type MaterializationContext } from '../../src/materializations/index.js';

/** A step that names its intent instead of holding SQL. */
interface IntentStep extends Step {
  readonly intent: readonly unknown[];
}

type Call = { readonly atomically: { readonly pre: readonly string[]; readonly post: readonly string[] }; readonly work: readonly (readonly unknown[])[] | 'body'; readonly ran: (readonly unknown[])[] };

/** An engine that records what it is asked: every `atomically` with its hooks, the intents given or run inside it. */
class RecordingEngine implements EngineAdapter {
  readonly name = 'recording';
  readonly capabilities = { merge: true, indexes: true, transactionalDdl: true, replaceTable: true };
  readonly calls: Call[] = [];
  private current: Call | undefined;
  constructor(public describeAs: EngineColumn[] = []) {}

  quote(identifier: string): string {
    return `[${identifier}]`;
  }
  relation(rel: Relation): string {
    return `[${rel.schema}].[${rel.identifier}]`;
  }
  atomically(hooks: Hooks, work: Step | readonly Step[]): Promise<RowCount>;
  atomically<T>(hooks: Hooks, work: () => Promise<T>): Promise<T>;
  async atomically<T>(hooks: Hooks, work: Step | readonly Step[] | (() => Promise<T>)): Promise<RowCount | T> {
    if (this.current) throw new Error('atomically inside atomically');
    const steps = typeof work === 'function' ? undefined : 'statements' in work ? [work] : work;
    const call: Call = { atomically: { pre: [...hooks.preHooks], post: [...hooks.postHooks] }, work: steps ? steps.map((s) => (s as IntentStep).intent) : 'body', ran: [] };
    this.calls.push(call);
    if (typeof work !== 'function') return () => 7;
    this.current = call;
    try {
      return await work();
    } finally {
      this.current = undefined;
    }
  }
  async run(step: Step): Promise<RowCount> {
    if (!this.current) throw new Error(`${String((step as IntentStep).intent[0])} run outside atomically`);
    this.current.ran.push((step as IntentStep).intent);
    return () => 5;
  }
  private step(...intent: unknown[]): IntentStep {
    return { statements: [String(intent[0])], intent, counts: 0 };
  }
  replaceView(rel: Relation, select: string, o?: ReplaceOptions): Step {
    return this.step('replaceView', rel.identifier, select, o?.existingKind);
  }
  replaceTable(rel: Relation, select: string, o?: ReplaceTableOptions): Step {
    return this.step('replaceTable', rel.identifier, select, { existingKind: o?.existingKind, clusterBy: o?.clusterBy, indexes: o?.indexes });
  }
  insertInto(target: Relation, columns: readonly string[], select: string): Step {
    return this.step('insertInto', target.identifier, columns, select);
  }
  createIndexes(rel: Relation, indexes: readonly IndexSpec[], o?: { ifNotExists?: boolean }): Step {
    return this.step('createIndexes', rel.identifier, indexes, !!o?.ifNotExists);
  }
  dropRelation(rel: Relation, kind: RelationKind): Step {
    return this.step('dropRelation', rel.identifier, kind);
  }
  createTempTable(name: string, select: string): Step {
    return this.step('createTempTable', name, select);
  }
  dropTempTable(name: string): Step {
    return this.step('dropTempTable', name);
  }
  append(target: Relation, batch: string, o: ApplyOptions): Step {
    return this.step('append', target.identifier, batch, o);
  }
  merge(target: Relation, batch: string, o: MergeOptions): Step {
    return this.step('merge', target.identifier, batch, o);
  }
  deleteInsert(target: Relation, batch: string, o: KeyedOptions): Step {
    return this.step('deleteInsert', target.identifier, batch, o);
  }
  insertOverwrite(target: Relation, batch: string, o: OverwriteOptions): Step {
    return this.step('insertOverwrite', target.identifier, batch, o);
  }
  replaceWindow(target: Relation, batch: string, o: ApplyOptions & { eventTime: string; window: EventTimeWindow }): Step {
    return this.step('replaceWindow', target.identifier, batch, o);
  }
  addColumns(rel: Relation, columns: readonly { name: string; type: string }[]): Step {
    return this.step('addColumns', rel.identifier, columns);
  }
  createSnapshot(rel: Relation, select: string): Step {
    return this.step('createSnapshot', rel.identifier, select);
  }
  stageSnapshotSource(name: string, select: string): Step {
    return this.step('stageSnapshotSource', name, select);
  }
  mergeSnapshot(rel: Relation, _cfg: unknown, columns: readonly string[]): Step {
    return this.step('mergeSnapshot', rel.identifier, columns);
  }
  recordPartitions(rel: Relation): Step {
    return this.step('recordPartitions', rel.identifier);
  }
  replacePartitionCounts(owner: { relationKey: string }, counts: readonly PartitionCount[]): Step {
    return this.step('replacePartitionCounts', owner.relationKey, counts.length);
  }
  ensureStateTables(tables: readonly string[]): Promise<void> {
    return this.read(`ensureStateTables ${tables.join(',')}`, undefined);
  }
  writeFiles(select: string, dest: string): Step {
    return this.step('writeFiles', select, dest);
  }
  replaceFilesView(rel: Relation, layout: { location: string }): Step {
    return this.step('replaceFilesView', rel.identifier, layout.location);
  }
  statements(list: readonly Statement[]): Step {
    return { statements: list, intent: ['statements', list.length] } as IntentStep;
  }
  recordBatchPartitions(owner: { relationKey: string }, batch: string): Step {
    return this.step('recordBatchPartitions', owner.relationKey, batch);
  }
  recordAffectedPartitions(rel: Relation): Step {
    return this.step('recordAffectedPartitions', rel.identifier);
  }
  setIndexesAside(rel: Relation, indexes: readonly EngineIndex[]): Step {
    return this.step('setIndexesAside', rel.identifier, indexes.map((i) => i.name));
  }
  recreateIndexes(indexes: readonly { createSql: string }[]): Step {
    return this.step('recreateIndexes', indexes.map((i) => i.createSql));
  }
  clearPendingIndexes(rel: Relation, names: readonly string[] | undefined): Step {
    return this.step('clearPendingIndexes', rel.identifier, names);
  }
  recordInterval(owner: { relationKey: string }, interval: ProcessedInterval, rows: number | null): Step {
    return this.step('recordInterval', owner.relationKey, interval, rows);
  }
  clearIntervals(relationKey: string): Step {
    return this.step('clearIntervals', relationKey);
  }
  async commitOutside<T>(move: () => T | Promise<T>): Promise<T> {
    this.reads.push('commitOutside');
    return move();
  }
  async describe(): Promise<EngineColumn[]> {
    return this.describeAs;
  }
  // the read intents: these materializations ask none of them (a call would show in `reads`)
  readonly reads: string[] = [];
  private read<T>(name: string, answer: T): Promise<T> {
    this.reads.push(name);
    return Promise.resolve(answer);
  }
  relationKind(): Promise<RelationKind | undefined> {
    return this.read('relationKind', undefined);
  }
  listRelations(): Promise<ExistingRelation[]> {
    return this.read('listRelations', []);
  }
  listSchemas(): Promise<string[]> {
    return this.read('listSchemas', []);
  }
  listIndexes(): Promise<EngineIndex[]> {
    return this.read('listIndexes', []);
  }
  countDuplicateKeys(): Promise<number> {
    return this.read('countDuplicateKeys', 0);
  }
  duplicateKeys(): Promise<{ count: number; example: string | null }> {
    return this.read('duplicateKeys', { count: 0, example: null });
  }
  inspectBatch(_batch: string, o: { keys: readonly string[] }): Promise<BatchInspection> {
    return this.read('inspectBatch', { nullCounts: o.keys.map(() => 0), duplicates: 0, uniqueIndexes: 0 });
  }
  mergeMatches(): Promise<boolean> {
    return this.read('mergeMatches', true);
  }
  affectedPartitions(): Promise<PartitionRange> {
    return this.read('affectedPartitions', { lo: null, hi: null, hasNull: false });
  }
  countIndexViolations(): Promise<number> {
    return this.read('countIndexViolations', 0);
  }
  pendingIndexes(): Promise<EngineIndex[]> {
    return this.read('pendingIndexes', []);
  }
  processedIntervals(): Promise<ProcessedInterval[]> {
    return this.read('processedIntervals', []);
  }
  hasPartitionRows(): Promise<boolean> {
    return this.read('hasPartitionRows', false);
  }
  countRows(): Promise<number> {
    return this.read('countRows', 0);
  }
  countPartitions(): Promise<PartitionCount[]> {
    return this.read('countPartitions', []);
  }
  countFilePartitions(): Promise<PartitionCount[]> {
    return this.read('countFilePartitions', []);
  }
  checkpoint(): Promise<void> {
    return this.read('checkpoint', undefined);
  }
  version(): Promise<string> {
    return this.read('version', 'recording 1');
  }
  memoryInUse(): Promise<EngineMemory> {
    return this.read('memoryInUse', { working: 0, spilled: 0, limit: undefined });
  }
  keepFreedMemory(): Promise<boolean> {
    return this.read('keepFreedMemory', false);
  }
}

const relation: Relation = { database: 'db', schema: 'main', identifier: 'm' };
const col = (name: string, index: number, type = 'INTEGER'): CatalogColumn => ({ name, type, index });

function context(engine: RecordingEngine, o: { config?: Partial<NodeConfig>; sql?: string; existing?: CatalogRelation; hooks?: Hooks; describe?: CatalogColumn[] } = {}): MaterializationContext {
  const config: NodeConfig = { enabled: true, materialized: 'table', tags: [], meta: {}, pre_hook: [], post_hook: [], ...o.config };
  const node = { uniqueId: 'model.p.m', name: 'm', resourceType: 'model', relation, config } as unknown as SqlNode;
  const compiled: CompiledNode = { node, compiledSql: o.sql ?? 'select 1 as id', config, ephemerals: [] };
  if (o.describe) engine.describeAs = o.describe;
  return {
    compiled,
    relation,
    existing: o.existing,
    adapter: engine,
    catalog: new Catalog(),
    fullRefresh: false,
    preHooks: o.hooks?.preHooks ?? [],
    postHooks: o.hooks?.postHooks ?? [],
    projectDir: '/nonexistent',
    stateSchema: '_bmp',
  };
}

const hooks: Hooks = { preHooks: ['set x = 1'], postHooks: ['analyze'] };
const noHooks = { pre: [], post: [] };

describe('materializations ask the engine for intents', () => {
  it('view: one atomically(hooks, replaceView), replacing a table of the same name', async () => {
    const engine = new RecordingEngine();
    const r = await materializationFor('view')(context(engine, { sql: 'select 2 as v' }));
    expect(r.message).toBe('OK');
    expect(engine.calls).toEqual([{ atomically: noHooks, work: [['replaceView', 'm', 'select 2 as v', undefined]], ran: [] }]);

    const again = new RecordingEngine();
    await materializationFor('view')(context(again, { existing: { ...relation, kind: 'table', columns: [] }, hooks }));
    expect(again.calls).toEqual([{ atomically: { pre: ['set x = 1'], post: ['analyze'] }, work: [['replaceView', 'm', 'select 1 as id', 'table']], ran: [] }]);
  });

  it('table: one atomically(hooks, replaceTable) with its indexes; the rows are the count the engine answers', async () => {
    const engine = new RecordingEngine();
    const indexes = [{ columns: ['id'], unique: true }];
    const r = await materializationFor('table')(context(engine, { config: { indexes } as Partial<NodeConfig>, existing: { ...relation, kind: 'view', columns: [] }, hooks }));
    expect(r.rowsAffected).toBe(7);
    expect(engine.calls).toEqual([
      { atomically: { pre: ['set x = 1'], post: ['analyze'] }, work: [['replaceTable', 'm', 'select 1 as id', { existingKind: 'view', clusterBy: undefined, indexes: [{ columns: ['id'], unique: true }] }]], ran: [] },
    ]);
  });

  it('incremental append, no hooks: the described columns inserted by one atomically(insertInto)', async () => {
    const engine = new RecordingEngine();
    const existing: CatalogRelation = { ...relation, kind: 'table', columns: [col('id', 0), col('v', 1)] };
    const r = await materializationFor('incremental')(context(engine, { config: { materialized: 'incremental' }, sql: 'select 3 as id, 4 as v', existing, describe: [col('id', 0), col('v', 1)] }));
    expect(r).toMatchObject({ rowsAffected: 7, message: 'INSERT 7' });
    expect(engine.calls).toEqual([{ atomically: noHooks, work: [['insertInto', 'm', ['id', 'v'], 'select 3 as id, 4 as v']], ran: [] }]);
  });

  it('incremental append with hooks and indexes: one atomically around the insert and the indexes it keeps', async () => {
    const engine = new RecordingEngine();
    const existing: CatalogRelation = { ...relation, kind: 'table', columns: [col('id', 0)] };
    const indexes = [{ columns: ['id'] }];
    const r = await materializationFor('incremental')(context(engine, { config: { materialized: 'incremental', indexes } as Partial<NodeConfig>, existing, hooks, describe: [col('id', 0)] }));
    expect(r.rowsAffected).toBe(5);
    expect(engine.calls).toEqual([
      {
        atomically: { pre: ['set x = 1'], post: ['analyze'] },
        work: 'body',
        ran: [
          ['insertInto', 'm', ['id'], 'select 1 as id'],
          ['createIndexes', 'm', [{ columns: ['id'], unique: false }], true],
        ],
      },
    ]);
  });

  it('each strategy is one intent, with what the config says (planIncrementalApply)', () => {
    const engine = new RecordingEngine();
    const cfg = (c: Record<string, unknown>): NodeConfig => ({ enabled: true, materialized: 'incremental', tags: [], meta: {}, pre_hook: [], post_hook: [], ...c });
    const input = (c: Record<string, unknown>) => ({ target: relation, batch: 'b', config: cfg(c), sourceColumns: [], targetColumns: [col('ts', 0, 'DATE')] });
    const intent = (strategy: Parameters<typeof planIncrementalApply>[0], c: Record<string, unknown>) => (planIncrementalApply(strategy, input(c), ['id', 'v', 'ts'], engine) as IntentStep).intent;
    expect(intent('merge', { unique_key: 'id', merge_exclude_columns: ['ts'], incremental_predicates: 'DBT_INTERNAL_DEST.ts > 1' })).toEqual([
      'merge', 'm', 'b', { columns: ['id', 'v', 'ts'], clusterBy: undefined, predicates: ['DBT_INTERNAL_DEST.ts > 1'], uniqueKey: ['id'], nullableKeys: undefined, update: ['v'] },
    ]);
    expect(intent('merge', {})[0]).toBe('append');
    expect(intent('delete+insert', { unique_key: ['id', 'v'] })).toEqual(['deleteInsert', 'm', 'b', { columns: ['id', 'v', 'ts'], clusterBy: undefined, predicates: [], uniqueKey: ['id', 'v'], nullableKeys: undefined }]);
    expect(intent('insert_overwrite', { partition_by: { field: 'ts', granularity: 'day' } })).toEqual([
      'insertOverwrite', 'm', 'b', { columns: ['id', 'v', 'ts'], clusterBy: { field: 'ts', granularity: 'day' }, predicates: [], partitionRange: undefined, partitionFieldType: undefined },
    ]);
    expect(() => intent('microbatch', {})).toThrow(/microbatch needs event_time/);
  });

  it('first incremental build (no relation yet) is a table build', async () => {
    const engine = new RecordingEngine();
    await materializationFor('incremental')(context(engine, { config: { materialized: 'incremental' } }));
    expect(engine.calls.map((c) => c.work)).toEqual([[['replaceTable', 'm', 'select 1 as id', { existingKind: undefined, clusterBy: undefined, indexes: undefined }]]]);
  });
});
