// Loaded on first open so commands that never touch the database (ls, parse errors) start fast.
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue, DuckDBValueConverter } from '@duckdb/node-api';
import { DatabaseError } from '../../errors.js';
import { DecimalText } from '../../manifest/decimal-text.js';
import type { Relation } from '../../manifest/types.js';
import { DuckDbAdapter } from './adapter.js';
import { beginTransaction, commit, rollback, quoteIdent, quoteLiteral } from './sql.js';

export type SqlParams = readonly unknown[] | Readonly<Record<string, unknown>>;
export type Row = Record<string, unknown>;

/** Types {@link Connection.appendRows} can append a value as. */
export type AppendType = 'VARCHAR' | 'DOUBLE' | 'INTEGER' | 'BIGINT' | 'BOOLEAN';

/** Types a JS scalar function may take and return (see {@link Connection.registerScalarFunction}). */
export type ScalarTypeName = 'VARCHAR' | 'DOUBLE' | 'BIGINT' | 'BOOLEAN';

export interface ScalarFunctionDef {
  readonly name: string;
  readonly parameters: readonly ScalarTypeName[];
  readonly returns: ScalarTypeName;
  /**
   * One call per chunk: `args[p].get(row)` reads a value (reading is the costly part: read what
   * you need; a literal argument has the same value on every row); returns one value per row, or
   * nothing for all NULL.
   */
  readonly fn: (args: readonly { get(row: number): unknown }[], rowCount: number) => readonly unknown[] | undefined | void;
  /** Volatile functions are never folded or deduplicated by the optimizer. */
  readonly volatile?: boolean;
}

export interface QueryResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly Row[];
}

/** What a statement gave (see {@link Connection.execute}). */
export interface StatementResult {
  /** DuckDB's statement kind: `SELECT`, `INSERT`, `CREATE`, ... */
  readonly statementType: string;
  /** Whether it returned a result set (a query), as opposed to a count of changed rows or nothing. */
  readonly returnsRows: boolean;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  /**
   * Rows in column order (empty unless `returnsRows`). A DECIMAL column's values are their exact
   * text; a DECIMAL inside a LIST, ARRAY, STRUCT, MAP or UNION value is a {@link DecimalText}.
   */
  readonly rows: readonly (readonly unknown[])[];
  readonly rowsChanged: number;
}

// DuckDB's result and statement kinds (duckdb.h's duckdb_result_type / duckdb_statement_type)
const RESULT_QUERY = 3;
const STATEMENT_TYPES = ['INVALID', 'SELECT', 'INSERT', 'UPDATE', 'EXPLAIN', 'DELETE', 'PREPARE', 'CREATE', 'EXECUTE', 'ALTER', 'TRANSACTION', 'COPY', 'ANALYZE', 'VARIABLE_SET', 'CREATE_FUNC', 'DROP', 'EXPORT', 'PRAGMA', 'VACUUM', 'CALL', 'SET', 'LOAD', 'RELATION', 'EXTENSION', 'LOGICAL_PLAN', 'ATTACH', 'DETACH', 'MULTI', 'COPY_DATABASE', 'UPDATE_EXTENSIONS'];

/** Told of a statement before it runs; the function it returns, of the seconds it took when it succeeded. */
export type StatementListener = (sql: string, connectionId: number) => ((seconds: number) => void) | void;

/**
 * Awaits `send`, then tells `done` (a {@link StatementListener}'s completion) the seconds it took.
 * A listener written as `(sql) => list.push(sql)` returns a number: only a function is called.
 */
async function timed<T>(done: unknown, send: () => Promise<T>): Promise<T> {
  if (typeof done !== 'function') return send();
  const t0 = performance.now();
  const out = await send();
  done((performance.now() - t0) / 1000);
  return out;
}

export interface OpenOptions {
  /** A file path or ':memory:'. */
  readonly path: string;
  readonly readOnly?: boolean;
  /** DuckDB settings (`memory_limit`, `threads`, ...). Values are stringified. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Keep retrying a locked file for this many seconds. */
  readonly waitForLockSeconds?: number;
  /**
   * Called with every statement before it runs (for --debug logs); what it returns is called with
   * the seconds the round trip took once it succeeded (statements sent together: the last one's).
   */
  readonly onStatement?: StatementListener;
  /** Work for this thread while DuckDB opens the file on its own (called once, before waiting). */
  readonly whileOpening?: () => void;
}

/**
 * One DuckDB database for one invocation. DuckDB allows one writing process per file; inside the
 * process, connections run in parallel (MVCC), so the scheduler opens one per worker.
 */
export class Database {
  private connections: Connection[] = [];
  private nextId = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly options: OpenOptions,
  ) {}

  /**
   * Opens (or creates) the database file.
   * @throws DatabaseError BMP_DB_LOCKED when another process holds the file, BMP_DB_OPEN otherwise.
   */
  static async open(options: OpenOptions): Promise<Database> {
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.settings ?? {})) config[k] = String(v);
    if (options.readOnly && options.path !== ':memory:') config['access_mode'] = 'READ_ONLY';
    const file = isFilePath(options.path);
    if (file) {
      checkNotSqlite(options.path);
      // `path: target/dev.duckdb` on a fresh clone: create the folders, as dbt-duckdb does
      if (!options.readOnly) mkdirSync(dirname(options.path), { recursive: true });
    }
    // loaded already (preloadDuckdb): DuckDB starts opening the file before this call returns
    const { DuckDBInstance } = loadedDuckdb ?? (await loadDuckdb());
    const deadline = Date.now() + (options.waitForLockSeconds ?? 0) * 1000;
    let whileOpening = options.whileOpening;
    for (;;) {
      try {
        const creating = DuckDBInstance.create(options.path, config);
        whileOpening?.();
        whileOpening = undefined;
        const instance = await creating;
        await applyIgnoredSettings(instance, config);
        const db = new Database(instance, options);
        openDatabases.add(db);
        return db;
      } catch (err) {
        const message = (err as Error).message ?? String(err);
        const lock = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
        if (lock) {
          if (Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 200));
            continue;
          }
          const waited = options.waitForLockSeconds ? ` (still, after waiting ${options.waitForLockSeconds}s)` : '';
          throw new DatabaseError(
            'BMP_DB_LOCKED',
            `database ${options.path} is locked by process ${lock[2]} (${lock[1]})${waited}`,
            { file: options.path },
            waited ? 'stop that process, or wait longer' : 'wait for it to finish, or pass --wait-for-lock SECONDS',
          );
        }
        throw new DatabaseError('BMP_DB_OPEN', `cannot open database ${options.path}: ${firstLine(message)}`, {
          file: options.path,
        });
      }
    }
  }

  /** A new connection; `silent`: its statements are not reported (a watch's periodic reads). */
  async connect(o: { silent?: boolean } = {}): Promise<Connection> {
    const conn = new Connection(await this.instance.connect(), this.nextId++, o.silent ? undefined : this.options.onStatement);
    this.connections.push(conn);
    return conn;
  }

  /** Interrupts every running query (Ctrl-C). */
  interruptAll(): void {
    for (const c of this.connections) c.interrupt();
  }

  close(): void {
    openDatabases.delete(this);
    for (const c of this.connections) c.close();
    this.connections = [];
    this.instance.closeSync();
  }
}

/**
 * DuckDB takes some settings in its startup config without applying them (1.5:
 * `disabled_compression_methods` reads back empty): a setting the profile gives a value and DuckDB
 * reports empty is set again with `SET GLOBAL`, so the profile's settings are the database's.
 */
async function applyIgnoredSettings(instance: DuckDBInstance, config: Record<string, string>): Promise<void> {
  const given = Object.entries(config).filter(([k, v]) => v !== '' && k !== 'access_mode');
  if (given.length === 0) return;
  const conn = await instance.connect();
  try {
    const names = given.map(([k]) => quoteLiteral(k)).join(', ');
    const rows = (await conn.runAndReadAll(`select name from duckdb_settings() where name in (${names}) and value = ''`)).getRows();
    for (const [name] of rows) {
      const key = String(name);
      // a setting that cannot change once DuckDB runs stays as DuckDB left it (as before this check)
      await conn.run(`set global ${quoteIdent(key)} = ${quoteLiteral(config[key]!)}`).catch(() => undefined);
    }
  } finally {
    conn.closeSync();
  }
}

/** A path on disk, as opposed to `:memory:` or a URL (`md:`, `s3://...`). */
function isFilePath(path: string): boolean {
  return path !== ':memory:' && !/^[a-z][a-z0-9+.-]*:/i.test(path);
}

/**
 * DuckDB takes a SQLite file for an attachment it needs the sqlite extension for (downloaded at run
 * time: offline, "Failed to download extension"); say what the file is instead.
 * @throws DatabaseError BMP_DB_OPEN when `path` holds a SQLite database
 */
function checkNotSqlite(path: string): void {
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(16);
      readSync(fd, head, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return; // no file yet (or unreadable: DuckDB says why)
  }
  if (head.toString('latin1') === 'SQLite format 3\0') {
    throw new DatabaseError('BMP_DB_OPEN', `cannot open database ${path}: ${path} is a SQLite database, not a DuckDB one`, { file: path }, 'point the profile\'s path at a DuckDB file; a SQLite file can be attached from a model or hook');
  }
}

/** Every database open in this process (see {@link interruptAllDatabases}). */
const openDatabases = new Set<Database>();

/**
 * Interrupts the running queries of every open database. The process edge calls it before exiting on
 * a signal: `process.exit` waits for a running DuckDB query to finish, which can take minutes.
 */
export function interruptAllDatabases(): void {
  for (const db of openDatabases) db.interruptAll();
}

export class Connection {
  private inTransaction = false;
  /** A transaction was opened and its BEGIN not sent yet: it goes with the next statement. */
  private beginPending = false;
  /** Statements to send with the transaction's COMMIT ({@link runAtCommit}). */
  private readonly atCommit: string[] = [];
  private recorder: string[] | undefined;
  private committed = 0;
  private engine: DuckDbAdapter | undefined;

  constructor(
    private readonly raw: DuckDBConnection,
    readonly id: number,
    private readonly onStatement?: StatementListener,
  ) {}

  /** What materializations ask this connection for, in intents (one adapter per connection). */
  get adapter(): DuckDbAdapter {
    return (this.engine ??= new DuckDbAdapter(this));
  }

  /** Runs one statement (or a `;`-separated batch) and returns rows changed (or the CTAS count). */
  async run(sql: string, params?: SqlParams): Promise<number> {
    return (await this.runCounted(sql, params))();
  }

  /**
   * Runs one statement and returns a function that reads its row count (rows changed, or the
   * `Count` a CREATE TABLE AS reports): reading it costs tens of microseconds, which a caller on the
   * path between two statements can spend later.
   */
  runCounted(sql: string, params?: SqlParams): Promise<() => number> {
    return this.runAll([sql], params);
  }

  /**
   * Runs statements in one round trip (without parameters; with them, only one statement), after
   * the transaction's pending BEGIN (see {@link transaction}), and returns a function that reads
   * the last one's row count. DuckDB locates an error (LINE n, caret) correctly only in the first
   * statement of the text: later ones must be bmp's own, not SQL a user wrote.
   */
  async runAll(statements: readonly string[], params?: SqlParams): Promise<() => number> {
    const list = [...statements];
    if (this.beginPending) {
      // BEGIN alone: before another statement in the same text, DuckDB would place that statement's
      // error (LINE n and caret) wrongly, as it does for any statement after the first
      this.beginPending = false;
      await this.runAll([beginTransaction()]);
    }
    let done: ReturnType<StatementListener> = undefined;
    for (const s of list) {
      done = this.onStatement?.(s, this.id);
      this.recorder?.push(s);
    }
    const result = await timed(done, () => this.raw.run(list.length === 1 ? list[0]! : list.join('\n;\n'), bindable(params))); // a newline ends a trailing -- comment
    let count: number | undefined;
    return () => {
      if (count === undefined) {
        try {
          count = rowCount(result);
        } catch {
          count = 0; // a count that cannot be read is not worth failing a built node for
        }
      }
      return count;
    };
  }

  /**
   * How many units of work on this connection became durable: transactions committed, and work
   * outside DuckDB reported by {@link markCommitted}. A node interrupted after its count grew has
   * changes in place, which its result must say instead of claiming a rollback.
   */
  get commits(): number {
    return this.committed;
  }

  /** Records that work done for this connection's node became durable outside DuckDB (files moved into place). */
  markCommitted(): void {
    this.committed++;
  }

  /** Runs `fn` and returns every statement `run()` issued meanwhile (what target/run/ shows). */
  async recording<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const statements: string[] = [];
    this.recorder = statements;
    try {
      return { result: await fn(), statements };
    } finally {
      this.recorder = undefined;
    }
  }

  /** Runs a query and returns rows as plain JS objects (bigints that fit become numbers). */
  async query(sql: string, params?: SqlParams): Promise<QueryResult> {
    await this.flushBegin();
    const done = this.onStatement?.(sql, this.id);
    const reader = await timed(done, () => this.raw.runAndReadAll(sql, bindable(params)));
    const names = reader.columnNames();
    const types = reader.columnTypes().map(String);
    const rows = reader.getRowsJS().map((values) => {
      const row: Row = {};
      names.forEach((n, i) => (row[n] = toPlain(values[i])));
      return row;
    });
    return { columns: names.map((name, i) => ({ name, type: types[i]! })), rows };
  }

  /**
   * Runs a statement a template issued (`run_query`, `{% call statement %}`) and returns what it
   * gave: its kind, and its rows (in column order) when it returns a result set.
   */
  async execute(sql: string): Promise<StatementResult> {
    await this.flushBegin();
    const done = this.onStatement?.(sql, this.id);
    this.recorder?.push(sql);
    const reader = await timed(done, () => this.raw.runAndReadAll(sql));
    const returnsRows = reader.returnType === RESULT_QUERY;
    const names = returnsRows ? reader.columnNames() : [];
    const types = returnsRows ? reader.columnTypes().map(String) : [];
    return {
      statementType: STATEMENT_TYPES[reader.statementType] ?? 'UNKNOWN',
      returnsRows,
      columns: names.map((name, i) => ({ name, type: types[i]! })),
      rows: returnsRows ? exactRows(reader, types) : [],
      rowsChanged: reader.rowsChanged,
    };
  }

  /** Rows as objects; shorthand for `query(...).rows`. */
  async rows<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  /**
   * Runs `fn` inside a transaction: commit on success, rollback on error (then rethrow).
   * Joins an already open transaction, as SQLMesh's adapter does.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn();
    // BEGIN is sent when the first statement is: a transaction that runs nothing sends nothing
    this.beginPending = true;
    this.inTransaction = true;
    try {
      const out = await fn();
      const last = this.atCommit.splice(0);
      if (this.beginPending) this.beginPending = false; // nothing ran: nothing to commit
      else await this.runAll([...last, commit()]);
      this.committed++;
      return out;
    } catch (err) {
      this.atCommit.length = 0;
      if (this.beginPending) this.beginPending = false;
      else await this.run(rollback()).catch(() => undefined);
      throw err;
    } finally {
      this.inTransaction = false;
    }
  }

  /**
   * Runs statements that may wait for the end of the open transaction (dropping a temp table it
   * no longer reads): they go with its COMMIT, in the same round trip, and are dropped with a
   * rollback. Outside a transaction they run now.
   */
  async runAtCommit(statements: readonly string[]): Promise<void> {
    if (!statements.length) return;
    if (this.inTransaction) this.atCommit.push(...statements);
    else await this.runAll(statements);
  }

  /** Sends a pending BEGIN on its own (before a query, whose result a batch would not return). */
  private async flushBegin(): Promise<void> {
    if (this.beginPending) await this.runAll([]);
  }

  /**
   * Appends rows through DuckDB's appender. With `types` (one per column), values are appended as
   * that type (DuckDB casts to the column's: a VARCHAR '[1, 2]' fills a FLOAT[] column), which
   * skips per-value type inference; nulls are fine either way. A relation whose database is
   * `temp` is this connection's temp table.
   */
  async appendRows(rel: Relation, rows: readonly (readonly unknown[])[], types?: readonly AppendType[]): Promise<void> {
    // a relation in the `temp` catalog is this connection's temp table
    await this.flushBegin();
    const appender = await this.raw.createAppender(rel.identifier, rel.schema, rel.database === 'temp' ? 'temp' : undefined);
    for (const r of rows) {
      if (types) {
        r.forEach((v, i) => {
          if (v === null || v === undefined) return appender.appendNull();
          switch (types[i]) {
            case 'VARCHAR':
              return appender.appendVarchar(String(v));
            case 'DOUBLE':
              return appender.appendDouble(Number(v));
            case 'INTEGER':
              return appender.appendInteger(Number(v));
            case 'BIGINT':
              return appender.appendBigInt(BigInt(v as number));
            case 'BOOLEAN':
              return appender.appendBoolean(!!v);
            default:
              return appender.appendValue(v as DuckDBValue);
          }
        });
      } else {
        for (const v of r) appender.appendValue(v as DuckDBValue);
      }
      appender.endRow();
    }
    appender.closeSync();
  }

  /**
   * Registers a JS scalar function, visible to every connection of the database until it closes.
   * `fn` is called once per chunk (up to 2,048 rows) with one array per parameter and returns one
   * value per row (or nothing: all NULL). Data reaches it as bound vectors, never as SQL text.
   */
  async registerScalarFunction(def: ScalarFunctionDef): Promise<void> {
    const api = await loadDuckdb();
    const types = { VARCHAR: api.VARCHAR, DOUBLE: api.DOUBLE, BIGINT: api.BIGINT, BOOLEAN: api.BOOLEAN };
    const fn = api.DuckDBScalarFunction.create({
      name: def.name,
      returnType: types[def.returns],
      parameterTypes: def.parameters.map((t) => types[t]),
      volatile: def.volatile,
      mainFunction: (info, input, output) => {
        try {
          const n = input.rowCount;
          const args = def.parameters.map((_, c) => {
            const vec = input.getColumnVector(c);
            return { get: (row: number) => vec.getItem(row) as unknown };
          });
          const out = def.fn(args, n);
          const put = output as unknown as { setItem(i: number, v: unknown): void; flush(): void };
          for (let i = 0; i < n; i++) put.setItem(i, out?.[i] ?? null);
          put.flush();
        } catch (err) {
          info.setError((err as Error).message ?? String(err));
        }
      },
    });
    this.raw.registerScalarFunction(fn);
  }

  interrupt(): void {
    this.raw.interrupt();
  }

  close(): void {
    try {
      this.raw.closeSync();
    } catch {
      /* already closed */
    }
  }

  /** Sets the default schema of this connection (`use`). */
  async useSchema(schema: string): Promise<void> {
    await this.run(`use ${quoteIdent(schema)}`);
  }
}

let loadedDuckdb: typeof import('@duckdb/node-api') | undefined;

/**
 * @duckdb/node-api, loaded on first use (commands that never open a database start without it). The
 * bundled CLI inlines its JavaScript into one chunk (scripts/bundle-cli.mjs), which loads in a
 * fraction of the time of its ~150 CommonJS files; the native binding stays a package.
 */
async function loadDuckdb(): Promise<typeof import('@duckdb/node-api')> {
  return (loadedDuckdb ??= await import('@duckdb/node-api'));
}

/**
 * Starts loading @duckdb/node-api now, for a command that will open a database once it has read
 * its project; settles (never rejects) once it is loaded, after which {@link Database.open} starts
 * DuckDB's work before it first awaits anything.
 */
export function preloadDuckdb(): Promise<void> {
  return loadDuckdb().then(
    () => undefined,
    () => undefined, // a failure is raised again where the database opens
  );
}

/** The module, once {@link loadDuckdb} has run (every connection exists only after that). */
function duckdb(): typeof import('@duckdb/node-api') {
  if (!loadedDuckdb) throw new Error('internal error: @duckdb/node-api used before a database was opened');
  return loadedDuckdb;
}

function rowCount(result: import('@duckdb/node-api').DuckDBMaterializedResult): number {
  if (result.rowsChanged) return result.rowsChanged;
  try {
    return countOf((result as unknown as { readonly result: unknown }).result);
  } catch {
    // CREATE TABLE AS reports its row count as a one-row `Count` result.
    const names = result.columnNames();
    if (names.length !== 1 || names[0] !== 'Count' || result.chunkCount < 1) return 0;
    const v = result.getChunk(0).getColumnVector(0).getItem(0);
    return typeof v === 'bigint' || typeof v === 'number' ? Number(v) : 0;
  }
}

/**
 * The BIGINT in row 0 of the one-column `Count` result a CREATE TABLE AS answers with (0 for any
 * other result), read through the binding from the vector's memory: no column-name array, no
 * chunk or vector objects of node-api's (a third of what those cost), and no extra round trip
 * (getRows() would go through the thread pool), on the path between two statements.
 */
function countOf(raw: unknown): number {
  // a dependency of bmp's own, pinned to node-api's version (package.json)
  const b = (bindings ??= createRequire(import.meta.url)('@duckdb/node-bindings') as Bindings);
  if (b.result_chunk_count(raw) < 1 || b.column_count(raw) !== 1 || b.column_name(raw, 0) !== 'Count') return 0;
  const data = b.vector_get_data(b.data_chunk_get_vector(b.result_get_chunk(raw, 0), 0), 8);
  return Number(new DataView(data.buffer, data.byteOffset, 8).getBigInt64(0, true));
}
type Bindings = {
  result_chunk_count(result: unknown): number;
  column_count(result: unknown): number;
  column_name(result: unknown, column: number): string;
  result_get_chunk(result: unknown, chunk: number): unknown;
  data_chunk_get_vector(chunk: unknown, column: number): unknown;
  vector_get_data(vector: unknown, bytes: number): Uint8Array;
};
let bindings: Bindings | undefined;

/** JS arrays bind as DuckDB lists (node-api cannot infer a type for a bare array). */
function bindable(params: SqlParams | undefined): DuckDBValue[] | Record<string, DuckDBValue> | undefined {
  if (!params) return undefined;
  const conv = (v: unknown): DuckDBValue => (Array.isArray(v) ? duckdb().listValue(v.map(conv)) : (v as DuckDBValue));
  if (Array.isArray(params)) return params.map(conv);
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, conv(v)]));
}

/** node-api's JS values, except that a DECIMAL becomes a {@link DecimalText} at any depth. */
function exactValues(): DuckDBValueConverter<unknown> {
  const api = duckdb();
  const typeId = api.DuckDBTypeId.DECIMAL;
  return (value, type, converter) => (value !== null && type.typeId === typeId ? new DecimalText(String(value)) : api.JSDuckDBValueConverter(value, type, converter as never));
}

/**
 * A result's rows as plain values, except that a DECIMAL column's values are their exact decimal
 * text (`'1.50'` for DECIMAL(10,2) 1.5: a double would lose the scale and, past 15 digits, digits),
 * and a DECIMAL nested in another value is a {@link DecimalText}.
 */
function exactRows(reader: { getRowsJS(): unknown[][]; getRows(): unknown[][]; convertRows<T>(converter: DuckDBValueConverter<T>): (T | null)[][] }, types: readonly string[]): unknown[][] {
  // a DECIMAL column's type is `DECIMAL(p,s)`; `DECIMAL(p,s)[]`, `STRUCT(a DECIMAL(p,s))`, ... hold some
  const isDecimal = (t: string) => /^DECIMAL\(\d+,\s*\d+\)$/.test(t);
  if (types.some((t) => t.includes('DECIMAL(') && !isDecimal(t))) {
    return reader.convertRows(exactValues()).map((r) => r.map((v) => (v instanceof DecimalText ? v.text : toPlain(v))));
  }
  const decimals = types.flatMap((t, i) => (isDecimal(t) ? [i] : []));
  const rows = reader.getRowsJS().map((r) => r.map(toPlain));
  if (!decimals.length) return rows;
  const raw = reader.getRows();
  rows.forEach((row, r) => {
    for (const i of decimals) if (row[i] !== null) row[i] = String(raw[r]![i]);
  });
  return rows;
}

function toPlain(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === 'object' && v.constructor === Object) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  }
  return v;
}

export function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
