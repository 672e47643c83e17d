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
  type EngineAdapter,
  type EngineCapabilities,
  type EngineDialect,
  type EventTimeWindow,
  type KeyedOptions,
  type MergeOptions,
  type OverwriteOptions,
  type EngineColumn,
  type Hooks,
  type IndexSpec,
  type RelationKind,
  type ReplaceOptions,
  type ReplaceTableOptions,
  type SnapshotConfig,
  type RowCount,
  type Statement,
  type Step,
} from '../engine.js';
import type { Connection } from './connection.js';
import { appendSql, deleteInsertSql, insertOverwriteSql, mergeSql, replaceWindowSql } from './incremental-sql.js';
import { clusteredSelect } from './partition-sql.js';
import { snapshotCreateSql, snapshotMerge, snapshotSourceSelect } from './snapshot-sql.js';
import { addColumn, createIndex, createTableAs, createViewAs, describeQuery, dropRelation, insertInto, quoteIdent, relationSql } from './sql.js';

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
    return { statements: createIndexStatements(rel, indexes, !!o?.ifNotExists) };
  }

  dropRelation(rel: Relation, kind: RelationKind): Step {
    return { statements: [dropRelation(rel, kind)] };
  }

  createTempTable(name: string, select: string): Step {
    return { statements: [createTableAs({ database: '', schema: '', identifier: name }, select, { temp: true })] };
  }

  dropTempTable(name: string): Step {
    return { statements: [`drop table if exists temp.main.${quoteIdent(name)}`] };
  }

  append(target: Relation, batch: string, o: ApplyOptions): Step {
    return lastCounts(appendSql(target, batch, o));
  }

  merge(target: Relation, batch: string, o: MergeOptions): Step {
    return lastCounts(mergeSql(target, batch, o));
  }

  deleteInsert(target: Relation, batch: string, o: KeyedOptions): Step {
    return lastCounts(deleteInsertSql(target, batch, o));
  }

  insertOverwrite(target: Relation, batch: string, o: OverwriteOptions): Step {
    return lastCounts(insertOverwriteSql(target, batch, o));
  }

  replaceWindow(target: Relation, batch: string, o: ApplyOptions & { readonly eventTime: string; readonly window: EventTimeWindow }): Step {
    return lastCounts(replaceWindowSql(target, batch, o));
  }

  addColumns(rel: Relation, columns: readonly { readonly name: string; readonly type: string }[]): Step {
    return { statements: columns.map((c) => addColumn(rel, c.name, c.type)) };
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

  statements(list: readonly Statement[]): Step {
    return { statements: list };
  }
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
  async atomically<T>(hooks: Hooks, work: Step | readonly Step[] | (() => Promise<T>)): Promise<RowCount | T> {
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
    // one statement in autocommit is its own transaction: no BEGIN/COMMIT round trips
    if (!hooks.preHooks.length && !hooks.postHooks.length && statementCount(steps) === 1) return this.run(steps.find((s) => s.statements.length)!);
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

  async run(step: Step): Promise<RowCount> {
    let rows = NONE;
    const list = step.statements;
    const counts = step.counts;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      // the count is read when asked: off the path to the next statement
      const n = typeof s === 'string' ? await this.conn.runCounted(s) : await this.conn.runCounted(s.sql, s.params.length ? s.params : undefined);
      if (i === counts) rows = n;
      else if (typeof counts === 'object' && counts.includes(i)) rows = sum(rows, n);
    }
    return rows;
  }

  async describe(source: Relation | { readonly query: string }): Promise<EngineColumn[]> {
    const sql = 'query' in source ? describeQuery(source.query) : `describe ${relationSql(source)}`;
    return (await this.conn.rows<{ column_name: string; column_type: string }>(sql)).map((r, i) => ({ name: String(r.column_name), type: String(r.column_type), index: i }));
  }
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
