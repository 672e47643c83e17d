/** Shared by the incremental tests (integration and e2e): the events fixture, source rows, table dumps. */
import { DuckDBInstance } from '@duckdb/node-api';
import { execute, type RunOptions } from '../../src/index.js';
import { tempProject, type TempProject } from './project.js';

export interface EventRow {
  readonly id: number;
  readonly kind: string | null;
  readonly value: number;
  /** `YYYY-MM-DD HH:MM:SS` */
  readonly eventTime: string;
  readonly loadedSeq: number;
}

export const MODELS = ['ev_append', 'ev_append_plain', 'ev_append_hooked', 'ev_merge', 'ev_merge_composite', 'ev_merge_partitioned', 'ev_delete_insert', 'ev_delete_insert_id', 'ev_overwrite', 'ev_microbatch', 'ev_external'] as const;

/** Opens the file, runs `fn`, closes (so the library can take the lock afterwards). */
export async function withDb<T>(path: string, fn: (sql: (q: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const inst = await DuckDBInstance.create(path);
  const conn = await inst.connect();
  try {
    return await fn(async (q) => {
      const r = await conn.runAndReadAll(q);
      return r.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v])));
    });
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

const lit = (v: string | number | null) => (v === null ? 'null' : typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`);

/** Appends rows to raw.events (created on first use). */
export async function loadEvents(db: string, rows: readonly EventRow[]): Promise<void> {
  await withDb(db, async (sql) => {
    await sql('create schema if not exists raw');
    await sql('create table if not exists raw.events (id integer, kind varchar, value integer, event_time timestamp, loaded_seq integer)');
    if (rows.length) {
      await sql(`insert into raw.events values ${rows.map((r) => `(${lit(r.id)}, ${lit(r.kind)}, ${lit(r.value)}, timestamp ${lit(r.eventTime)}, ${lit(r.loadedSeq)})`).join(', ')}`);
    }
  });
}

/** Every row of each model, sorted, as JSON text (so equal tables give equal strings). */
export async function dumpModels(db: string, models: readonly string[] = MODELS): Promise<Record<string, string>> {
  return withDb(db, async (sql) => {
    const out: Record<string, string> = {};
    for (const m of models) out[m] = JSON.stringify(await sql(`select * exclude (event_time), strftime(event_time, '%Y-%m-%d %H:%M:%S') as event_time from main.${m} order by all`));
    return out;
  });
}

export async function runProject(dir: string, opts: RunOptions = {}): Promise<Awaited<ReturnType<typeof execute>>> {
  return execute('run', { projectDir: dir, ...opts });
}

/** A copy of tests/fixtures/incremental-events (database events.duckdb). */
export function eventsProject(): TempProject {
  return tempProject({}, { fixture: 'incremental-events', name: 'events' });
}

export function fmt(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
