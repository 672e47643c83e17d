/** Shared by the incremental end-to-end tests: a fixture copy, source rows, table dumps. */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execute, type RunOptions } from '../../src/index.js';
import { copyFixture, removeDir } from '../helpers/project.js';

export interface EventRow {
  readonly id: number;
  readonly kind: string | null;
  readonly value: number;
  /** `YYYY-MM-DD HH:MM:SS` */
  readonly eventTime: string;
  readonly loadedSeq: number;
}

export const MODELS = ['ev_append', 'ev_merge', 'ev_merge_composite', 'ev_delete_insert', 'ev_overwrite', 'ev_microbatch', 'ev_external'] as const;

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

export function eventsProject(): { dir: string; db: string; cleanup: () => void } {
  const dir = copyFixture('incremental-events');
  return { dir, db: join(dir, 'events.duckdb'), cleanup: () => removeDir(dir) };
}

export function fmt(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** A throwaway project with the given models (and optional extra files) in a temp folder. */
export function tempProject(files: Readonly<Record<string, string>>, opts: { threads?: number } = {}): { dir: string; db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-inc-'));
  const all: Record<string, string> = {
    'project.yml': 'name: inc\nprofile: inc\nmodel-paths: [models]\nsnapshot-paths: [snapshots]\n',
    'profiles.yml': `inc:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: inc.duckdb\n      threads: ${opts.threads ?? 1}\n`,
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { dir, db: join(dir, 'inc.duckdb'), cleanup: () => removeDir(dir) };
}
