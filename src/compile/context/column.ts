/**
 * dbt's Column (`api.Column`, and what `adapter.get_columns_in_relation` returns), with the
 * behaviour its documentation and dbt-duckdb give it: `name`, `column`, `dtype`, `data_type`
 * (string types as `character varying(n)`, numerics with their precision), `quoted`, `char_size`,
 * `numeric_precision`, `numeric_scale`, the `is_*` tests, `string_size()`, `can_expand_to()`,
 * `literal()`, and the class methods `create`, `translate_type`, `string_type`, `numeric_type`,
 * `from_description`.
 */
import { quoteIdent } from '../../adapters/duckdb/index.js';
import { CompileError } from '../../errors.js';
import { kwargsOf } from './kwargs.js';

const STRING_TYPES = ['text', 'character varying', 'character', 'varchar'];
const FLOAT_TYPES = ['real', 'float', 'float4', 'float8', 'double', 'double precision'];
// dbt-duckdb's list: signed and unsigned integer types and their aliases
const INTEGER_TYPES = ['tinyint', 'smallint', 'integer', 'bigint', 'hugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'uhugeint', 'int1', 'int2', 'int4', 'int8', 'short', 'int', 'signed', 'long', 'smallserial', 'serial', 'bigserial'];
const NUMERIC_TYPES = ['numeric', 'decimal'];
const TYPE_LABELS: Readonly<Record<string, string>> = { STRING: 'TEXT' };

export class TemplateColumn {
  readonly column: string;
  readonly dtype: string;
  readonly char_size: number | null;
  readonly numeric_precision: number | null;
  readonly numeric_scale: number | null;

  constructor(...args: unknown[]) {
    const kw = kwargsOf(args, ['column', 'dtype', 'char_size', 'numeric_precision', 'numeric_scale']);
    this.column = String(kw['column'] ?? kw['name'] ?? '');
    this.dtype = String(kw['dtype'] ?? kw['data_type'] ?? '');
    this.char_size = (kw['char_size'] as number | null | undefined) ?? null;
    this.numeric_precision = (kw['numeric_precision'] as number | null | undefined) ?? null;
    this.numeric_scale = (kw['numeric_scale'] as number | null | undefined) ?? null;
  }

  /** `Column.translate_type('string')` → `TEXT`; other types come back as given. */
  static translate_type(dtype: string): string {
    return TYPE_LABELS[String(dtype).toUpperCase()] ?? String(dtype);
  }

  static create(...args: unknown[]): TemplateColumn {
    const kw = kwargsOf(args, ['name', 'label_or_dtype']);
    return new TemplateColumn(kw['name'], TemplateColumn.translate_type(String(kw['label_or_dtype'] ?? '')));
  }

  static string_type(size: number): string {
    return `character varying(${size})`;
  }

  static numeric_type(dtype: string, precision: unknown, scale: unknown): string {
    return precision === null || precision === undefined || scale === null || scale === undefined ? String(dtype) : `${dtype}(${precision},${scale})`;
  }

  /** A column from a name and the type the engine reports (`DECIMAL(18,3)` → precision 18, scale 3). */
  static from_description(name: string, rawType: string): TemplateColumn {
    const raw = String(rawType);
    const m = /^([^(]+)(?:\(([^)]*)\))?$/.exec(raw.trim());
    if (!m) return new TemplateColumn(name, raw);
    const sizes = m[2]?.split(',').map((s) => s.trim());
    if (!sizes || !sizes.every((s) => /^\d+$/.test(s))) return new TemplateColumn(name, raw);
    if (sizes.length === 1) return new TemplateColumn(name, m[1]!.trim(), Number(sizes[0]));
    if (sizes.length === 2) return new TemplateColumn(name, m[1]!.trim(), null, Number(sizes[0]), Number(sizes[1]));
    return new TemplateColumn(name, raw);
  }

  get name(): string {
    return this.column;
  }

  get quoted(): string {
    return quoteIdent(this.column);
  }

  /** The type with its size or precision, as DDL needs it. */
  get data_type(): string {
    if (this.is_string()) return TemplateColumn.string_type(this.string_size());
    if (this.is_numeric()) return TemplateColumn.numeric_type(this.dtype, this.numeric_precision, this.numeric_scale);
    return this.dtype;
  }

  get expanded_data_type(): string {
    return this.data_type;
  }

  is_string(): boolean {
    return STRING_TYPES.includes(this.dtype.toLowerCase());
  }
  is_float(): boolean {
    return FLOAT_TYPES.includes(this.dtype.toLowerCase());
  }
  is_integer(): boolean {
    return INTEGER_TYPES.includes(this.dtype.toLowerCase());
  }
  is_numeric(): boolean {
    return NUMERIC_TYPES.includes(this.dtype.toLowerCase());
  }
  is_number(): boolean {
    return this.is_integer() || this.is_numeric() || this.is_float();
  }
  is_struct(): boolean {
    return this.dtype.toLowerCase().startsWith('struct');
  }

  /** @throws CompileError on a column that is not a string. */
  string_size(): number {
    if (!this.is_string()) throw new CompileError('BMP_COLUMN_NOT_STRING', `string_size() called on column '${this.column}' of type ${this.dtype}`);
    return this.dtype.toLowerCase() === 'text' || this.char_size === null ? 256 : Number(this.char_size);
  }

  /** Whether this string column can grow to hold the other's values. */
  can_expand_to(other: TemplateColumn): boolean {
    return this.is_string() && other instanceof TemplateColumn && other.is_string() && other.string_size() > this.string_size();
  }

  literal(value: unknown): string {
    return `${String(value)}::${this.data_type}`;
  }

  toString(): string {
    return `<Column ${this.column} (${this.data_type})>`;
  }
}

/** `api.Column`: callable like the class (`api.Column('x', 'integer')`), with its class methods. */
export function columnApi() {
  return Object.assign((...a: unknown[]) => new TemplateColumn(...a), {
    create: (...a: unknown[]) => TemplateColumn.create(...a),
    translate_type: (t: string) => TemplateColumn.translate_type(t),
    string_type: (n: number) => TemplateColumn.string_type(n),
    numeric_type: (d: string, p: unknown, s: unknown) => TemplateColumn.numeric_type(d, p, s),
    from_description: (n: string, t: string) => TemplateColumn.from_description(n, t),
    TYPE_LABELS,
  });
}
