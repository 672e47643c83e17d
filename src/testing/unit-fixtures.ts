/**
 * Unit-test fixtures: the `given`/`expect` rows of a unit test (dict, csv or sql, inline or from a
 * fixture file) read into plain values, column types inferred from them, and loaded into the unit test's own in-memory database
 * (`UnitTestDatabase`, src/adapters/duckdb: the SQL). Values are always bound, never pasted.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { UnitTestDatabase } from '../adapters/duckdb/index.js';
import { CompileError, type ErrorLocation } from '../errors.js';
import type { UnitTestRows } from '../manifest/types.js';

/** Rows read from a fixture: named columns and raw values (csv values stay strings). */
export type FixtureData =
  | { readonly kind: 'rows'; readonly columns: readonly string[]; readonly rows: readonly (readonly unknown[])[]; readonly fromCsv: boolean }
  | { readonly kind: 'sql'; readonly sql: string };

/** A column of a fixture table. */
export interface FixtureColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * Reads the rows of a `given` entry or of `expect`. `fixture: name` is looked up as
 * `<test path>/fixtures/**\/name.csv` (or `.sql`), as dbt does.
 * @throws CompileError BMP_UNIT_TEST_FIXTURE when a fixture file is missing or a CSV is malformed.
 */
export function readFixture(spec: UnitTestRows, ctx: { projectDir: string; testPaths: readonly string[]; where: ErrorLocation; label: string }): FixtureData {
  let text: string | undefined;
  if (spec.fixture) {
    const ext = spec.format === 'sql' ? '.sql' : spec.format === 'csv' ? '.csv' : undefined;
    if (!ext) throw new CompileError('BMP_UNIT_TEST_FIXTURE', `${ctx.label}: a fixture file needs format: csv or format: sql`, ctx.where);
    const path = findFixture(ctx.projectDir, ctx.testPaths, spec.fixture, ext);
    if (!path) {
      throw new CompileError('BMP_UNIT_TEST_FIXTURE', `${ctx.label}: fixture '${spec.fixture}' not found`, ctx.where, `put it at ${ctx.testPaths[0] ?? 'tests'}/fixtures/${spec.fixture}${ext}`);
    }
    text = readFileSync(path, 'utf8');
  }
  if (spec.format === 'sql') {
    const sql = text ?? spec.sql;
    if (!sql?.trim()) throw new CompileError('BMP_UNIT_TEST_FIXTURE', `${ctx.label}: format sql needs rows: as a SQL select`, ctx.where);
    return { kind: 'sql', sql: sql.trim().replace(/;\s*$/, '') };
  }
  if (spec.format === 'csv') {
    const csv = text ?? spec.csv ?? '';
    const table = parseCsv(csv);
    const header = table[0] ?? [];
    const rows = table.slice(1);
    for (const [i, r] of rows.entries()) {
      if (r.length !== header.length) throw new CompileError('BMP_UNIT_TEST_FIXTURE', `${ctx.label}: csv row ${i + 1} has ${r.length} values for ${header.length} columns`, ctx.where);
    }
    return { kind: 'rows', columns: header.map((h) => String(h ?? '')), rows, fromCsv: true };
  }
  const dicts = spec.rows ?? [];
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const [i, r] of dicts.entries()) {
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw new CompileError('BMP_UNIT_TEST_FIXTURE', `${ctx.label}: row ${i + 1} must be a mapping of column to value`, ctx.where);
    for (const k of Object.keys(r)) if (!seen.has(k.toLowerCase()) && seen.add(k.toLowerCase())) columns.push(k);
  }
  const rows = dicts.map((r) => columns.map((c) => valueOf(r, c)));
  return { kind: 'rows', columns, rows, fromCsv: false };
}

function valueOf(row: Readonly<Record<string, unknown>>, column: string): unknown {
  if (column in row) return row[column];
  const key = Object.keys(row).find((k) => k.toLowerCase() === column.toLowerCase());
  return key === undefined ? null : row[key];
}

function findFixture(projectDir: string, testPaths: readonly string[], name: string, ext: string): string | undefined {
  const roots = [...new Set([...testPaths.map((p) => join(projectDir, p, 'fixtures')), join(projectDir, 'tests', 'fixtures')])];
  const file = name.endsWith(ext) ? name : `${name}${ext}`;
  for (const root of roots) {
    const direct = join(root, file);
    if (existsSync(direct)) return direct;
    const found = walk(root).find((p) => relative(root, p).split('/').pop() === file);
    if (found) return found;
  }
  return undefined;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out.sort();
}

/**
 * RFC 4180 CSV: quoted fields with `""` escapes and newlines; an empty field (quoted or not) is null, as dbt reads fixtures.
 * Leading indentation of each line (CSV written inside YAML) is kept only inside quotes.
 */
export function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const src = text.replace(/\r\n?/g, '\n').replace(/^\s*\n/, '');
  // a line with one unquoted empty field is a blank line (no row); `""` alone is a row
  let rowContent = false;
  const endField = () => {
    // an empty field is NULL, quoted or not: dbt reads csv fixtures with csv.DictReader and turns
    // every '' into None
    const v = wasQuoted ? field : field.trim();
    rowContent ||= wasQuoted || v !== '';
    row.push(v === '' ? null : v);
    field = '';
    wasQuoted = false;
  };
  const endRow = () => {
    if (row.length > 1 || rowContent) rows.push(row);
    row = [];
    rowContent = false;
  };
  while (i < src.length) {
    const ch = src.charAt(i);
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      field = '';
    } else if (ch === ',') endField();
    else if (ch === '\n') {
      endField();
      endRow();
    } else field += ch;
    i++;
  }
  if (field !== '' || wasQuoted || row.length) {
    endField();
    endRow();
  }
  return rows;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/;
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A DuckDB type for a column from its values: BOOLEAN, INTEGER/BIGINT, DOUBLE, DATE, TIMESTAMP,
 * TIMESTAMPTZ, a list type, JSON, else VARCHAR. CSV values (strings) are read as what they look like.
 *
 * ### Examples
 * ```ts
 * inferType([1, 2, null], false); // 'INTEGER'
 * inferType(['2024-01-31'], false); // 'DATE'
 * inferType(['1.5', '2'], true); // 'DOUBLE'
 * ```
 */
export function inferType(values: readonly unknown[], fromCsv: boolean): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (!present.length) return 'INTEGER';
  const all = (p: (v: unknown) => boolean) => present.every(p);
  if (all((v) => typeof v === 'boolean' || (fromCsv && typeof v === 'string' && /^(true|false)$/i.test(v)))) return 'BOOLEAN';
  const asNumber = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : fromCsv && typeof v === 'string' && NUMBER.test(v.trim()) ? Number(v) : undefined);
  if (all((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) || (fromCsv && typeof v === 'string' && INTEGER.test(v.trim())))) {
    return all((v) => Math.abs(asNumber(v) ?? 0) <= 2147483647) ? 'INTEGER' : 'BIGINT';
  }
  if (all((v) => asNumber(v) !== undefined)) return 'DOUBLE';
  if (all((v) => v instanceof Date)) return 'TIMESTAMP';
  if (all((v) => typeof v === 'string')) {
    const s = present as string[];
    if (s.every((v) => DATE.test(v))) return 'DATE';
    if (s.every((v) => DATE.test(v) || TIMESTAMP.test(v))) return 'TIMESTAMP';
    if (s.every((v) => DATE.test(v) || TIMESTAMP.test(v) || TIMESTAMPTZ.test(v))) return 'TIMESTAMPTZ';
    return 'VARCHAR';
  }
  if (all((v) => Array.isArray(v))) {
    const inner = inferType((present as unknown[][]).flat(), fromCsv);
    return `${inner}[]`;
  }
  if (all((v) => typeof v === 'object')) return 'JSON';
  return 'VARCHAR';
}

/** A value as the text DuckDB casts to the column type (`cast($1 as DATE)`); null stays null. */
export function bindValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * The columns of a fixture table: the input's known columns (from the database, the YAML
 * `data_type`s or the seed file), then any given column they lack, typed from its values.
 */
export function fixtureColumns(data: Extract<FixtureData, { kind: 'rows' }>, known: readonly FixtureColumn[], declared: ReadonlyMap<string, string>): FixtureColumn[] {
  const out: FixtureColumn[] = [...known];
  const have = new Set(known.map((c) => c.name.toLowerCase()));
  data.columns.forEach((name, i) => {
    if (have.has(name.toLowerCase())) return;
    have.add(name.toLowerCase());
    const type = declared.get(name.toLowerCase()) ?? inferType(data.rows.map((r) => r[i]), data.fromCsv);
    out.push({ name, type });
  });
  return out;
}

/**
 * Creates `table` (a scratch table, `db.table(name)`) with `columns` and inserts the rows, each
 * value bound and cast to its column's type; columns a row does not give are null.
 */
export async function loadFixture(db: UnitTestDatabase, table: string, columns: readonly FixtureColumn[], data: Extract<FixtureData, { kind: 'rows' }>): Promise<void> {
  const typeOf = new Map(columns.map((c) => [c.name.toLowerCase(), c.type]));
  const given = data.columns.map((name) => ({ name, type: typeOf.get(name.toLowerCase()) ?? 'VARCHAR' }));
  await db.createTable(table, columns, given, data.columns.length ? data.rows.map((r) => given.map((_, i) => bindValue(r[i]))) : []);
}
