import { quoteIdent } from '../adapters/duckdb/index.js';
import type { Relation } from '../manifest/types.js';

/**
 * What `ref()`, `source()` and `this` return in templates: renders as `"schema"."identifier"` and
 * exposes dbt's attributes (`.schema`, `.identifier`, `.name`, `.database`, `.is_table`, ...).
 */
export class TemplateRelation {
  readonly name: string;
  readonly table: string;
  constructor(
    readonly database: string,
    readonly schema: string,
    readonly identifier: string,
    readonly type: 'table' | 'view' | 'cte' | 'external' | undefined = undefined,
    /** For file-backed sources: the SQL that reads them (`read_parquet('...')`). */
    readonly rendered?: string,
  ) {
    this.name = identifier;
    this.table = identifier;
  }

  static of(rel: Relation, type?: TemplateRelation['type']): TemplateRelation {
    return new TemplateRelation(rel.database, rel.schema, rel.identifier, type);
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

  toString(): string {
    if (this.rendered) return this.rendered;
    if (this.type === 'cte') return quoteIdent(this.identifier);
    return `${quoteIdent(this.schema)}.${quoteIdent(this.identifier)}`;
  }

  render(): string {
    return this.toString();
  }

  /** dbt's `relation.include(database=False)`: bmp never renders the database, so this is itself. */
  include(): TemplateRelation {
    return this;
  }

  incorporate(opts?: { path?: { identifier?: string; schema?: string }; type?: TemplateRelation['type'] }): TemplateRelation {
    const kw = stripKeywords(opts);
    return new TemplateRelation(this.database, kw?.path?.schema ?? this.schema, kw?.path?.identifier ?? this.identifier, kw?.type ?? this.type);
  }
}

export function stripKeywords<T>(obj: T): T {
  if (obj && typeof obj === 'object' && '__keywords' in obj) {
    const { __keywords: _, ...rest } = obj as Record<string, unknown>;
    return rest as T;
  }
  return obj;
}
