/**
 * The scratch database a unit test runs in (dbt 1.8's `unit_tests:`, src/testing/unit-test-runner.ts):
 * a fresh in-memory DuckDB, never the user's file, with the schema `bmp_unit` holding the given
 * inputs, the model's rows (`actual`) and the expected rows (`expected`). The runner decides what
 * to load and compare; this module says it in DuckDB SQL. Values are always bound, never pasted.
 */
import { Catalog } from './catalog.js';
import { Database, type Connection } from './connection.js';
import { describeQuery, quoteIdent } from './sql.js';
import { DuckDbTemplateDatabase } from './template-database.js';

/** The schema of a unit test's scratch database. */
export const UNIT_TEST_SCHEMA = 'bmp_unit';

/** A column of a scratch table (type as DuckDB names it). */
export interface ScratchColumn {
  readonly name: string;
  readonly type: string;
}

/** A row shown in a diff: each compared column's value as text (null stays null). */
export type ScratchTextRow = readonly (string | null)[];

/** How expected and actual rows differ, as multisets over the compared columns. */
export interface ScratchComparison {
  /** Expected but not returned. */
  readonly missing: ScratchTextRow[];
  /** Returned but not expected. */
  readonly extra: ScratchTextRow[];
  /** Rows in both (read only when they differ, for the diff's context). */
  readonly matched: ScratchTextRow[];
  readonly expectedCount: number;
  readonly actualCount: number;
}

/** Rows per INSERT when loading given rows (each value a bound parameter). */
const INSERT_CHUNK = 500;

/**
 * A table made of typed columns and rows of bound text values cast to the column types.
 *
 * ### Example
 * ```sql
 * create table "bmp_unit"."given_0_orders" ("id" INTEGER, "ts" DATE);
 * insert into "bmp_unit"."given_0_orders" ("id", "ts") values (cast($1 as INTEGER), cast($2 as DATE))
 * ```
 */
export function fixtureTableStatements(table: string, columns: readonly ScratchColumn[], given: readonly ScratchColumn[], rows: readonly (readonly (string | null)[])[]): { sql: string; params: (string | null)[] }[] {
  const out: { sql: string; params: (string | null)[] }[] = [{ sql: `create table ${table} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`, params: [] }];
  if (!rows.length || !given.length) return out;
  const list = given.map((c) => quoteIdent(c.name)).join(', ');
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const params: (string | null)[] = [];
    const tuples = rows.slice(start, start + INSERT_CHUNK).map((r) => `(${given.map((c, i) => {
      params.push(r[i] ?? null);
      return `cast($${params.length} as ${c.type})`;
    }).join(', ')})`);
    out.push({ sql: `insert into ${table} (${list}) values ${tuples.join(', ')}`, params });
  }
  return out;
}

/**
 * The SELECT that reads a seed's CSV file (bound as `$1`) as bmp loads it: header, sniffing, an
 * explicit delimiter (so a malformed row does not make the sniffer fall back to one column) and
 * `column_types` as read_csv's `types`.
 *
 * ### Example
 * ```sql
 * select * from read_csv($1, header = true, auto_detect = true, delim = ',', types = {'id': 'BIGINT'})
 * ```
 */
export function csvSelect(o: { readonly delimiter?: string; readonly columnTypes?: Readonly<Record<string, string>> }): string {
  const opts = ['header = true', 'auto_detect = true'];
  if (o.delimiter !== undefined) opts.push(`delim = ${literal(o.delimiter)}`);
  const types = o.columnTypes ? Object.entries(o.columnTypes) : [];
  if (types.length) opts.push(`types = {${types.map(([k, v]) => `${literal(k)}: ${literal(v)}`).join(', ')}}`);
  return `select * from read_csv($1, ${opts.join(', ')})`;
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A unit test's own in-memory database; see the module comment. Close it when the test is done. */
export class UnitTestDatabase {
  private constructor(
    private readonly db: Database,
    private readonly conn: Connection,
    /** What the model's templates ask of a database (`run_query`, `adapter.*`): this one, not the user's. */
    readonly templateDatabase: DuckDbTemplateDatabase,
  ) {}

  /** Opens a fresh in-memory database with the scratch schema. */
  static async open(): Promise<UnitTestDatabase> {
    const db = await Database.open({ path: ':memory:' });
    try {
      const conn = await db.connect();
      await conn.run(`create schema ${quoteIdent(UNIT_TEST_SCHEMA)}`);
      return new UnitTestDatabase(db, conn, new DuckDbTemplateDatabase(async () => conn, new Catalog()));
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * The connection the model's statement runs on, for what must be prepared in this database before
   * it runs (the LLM plugin's cache entries, see BeforeMaterializeHook).
   */
  get connection(): Connection {
    return this.conn;
  }

  /** A table of the scratch schema, rendered and escaped: `"bmp_unit"."given_0_orders"`. */
  table(name: string): string {
    return `${quoteIdent(UNIT_TEST_SCHEMA)}.${quoteIdent(name)}`;
  }

  /** The columns of a CSV file as {@link csvSelect} reads it; undefined when DuckDB cannot read it. */
  async csvColumns(path: string, o: { readonly delimiter?: string; readonly columnTypes?: Readonly<Record<string, string>> }): Promise<ScratchColumn[] | undefined> {
    const r = await this.conn.rows<{ column_name: string; column_type: string }>(describeQuery(csvSelect(o)), [path]).catch(() => undefined);
    return r?.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  }

  /**
   * Creates `table` with `columns` and inserts `rows`: each row gives the `given` columns (a
   * subset of `columns`, in its order), each value bound as text and cast to its column's type;
   * the other columns are null.
   */
  async createTable(table: string, columns: readonly ScratchColumn[], given: readonly ScratchColumn[], rows: readonly (readonly (string | null)[])[]): Promise<void> {
    for (const s of fixtureTableStatements(table, columns, given, rows)) await this.conn.run(s.sql, s.params.length ? s.params : undefined);
  }

  /** Creates `table` holding the rows of a query (given rows as SQL, or the model's SQL). */
  async createTableAs(table: string, select: string): Promise<void> {
    await this.conn.run(`create table ${table} as (\n${select}\n)`);
  }

  /** Creates `table` as `source`'s `columns`, each cast to its type (expected rows given as SQL, typed as the model's). */
  async createCastCopy(table: string, source: string, columns: readonly ScratchColumn[]): Promise<void> {
    await this.conn.run(`create table ${table} as select ${columns.map((c) => `cast(${quoteIdent(c.name)} as ${c.type}) as ${quoteIdent(c.name)}`).join(', ')} from ${source}`);
  }

  /** Adds the columns `table` lacks (by name, case-insensitively), as typed nulls. */
  async addMissingColumns(table: string, columns: readonly ScratchColumn[]): Promise<void> {
    const have = new Set((await this.describe(table)).map((c) => c.name.toLowerCase()));
    for (const c of columns) if (!have.has(c.name.toLowerCase())) await this.conn.run(`alter table ${table} add column ${quoteIdent(c.name)} ${c.type}`);
  }

  /** The columns of a scratch table, in order. */
  async describe(table: string): Promise<ScratchColumn[]> {
    return (await this.conn.rows<{ column_name: string; column_type: string }>(`describe ${table}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  }

  /**
   * Compares two tables' rows over `columns` as multisets (`except all` both ways); each row as
   * text. `matched` is read only when they differ.
   */
  async compare(expected: string, actual: string, columns: readonly ScratchColumn[]): Promise<ScratchComparison> {
    const list = columns.map((c) => quoteIdent(c.name)).join(', ');
    const shown = columns.map((c) => `cast(${quoteIdent(c.name)} as varchar) as ${quoteIdent(c.name)}`).join(', ');
    const rowsOf = async (sql: string): Promise<ScratchTextRow[]> =>
      (await this.conn.query(`select ${shown} from (${sql}) as d`)).rows.map((r) => columns.map((c) => (r[c.name] === null || r[c.name] === undefined ? null : String(r[c.name]))));
    const missing = await rowsOf(`select ${list} from ${expected} except all select ${list} from ${actual}`);
    const extra = await rowsOf(`select ${list} from ${actual} except all select ${list} from ${expected}`);
    const [counts] = await this.conn.rows<{ e: number | bigint; a: number | bigint }>(`select (select count(*) from ${expected}) as e, (select count(*) from ${actual}) as a`);
    const matched = missing.length || extra.length ? await rowsOf(`select ${list} from ${expected} intersect all select ${list} from ${actual}`) : [];
    return { missing, extra, matched, expectedCount: Number(counts?.e ?? 0), actualCount: Number(counts?.a ?? 0) };
  }

  close(): void {
    this.db.close();
  }
}
