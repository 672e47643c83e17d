/**
 * The database side of an invocation: the DuckDB instance, one connection per thread, the catalog
 * read once and kept up to date as nodes build, the schemas known to exist, and interruption.
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { attachSql, Catalog, createSchema, Database, firstLine, installExtensionSql, loadExtensionSql, type Connection } from '../adapters/duckdb/index.js';
import { DatabaseError } from '../errors.js';
import type { TargetConfig } from '../config/index.js';
import type { BmpEvent } from '../report/index.js';

/** `read`: compile, show, docs (a missing file means no database); `write`: commands that build. */
export type WarehouseMode = 'read' | 'write';

export interface WarehouseOptions {
  readonly threads: number;
  readonly emit: (e: BmpEvent) => void;
  /** Relative file paths in SQL resolve against it (DuckDB's file_search_path). */
  readonly projectDir: string;
  readonly waitForLockSeconds?: number;
  /** Work to do while DuckDB opens the file on its own threads (compiling static models). */
  readonly whileOpening?: () => void;
}

/** A database opening ahead of the session that will use it (see {@link Warehouse.openEarly}). */
export interface EarlyWarehouse {
  readonly warehouse: Promise<Warehouse>;
  /** Closes it unused; a database file it created is removed (the invocation stopped before using it). */
  discard(): Promise<void>;
  /** The session took it: from now on the file is the user's, whatever happens. */
  adopt(): void;
}

export class Warehouse {
  private interrupted = false;
  private checkpointFailure: string | undefined;

  private constructor(
    readonly mode: WarehouseMode,
    /** Undefined when a read-only command finds no database file. */
    readonly db: Database | undefined,
    readonly conns: readonly Connection[],
    readonly catalog: Catalog,
    private readonly knownSchemas: Set<string>,
  ) {}

  static async open(target: TargetConfig, mode: WarehouseMode, o: WarehouseOptions): Promise<Warehouse> {
    const onStatement = (sql: string, connection: number) => {
      o.emit({ code: 'E001', type: 'sql', sql, connection });
      return (elapsed: number) => o.emit({ code: 'E002', type: 'sql.status', connection, elapsed });
    };
    // relative file paths in SQL (read_csv('data/x.csv'), a user's memories file) resolve against
    // the project folder, like every other path bmp reads, never against the shell's folder
    const settings = { file_search_path: o.projectDir, ...target.settings };
    let db: Database | undefined;
    if (mode === 'read' && target.path !== ':memory:') {
      if (existsSync(target.path)) db = await Database.open({ path: target.path, readOnly: true, settings, onStatement, waitForLockSeconds: o.waitForLockSeconds, whileOpening: o.whileOpening });
    } else {
      db = await Database.open({ path: target.path, settings, onStatement, waitForLockSeconds: o.waitForLockSeconds, whileOpening: o.whileOpening });
    }
    const conns: Connection[] = [];
    if (db) for (let i = 0; i < Math.max(1, o.threads); i++) conns.push(await db.connect());
    if (conns[0]) await prepareDatabase(conns[0], target, mode);
    const catalog = conns[0] ? await Catalog.read(conns[0]) : new Catalog();
    const schemas = conns[0] ? await conns[0].adapter.listSchemas() : [];
    return new Warehouse(mode, db, conns, catalog, new Set(schemas.map((s) => s.toLowerCase())));
  }

  /**
   * Starts opening the database while the caller still has work of its own (reading and parsing
   * the project): DuckDB creates or opens the file, connects and reads the catalog on its threads
   * meanwhile. Only where opening changes nothing a failed invocation must keep: the database's
   * folder exists and there is no write-ahead log to replay. Returns undefined otherwise (open it
   * the usual way, after the checks). Pass the result to the session, or {@link EarlyWarehouse.discard}
   * it when the invocation stops first: a database file this call created is removed again.
   *
   * Each step of opening (connecting, each catalog query) continues on this thread, so a caller
   * that works meanwhile lets the event loop turn now and then until `warehouse` settles (the parse
   * does). The events of those steps (the catalog queries' SQL) are held until the session takes
   * the database or it is discarded, so they are reported where they would be had the steps run
   * after the caller's work.
   */
  static openEarly(target: TargetConfig, mode: WarehouseMode, o: Omit<WarehouseOptions, 'whileOpening'>): EarlyWarehouse | undefined {
    const path = target.path;
    const file = path !== ':memory:' && !/^[a-z][a-z0-9+.-]*:/i.test(path);
    if (!file || mode !== 'write' || !existsSync(dirname(path)) || existsSync(`${path}.wal`)) return undefined;
    const created = !existsSync(path);
    let held: BmpEvent[] | undefined = [];
    const release = () => {
      const events = held ?? [];
      held = undefined;
      for (const e of events) o.emit(e);
    };
    const warehouse = Warehouse.open(target, mode, { ...o, emit: (e) => (held ? held.push(e) : o.emit(e)) });
    warehouse.catch(() => undefined); // raised where the session takes it
    const remove = () => {
      for (const f of [path, `${path}.wal`]) rmSync(f, { force: true });
    };
    // a Ctrl-C before the session takes it exits at once (nothing to roll back): the file this
    // invocation created goes with it, as a failed invocation's does
    if (created) process.once('exit', remove);
    const settle = () => process.off('exit', remove);
    return {
      warehouse,
      discard: async () => {
        settle();
        release();
        const w = await warehouse.catch(() => undefined);
        w?.close();
        if (w && created) remove();
      },
      adopt: () => {
        settle();
        release();
      },
    };
  }

  /** Creates the schemas not known to exist yet (once each per invocation). */
  async ensureSchemas(schemas: Iterable<string>): Promise<void> {
    const conn = this.conns[0];
    if (!conn) return;
    for (const s of schemas) {
      if (this.knownSchemas.has(s.toLowerCase())) continue;
      await conn.run(createSchema(s));
      this.knownSchemas.add(s.toLowerCase());
    }
  }

  /** Stops what runs on every connection (Ctrl-C). */
  interrupt(): void {
    this.interrupted = true;
    this.db?.interruptAll();
  }

  get isInterrupted(): boolean {
    return this.interrupted;
  }

  /** Why the checkpoint of {@link checkpointDuring} failed (a full disk), if it did. */
  get checkpointError(): string | undefined {
    return this.checkpointFailure;
  }

  /**
   * Runs `work` while DuckDB checkpoints on one of its own threads, so the checkpoint that closing
   * would do on this thread overlaps bmp's last writes instead of following them. Best effort:
   * when the checkpoint cannot run now, closing does it. `alongside` runs once work is done, only
   * when a checkpoint is running (this thread would otherwise just wait for it).
   */
  async checkpointDuring(work: () => Promise<void>, alongside?: () => void): Promise<void> {
    const conn = this.conns[0];
    const checkpoint = conn && this.mode === 'write' && !this.interrupted
      ? conn.adapter.checkpoint().catch((err: Error) => {
          this.checkpointFailure = firstLine(err.message ?? String(err));
        })
      : undefined;
    try {
      await work();
      if (checkpoint) alongside?.();
    } finally {
      await checkpoint;
    }
  }

  close(): void {
    this.db?.close();
  }
}

/**
 * The profile's `extensions` (loaded, installed first when DuckDB does not have them) and `attach`
 * databases (read-only in a read-only invocation), once per database: every connection sees them.
 * @throws DatabaseError BMP_DB_OPEN naming the extension or database that failed
 */
async function prepareDatabase(conn: Connection, target: TargetConfig, mode: WarehouseMode): Promise<void> {
  for (const ext of target.extensions ?? []) {
    try {
      await conn.run(loadExtensionSql(ext));
    } catch {
      try {
        await conn.run(installExtensionSql(ext));
        await conn.run(loadExtensionSql(ext));
      } catch (err) {
        throw new DatabaseError('BMP_DB_OPEN', `extension '${ext}' (profile 'extensions') could not be loaded: ${firstLine((err as Error).message)}`, { file: target.profilesFile });
      }
    }
  }
  for (const db of target.attach ?? []) {
    try {
      await conn.run(attachSql({ ...db, readOnly: db.readOnly || mode === 'read' }));
    } catch (err) {
      throw new DatabaseError('BMP_DB_OPEN', `could not attach '${db.path}' as ${db.alias} (profile 'attach'): ${firstLine((err as Error).message)}`, { file: target.profilesFile });
    }
  }
}
