/**
 * What `run_query()` and `load_result(name).table` give templates: a table with the parts of
 * agate's Table API that dbt code uses (agate is the Python library dbt builds result tables with).
 *
 * - `table.columns` (by position or name) → a column: `.name`, `.data_type`, `.values()`,
 *   `.values_distinct()`, `.values_without_nulls()`, `.values_sorted()`; iterating it gives its values.
 * - `table.column_names`, `table.column_types`, `table.rows` (by position) → a row: `row[0]`,
 *   `row['name']`, `row.name`, `.keys()`, `.values()`, `.items()`, `.get(name, default)`, `.dict()`.
 * - The table itself is a sequence of its rows (`for row in table`, `table | length`),
 *   `print_table()`, `print_csv()`, `print_json()`, `select`, `exclude`, `where`, `find`, `limit`,
 *   `order_by`, `distinct`, `rename`.
 */

import { PyFloat, tuple } from '../../jinja/index.js';

/** agate's column types (`column.data_type`); dbt adds an Integer type for whole numbers. */
export class AgateType {
  private constructor(readonly name: 'Text' | 'Number' | 'Integer' | 'Boolean' | 'Date' | 'DateTime' | 'TimeDelta') {}
  static readonly Text = new AgateType('Text');
  static readonly Number = new AgateType('Number');
  static readonly Integer = new AgateType('Integer');
  static readonly Boolean = new AgateType('Boolean');
  static readonly Date = new AgateType('Date');
  static readonly DateTime = new AgateType('DateTime');
  static readonly TimeDelta = new AgateType('TimeDelta');

  /** The agate type of a DuckDB column type (`INTEGER`, `DECIMAL(10,2)`, `TIMESTAMP WITH TIME ZONE`, ...). */
  static ofDuckDb(type: string): AgateType {
    const t = type.toUpperCase();
    if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT\d*)$/.test(t)) return AgateType.Integer;
    if (/^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)/.test(t)) return AgateType.Number;
    if (t === 'BOOLEAN') return AgateType.Boolean;
    if (t === 'DATE') return AgateType.Date;
    if (t.startsWith('TIMESTAMP')) return AgateType.DateTime;
    if (t === 'INTERVAL') return AgateType.TimeDelta;
    return AgateType.Text;
  }

  toString(): string {
    return `<agate.data_types.${this.name.toLowerCase()}.${this.name} object>`;
  }
}

export interface AgateColumnSpec {
  readonly name: string;
  /** The engine's type name (`BIGINT`); decides the agate type. */
  readonly type: string;
}

/** Names a row or the table must not take as attributes: they would hide the sequence's own. */
const RESERVED = new Set(['length', 'keys', 'values', 'items', 'get', 'dict', 'constructor', 'toString', 'valueOf', 'index', 'count', 'pop', 'append', 'remove', 'insert']);

/** One result row: a sequence of values that also answers by column name. */
export type AgateRow = unknown[] & {
  keys(): string[];
  values(): unknown[];
  items(): [string, unknown][];
  get(name: string | number, fallback?: unknown): unknown;
  dict(): Record<string, unknown>;
  readonly [name: string]: unknown;
};

/** One result column: the sequence of its values, with agate's column attributes. */
export type AgateColumn = unknown[] & {
  readonly name: string;
  readonly data_type: AgateType;
  readonly index: number;
  values(): unknown[];
  values_distinct(): unknown[];
  values_without_nulls(): unknown[];
  values_sorted(): unknown[];
};

/** Where `print_table()` and friends write (the invocation's print sink). */
export type PrintSink = (text: string) => void;

export class AgateTable extends Array<AgateRow> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  declare readonly column_names: readonly string[];
  declare readonly column_types: readonly AgateType[];
  declare readonly rows: readonly AgateRow[];
  declare readonly columns: readonly AgateColumn[] & Readonly<Record<string, AgateColumn>>;
  declare private readonly printer: PrintSink | undefined;

  /**
   * A table from column specs and rows of values in column order. `convert` turns an engine value
   * into the template's (dates into datetime objects, ...).
   */
  static fromResult(columns: readonly AgateColumnSpec[], rows: readonly (readonly unknown[])[], printer?: PrintSink, convert?: (value: unknown, type: AgateType, engineType: string) => unknown): AgateTable {
    const names = columns.map((c) => c.name);
    const types = columns.map((c) => AgateType.ofDuckDb(c.type));
    const madeRows = rows.map((r) => makeRow(names, types.map((t, i) => (convert ? convert(r[i] ?? null, t, columns[i]!.type) : r[i] ?? null))));
    return AgateTable.fromRows(names, types, madeRows, printer);
  }

  private static fromRows(names: readonly string[], types: readonly AgateType[], rows: AgateRow[], printer: PrintSink | undefined): AgateTable {
    const table = Object.setPrototypeOf(rows.slice(), AgateTable.prototype) as AgateTable;
    const cols = names.map((name, i) => makeColumn(name, types[i]!, i, rows.map((r) => r[i])));
    const byName = cols as AgateColumn[] & Record<string, AgateColumn>;
    for (const c of cols) if (!RESERVED.has(c.name) && !/^\d+$/.test(c.name) && !(c.name in byName)) Object.defineProperty(byName, c.name, { value: c, enumerable: false });
    // agate's MappedSequence: the columns also answer as a mapping of name → column
    Object.defineProperties(byName, {
      keys: { value: () => [...names], enumerable: false },
      values: { value: () => [...cols], enumerable: false },
      items: { value: () => cols.map((c) => [c.name, c]), enumerable: false },
      get: { value: (key: string | number, fallback: unknown = null) => (typeof key === 'number' ? cols[key] : cols.find((c) => c.name === key)) ?? fallback, enumerable: false },
      dict: { value: () => Object.fromEntries(cols.map((c) => [c.name, c])), enumerable: false },
    });
    Object.defineProperties(table, {
      column_names: { value: Object.freeze(tuple([...names])), enumerable: false },
      column_types: { value: Object.freeze([...types]), enumerable: false },
      rows: { value: Object.freeze(rows.slice()), enumerable: false },
      columns: { value: byName, enumerable: false },
      printer: { value: printer, enumerable: false },
    });
    return table;
  }

  /** A table with no columns and no rows (what a statement that fetched nothing stores). */
  static empty(printer?: PrintSink): AgateTable {
    return AgateTable.fromResult([], [], printer);
  }

  /** The index of a column given by name or position. */
  private columnIndex(key: string | number): number {
    const i = typeof key === 'number' ? key : this.column_names.indexOf(String(key));
    if (i < 0 || i >= this.column_names.length) throw new Error(`no column ${JSON.stringify(key)} in this table (columns: ${this.column_names.join(', ')})`);
    return i;
  }

  /** A table with only the named columns, in that order. */
  select(keys: string | number | readonly (string | number)[]): AgateTable {
    const idx = (Array.isArray(keys) ? keys : [keys]).map((k) => this.columnIndex(k as string | number));
    const names = idx.map((i) => this.column_names[i]!);
    return AgateTable.fromRows(names, idx.map((i) => this.column_types[i]!), this.rows.map((r) => makeRow(names, idx.map((i) => r[i]))), this.printer);
  }

  /** A table without the named columns. */
  exclude(keys: string | number | readonly (string | number)[]): AgateTable {
    const drop = new Set((Array.isArray(keys) ? keys : [keys]).map((k) => this.columnIndex(k as string | number)));
    return this.select(this.column_names.map((_, i) => i).filter((i) => !drop.has(i)));
  }

  /** Rows for which `test(row)` is truthy. */
  where(test: (row: AgateRow) => unknown): AgateTable {
    return this.withRows(this.rows.filter((r) => truthy(test(r))));
  }

  /** The first row for which `test(row)` is truthy, or none (agate's `find`, not JavaScript's). */
  override find(test: (row: AgateRow, index: number, rows: AgateRow[]) => unknown): AgateRow | undefined {
    return (this.rows.find((r, i) => truthy(test(r, i, this))) ?? null) as AgateRow | undefined;
  }

  /** `limit(n)` (or agate's `limit(start, end, step)` as a slice). */
  limit(startOrCount: number | null = null, end?: number | null, step?: number | null): AgateTable {
    const rows = end === undefined && step === undefined ? this.rows.slice(0, startOrCount ?? undefined) : this.rows.slice(startOrCount ?? 0, end ?? undefined).filter((_, i) => i % (step ?? 1) === 0);
    return this.withRows(rows);
  }

  /** Rows sorted by a column (name or position), a list of columns, or a function of the row. */
  order_by(key: string | number | readonly (string | number)[] | ((row: AgateRow) => unknown), reverse = false): AgateTable {
    const keyOf = typeof key === 'function' ? key : (r: AgateRow) => (Array.isArray(key) ? key.map((k) => r[this.columnIndex(k as string | number)]) : r[this.columnIndex(key as string | number)]);
    const sorted = [...this.rows].sort((a, b) => compareValues(keyOf(a), keyOf(b)));
    return this.withRows(reverse ? sorted.reverse() : sorted);
  }

  /** Rows with distinct values of `key` (a column, columns, or the whole row), first kept. */
  distinct(key?: string | number | readonly (string | number)[] | ((row: AgateRow) => unknown)): AgateTable {
    const keyOf = typeof key === 'function' ? key : key === undefined || key === null ? (r: AgateRow) => [...r] : (r: AgateRow) => (Array.isArray(key) ? key.map((k) => r[this.columnIndex(k as string | number)]) : r[this.columnIndex(key as string | number)]);
    const seen = new Set<string>();
    return this.withRows(this.rows.filter((r) => {
      const k = JSON.stringify(keyOf(r), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
      return !seen.has(k) && !!seen.add(k);
    }));
  }

  /** A table with columns renamed (a list of new names, or a mapping old → new). */
  rename(column_names?: readonly string[] | Readonly<Record<string, string>> | null): AgateTable {
    const kw = keywords(column_names) as readonly string[] | Readonly<Record<string, string>> | null | undefined;
    const names = !kw ? [...this.column_names] : Array.isArray(kw) ? [...kw] : this.column_names.map((n) => (kw as Record<string, string>)[n] ?? n);
    return AgateTable.fromRows(names, this.column_types, this.rows.map((r) => makeRow(names, [...r])), this.printer);
  }

  private withRows(rows: readonly AgateRow[]): AgateTable {
    return AgateTable.fromRows(this.column_names, this.column_types, [...rows], this.printer);
  }

  /** Prints the table as text (as agate does, to the output: bmp's log) and returns none. */
  print_table(max_rows: number | null = 20, max_columns: number | null = 6, _output?: unknown, max_column_width: number | null = 20): null {
    const kw = keywords(max_rows);
    if (kw && typeof kw === 'object') ({ max_rows = 20, max_columns = 6, max_column_width = 20 } = kw as Record<string, number | null>);
    this.printer?.(formatTable(this, max_rows, max_columns, max_column_width));
    return null;
  }

  print_csv(): null {
    const cell = (v: unknown) => {
      const s = v === null || v === undefined ? '' : String(v);
      return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    this.printer?.([this.column_names.map(cell).join(','), ...this.rows.map((r) => r.map(cell).join(','))].join('\n'));
    return null;
  }

  print_json(): null {
    this.printer?.(JSON.stringify(this.rows.map((r) => r.dict()), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    return null;
  }

  override toString(): string {
    return `<agate.table.Table object: ${this.rows.length} rows, columns ${this.column_names.join(', ')}>`;
  }
}

function makeRow(names: readonly string[], values: unknown[]): AgateRow {
  const row = values as AgateRow;
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (!RESERVED.has(n) && !/^\d+$/.test(n) && !Object.prototype.hasOwnProperty.call(row, n)) Object.defineProperty(row, n, { value: values[i], enumerable: false });
  }
  Object.defineProperties(row, {
    // agate's MappedSequence: keys(), values() and items() are tuples, as Python prints them
    keys: { value: () => tuple([...names]), enumerable: false },
    values: { value: () => tuple([...values]), enumerable: false },
    items: { value: () => tuple(names.map((n, i) => tuple([n, values[i]]))), enumerable: false },
    get: {
      value: (key: string | number, fallback: unknown = null) => {
        const i = typeof key === 'number' ? key : names.indexOf(key);
        return i >= 0 && i < values.length ? values[i] : fallback;
      },
      enumerable: false,
    },
    dict: { value: () => Object.fromEntries(names.map((n, i) => [n, values[i]])), enumerable: false },
  });
  return row;
}

function makeColumn(name: string, type: AgateType, index: number, values: unknown[]): AgateColumn {
  const col = values.slice() as AgateColumn;
  const present = () => values.filter((v) => v !== null && v !== undefined);
  Object.defineProperties(col, {
    name: { value: name, enumerable: false },
    data_type: { value: type, enumerable: false },
    index: { value: index, enumerable: false },
    // agate returns tuples: `where x in {{ col.values() }}` renders ('a', 'b')
    values: { value: () => tuple(values.slice()), enumerable: false },
    values_distinct: {
      // a float column's whole numbers are boxed (PyFloat): equal values are one, as in agate
      value: () => {
        const seen = new Set<unknown>();
        return tuple(
          values.filter((v) => {
            const k = v instanceof PyFloat ? v.value : v;
            return !seen.has(k) && !!seen.add(k);
          }),
        );
      },
      enumerable: false,
    },
    values_without_nulls: { value: () => tuple(present()), enumerable: false },
    values_sorted: { value: () => present().sort(compareValues), enumerable: false },
  });
  return col;
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return !!v;
}

/** Nulls first (as agate sorts), then numbers, strings and dates by their natural order. */
function compareValues(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length;
  }
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  const x = typeof a === 'object' ? Number(a.valueOf()) : a;
  const y = typeof b === 'object' ? Number(b.valueOf()) : b;
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

/** nunjucks passes keyword arguments as a trailing object marked `__keywords`. */
function keywords(v: unknown): Record<string, unknown> | unknown {
  if (v && typeof v === 'object' && '__keywords' in v) {
    const { __keywords: _, ...rest } = v as Record<string, unknown>;
    return rest;
  }
  return v;
}

function formatTable(t: AgateTable, maxRows: number | null, maxColumns: number | null, maxWidth: number | null): string {
  const cols = t.column_names.slice(0, maxColumns ?? undefined);
  const more = maxColumns !== null && t.column_names.length > maxColumns;
  const cut = (s: string) => (maxWidth !== null && s.length > maxWidth ? `${s.slice(0, Math.max(0, maxWidth - 3))}...` : s);
  const show = (v: unknown) => cut(v === null || v === undefined ? '' : String(v));
  const rows = t.rows.slice(0, maxRows ?? undefined).map((r) => [...cols.map((_, i) => show(r[i])), ...(more ? ['...'] : [])]);
  if (maxRows !== null && t.rows.length > maxRows) rows.push([...cols.map(() => '...'), ...(more ? ['...'] : [])]);
  const head = [...cols.map(cut), ...(more ? ['...'] : [])];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}
