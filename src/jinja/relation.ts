import { quoteIdent } from '../adapters/duckdb/index.js';
import type { Relation } from '../manifest/types.js';
import { MAPPING } from './python/value.js';

export type RelationType = 'table' | 'view' | 'cte' | 'external' | 'materialized_view';

/** Which parts of a relation render (dbt's include policy) or are quoted (its quote policy). */
export interface RelationPolicy {
  readonly database: boolean;
  readonly schema: boolean;
  readonly identifier: boolean;
}

/** bmp renders `"schema"."identifier"`: DuckDB's default catalog is the target's database. */
const DEFAULT_INCLUDE: RelationPolicy = Object.freeze({ database: false, schema: true, identifier: true });
const DEFAULT_QUOTE: RelationPolicy = Object.freeze({ database: true, schema: true, identifier: true });

export interface RelationOptions {
  readonly include?: Partial<RelationPolicy>;
  readonly quote?: Partial<RelationPolicy>;
}

/**
 * What `ref()`, `source()`, `this`, `adapter.get_relation()` and `api.Relation.create()` return in
 * templates: dbt's Relation. Renders as `"schema"."identifier"` and has dbt's attributes and
 * methods (`.database`, `.schema`, `.identifier`, `.name`, `.type`, `.is_table`, `.path`,
 * `include()`, `quote()`, `incorporate()`, `render()`, `without_identifier()`, ...).
 */
export class TemplateRelation {
  readonly name: string;
  readonly table: string;
  readonly include_policy: RelationPolicy;
  readonly quote_policy: RelationPolicy;
  readonly quote_character = '"';
  /** dbt's Relation is a Mapping of its fields (`relation is mapping`, `relation.get('metadata')`). */
  readonly [MAPPING] = true;

  constructor(
    readonly database: string,
    readonly schema: string,
    readonly identifier: string,
    readonly type: RelationType | undefined = undefined,
    /** For file-backed sources and filtered inputs: the SQL that reads them (`read_parquet('...')`). */
    readonly rendered?: string,
    opts: RelationOptions = {},
  ) {
    this.name = identifier;
    this.table = identifier;
    this.include_policy = opts.include ? Object.freeze({ ...DEFAULT_INCLUDE, ...opts.include }) : DEFAULT_INCLUDE;
    this.quote_policy = opts.quote ? Object.freeze({ ...DEFAULT_QUOTE, ...opts.quote }) : DEFAULT_QUOTE;
  }

  static of(rel: Relation, type?: RelationType): TemplateRelation {
    return new TemplateRelation(rel.database, rel.schema, rel.identifier, type, undefined, rel.attached ? { include: { database: true } } : {});
  }

  get is_table(): boolean {
    return this.type === 'table';
  }
  get is_view(): boolean {
    return this.type === 'view';
  }
  get is_cte(): boolean {
    return this.type === 'cte';
  }
  get is_materialized_view(): boolean {
    return this.type === 'materialized_view';
  }
  /** `{database, schema, identifier}`. */
  get path(): Readonly<Record<'database' | 'schema' | 'identifier', string>> {
    return { database: this.database, schema: this.schema, identifier: this.identifier };
  }

  /** The class name packages check for (`relation.get('metadata').get('type').endswith('Relation')`). */
  get metadata(): Readonly<Record<'type', string>> {
    return { type: 'DuckDBRelation' };
  }

  /** The Mapping view of the relation: its fields, as `relation['schema']` reads them. */
  keys(): string[] {
    return [...RELATION_FIELDS];
  }
  items(): Array<[string, unknown]> {
    return RELATION_FIELDS.map((k) => [k, this[k]]);
  }
  get(...args: unknown[]): unknown {
    const kw = keywordArgs(args, ['key', 'default']);
    const key = String(kw['key']);
    return (RELATION_FIELDS as readonly string[]).includes(key) ? this[key as (typeof RELATION_FIELDS)[number]] : (kw['default'] ?? null);
  }

  /** Python `==` (dbt's Relation compares its fields): the same path, type and rendering. */
  __eq__(other: unknown): boolean {
    return other instanceof TemplateRelation && other.database === this.database && other.schema === this.schema && other.identifier === this.identifier && other.type === this.type && other.render() === this.render();
  }

  toString(): string {
    return this.render();
  }

  render(): string {
    if (this.rendered) return this.rendered;
    if (this.type === 'cte') return this.part('identifier', this.identifier);
    const parts: string[] = [];
    if (this.include_policy.database && this.database) parts.push(this.part('database', this.database));
    if (this.include_policy.schema && this.schema) parts.push(this.part('schema', this.schema));
    if (this.include_policy.identifier && this.identifier) parts.push(this.part('identifier', this.identifier));
    return parts.join('.');
  }

  private part(key: keyof RelationPolicy, value: string): string {
    return this.quote_policy[key] ? quoteIdent(value) : value;
  }

  /** dbt's `relation.include(database=..., schema=..., identifier=...)`: which parts render. */
  include(...args: unknown[]): TemplateRelation {
    return this.with({ include: { ...this.include_policy, ...policyArgs(args) } });
  }

  /** dbt's `relation.quote(...)`: which parts are quoted. */
  quote(...args: unknown[]): TemplateRelation {
    return this.with({ quote: { ...this.quote_policy, ...policyArgs(args) } });
  }

  /** The relation without its identifier (renders the schema): dbt's schema relations. */
  without_identifier(): TemplateRelation {
    return this.with({ include: { ...this.include_policy, identifier: false } });
  }

  /** A copy with a new path and/or type: `incorporate(path={'identifier': 'x'}, type='table')`. */
  incorporate(...args: unknown[]): TemplateRelation {
    const kw = keywordArgs(args, ['path', 'type']);
    const path = (kw['path'] ?? {}) as Partial<Record<'database' | 'schema' | 'identifier', string>>;
    const type = (kw['type'] as RelationType | undefined) ?? this.type;
    return new TemplateRelation(path.database ?? this.database, path.schema ?? this.schema, path.identifier ?? this.identifier, type, undefined, { include: this.include_policy, quote: this.quote_policy });
  }

  /** A copy with some of database/schema/identifier replaced. */
  replace_path(...args: unknown[]): TemplateRelation {
    const kw = keywordArgs(args, ['database', 'schema', 'identifier']);
    return this.incorporate({ path: kw, __keywords: true });
  }

  /** Whether the relation has these parts (case-insensitive, as DuckDB compares identifiers). */
  matches(...args: unknown[]): boolean {
    const kw = keywordArgs(args, ['database', 'schema', 'identifier']);
    const same = (a: unknown, b: string) => a === undefined || a === null || String(a).toLowerCase() === b.toLowerCase();
    return same(kw['database'], this.database) && same(kw['schema'], this.schema) && same(kw['identifier'], this.identifier);
  }

  /** `information_schema.<view>` of the relation's database. */
  information_schema(view?: string): TemplateRelation {
    return new TemplateRelation(this.database, 'information_schema', view ?? '', 'view', undefined, { include: { database: false, schema: true, identifier: !!view } });
  }

  private with(opts: RelationOptions): TemplateRelation {
    return new TemplateRelation(this.database, this.schema, this.identifier, this.type, this.rendered, { include: opts.include ?? this.include_policy, quote: opts.quote ?? this.quote_policy });
  }
}

/** The fields of dbt's Relation as a Mapping (what `keys()`/`get()` answer). */
const RELATION_FIELDS = ['path', 'type', 'quote_character', 'include_policy', 'quote_policy', 'metadata', 'database', 'schema', 'identifier'] as const;

/** `include(database=False)` / `include(False, True, True)` → the parts given. */
function policyArgs(args: unknown[]): Partial<RelationPolicy> {
  const kw = keywordArgs(args, ['database', 'schema', 'identifier']);
  const out: Partial<Record<keyof RelationPolicy, boolean>> = {};
  for (const k of ['database', 'schema', 'identifier'] as const) if (kw[k] !== undefined && kw[k] !== null) out[k] = !!kw[k];
  return out;
}

/** Binds positional and keyword (nunjucks' trailing `__keywords` object) arguments to names. */
function keywordArgs(args: unknown[], names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let positional = args;
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && '__keywords' in last) {
    positional = args.slice(0, -1);
    Object.assign(out, stripKeywords(last as Record<string, unknown>));
  }
  positional.forEach((v, i) => {
    if (i < names.length && v !== undefined) out[names[i]!] ??= v;
  });
  return out;
}

export function stripKeywords<T>(obj: T): T {
  if (obj && typeof obj === 'object' && '__keywords' in obj) {
    const { __keywords: _, ...rest } = obj as Record<string, unknown>;
    return rest as T;
  }
  return obj;
}
