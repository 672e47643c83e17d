/**
 * The `adapter` object of the template context: dbt's documented adapter methods over an injected
 * {@link TemplateDatabase}. Database calls go through the render's {@link CallReplay} (each runs
 * once, in order); while parsing, or where no database is open, reads answer none/[] and changes
 * do nothing, as dbt's parser does. `adapter.dispatch` is not built here: the caller supplies it.
 */
import { quoteIdent } from '../../adapters/duckdb/index.js';
import { CompileError } from '../../errors.js';
import { TemplateRelation } from '../../jinja/index.js';
import { AgateTable, type AgateType, type PrintSink } from './agate.js';
import { TemplateColumn, columnApi } from './column.js';
import type { DatabaseColumn, DatabaseRelation, TemplateDatabase } from './database.js';
import { kwargsOf } from './kwargs.js';
import type { CallReplay } from './replay.js';
import { AdapterResponse } from './statements.js';

export interface AdapterScope {
  /** False while parsing: nothing is read or changed. */
  readonly execute: boolean;
  readonly database?: TemplateDatabase;
  readonly replay?: CallReplay;
  /** The target's database name (relations default to it). */
  readonly defaultDatabase: string;
  readonly print?: PrintSink;
  /** `adapter.dispatch(name, macro_namespace)`, supplied by the macro layer. */
  readonly dispatch: (...args: unknown[]) => unknown;
  /** Engine values → template values, per agate type. */
  readonly convert?: (value: unknown, type: AgateType, engineType: string) => unknown;
}

/** A relation argument: a Relation, or anything with schema/identifier (a node dict, a dict). */
function partsOf(rel: unknown): { database?: string; schema: string; identifier: string; type?: 'table' | 'view' } {
  if (!rel || typeof rel !== 'object') throw new CompileError('BMP_ADAPTER_ARGUMENT', `expected a relation, got ${rel === null || rel === undefined ? 'none' : JSON.stringify(rel)}`);
  const r = rel as Record<string, unknown>;
  const schema = r['schema'];
  const identifier = r['identifier'] ?? r['alias'] ?? r['name'];
  if (typeof schema !== 'string' || typeof identifier !== 'string') throw new CompileError('BMP_ADAPTER_ARGUMENT', 'expected a relation (with a schema and an identifier)');
  const type = r['type'] === 'table' || r['type'] === 'view' ? r['type'] : undefined;
  return { database: typeof r['database'] === 'string' ? r['database'] : undefined, schema, identifier, type };
}

export function adapterObject(scope: AdapterScope): Record<string, unknown> {
  const live = scope.execute && !!scope.database;
  const db = scope.database;

  /** A database answer through the replay log (a promise suspends the render). */
  function ask<T>(key: string, run: () => T | Promise<T>): T {
    if (!scope.replay) {
      const out = run();
      if (out && typeof (out as { then?: unknown }).then === 'function') throw new CompileError('BMP_NO_DATABASE', 'this adapter method needs the database here');
      return out as T;
    }
    return scope.replay.call(key, run);
  }
  const relationOf = (r: DatabaseRelation) => new TemplateRelation(r.database, r.schema, r.identifier, r.kind);
  const columnsOf = (cols: readonly DatabaseColumn[]) => cols.map((c) => TemplateColumn.from_description(c.name, c.type));
  const change = (key: string, run: () => Promise<void>) => {
    if (live) ask(key, run);
    return '';
  };

  /** A relation in another (attached) database than the target's: read from DuckDB, with its columns. */
  const elsewhere = (database: unknown): database is string => typeof database === 'string' && !!database && database.toLowerCase() !== scope.defaultDatabase.toLowerCase();
  const attached = (database: string, schema: string, identifier: string) => ask(`attached\u0000${database}\u0000${schema}\u0000${identifier}`, () => db!.attachedRelation(database, schema, identifier));
  const getRelation = (...args: unknown[]): TemplateRelation | null => {
    const kw = kwargsOf(args, ['database', 'schema', 'identifier']);
    if (!live || kw['schema'] === undefined || kw['identifier'] === undefined) return null;
    if (elsewhere(kw['database'])) {
      const r = attached(kw['database'], String(kw['schema']), String(kw['identifier']));
      return r ? new TemplateRelation(r.database, r.schema, r.identifier, r.kind, undefined, { include: { database: true } }) : null;
    }
    const found = ask(`relation\u0000${kw['schema']}\u0000${kw['identifier']}`, () => db!.relation(String(kw['schema']), String(kw['identifier'])));
    return found ? relationOf(found) : null;
  };
  const columnsIn = (schema: string, identifier: string): TemplateColumn[] => {
    if (!live) return [];
    return columnsOf(ask(`columns\u0000${schema}\u0000${identifier}`, () => db!.columns(schema, identifier)));
  };
  const getColumns = (rel: unknown): TemplateColumn[] => {
    if (!live) return [];
    if (rel instanceof TemplateRelation && rel.type === 'cte') return [];
    const p = partsOf(rel);
    if (elsewhere(p.database)) return columnsOf((attached(p.database, p.schema, p.identifier) as { columns?: DatabaseColumn[] } | undefined)?.columns ?? []);
    return columnsIn(p.schema, p.identifier);
  };

  return {
    type: () => db?.type ?? 'duckdb',
    dispatch: scope.dispatch,
    Relation: relationApi(scope.defaultDatabase),
    Column: columnApi(),
    get_relation: getRelation,
    load_relation: (rel: unknown) => (live ? getRelation({ ...partsOf(rel), __keywords: true }) : null),
    get_columns_in_relation: getColumns,
    get_columns_in_table: (schema: string, identifier: string) => columnsIn(String(schema), String(identifier)),
    /** Columns of `from` that `to` lacks (by name, case-insensitive). */
    get_missing_columns: (...args: unknown[]) => {
      const kw = kwargsOf(args, ['from_relation', 'to_relation']);
      const from = getColumns(kw['from_relation']);
      const to = new Set(getColumns(kw['to_relation']).map((c) => c.name.toLowerCase()));
      return from.filter((c) => !to.has(c.name.toLowerCase()));
    },
    /**
     * Widens string columns of `to` that are narrower than in `from`. DuckDB's VARCHAR has no
     * length, so no column ever needs widening: it reads both relations and changes nothing.
     */
    expand_target_column_types: (...args: unknown[]) => {
      const kw = kwargsOf(args, ['from_relation', 'to_relation']);
      const goal = getColumns(kw['from_relation']);
      const current = new Map(getColumns(kw['to_relation']).map((c) => [c.name.toLowerCase(), c]));
      for (const g of goal) {
        const c = current.get(g.name.toLowerCase());
        if (c && c.can_expand_to(g) && c.dtype.toLowerCase() !== 'varchar') throw new CompileError('BMP_NOT_IMPLEMENTED', `column '${c.name}' would need widening to ${g.data_type}`);
      }
      return '';
    },
    list_relations_without_caching: (schemaRelation: unknown) => {
      if (!live) return [];
      const p = schemaRelation && typeof schemaRelation === 'object' ? (schemaRelation as { schema?: unknown }).schema : schemaRelation;
      const schema = String(p ?? '');
      return ask(`relations\u0000${schema}`, () => db!.relations(schema)).map(relationOf);
    },
    list_schemas: () => (live ? [...ask('schemas', () => db!.schemas())] : []),
    check_schema_exists: (...args: unknown[]) => {
      const kw = kwargsOf(args, ['database', 'schema']);
      if (!live) return false;
      const want = String(kw['schema']).toLowerCase();
      return ask('schemas', () => db!.schemas()).some((s) => s.toLowerCase() === want);
    },
    /** Deprecated in dbt: whether `schema.identifier` exists. */
    already_exists: (schema: string, identifier: string) => getRelation({ schema, identifier, __keywords: true }) !== null,
    create_schema: (rel: unknown) => {
      const p = partsOf({ identifier: '', ...(rel as object) });
      return change(`create schema\u0000${p.schema}`, () => db!.createSchema(p.schema));
    },
    drop_schema: (rel: unknown) => {
      const p = partsOf({ identifier: '', ...(rel as object) });
      return change(`drop schema\u0000${p.schema}`, () => db!.dropSchema(p.schema));
    },
    drop_relation: (rel: unknown) => {
      const p = partsOf(rel);
      return change(`drop\u0000${p.schema}\u0000${p.identifier}`, () => db!.dropRelation(p.schema, p.identifier, p.type));
    },
    rename_relation: (...args: unknown[]) => {
      const kw = kwargsOf(args, ['from_relation', 'to_relation']);
      const from = partsOf(kw['from_relation']);
      const to = partsOf(kw['to_relation']);
      if (to.schema.toLowerCase() !== from.schema.toLowerCase()) throw new CompileError('BMP_NOT_IMPLEMENTED', `rename_relation: DuckDB renames within a schema (${from.schema} → ${to.schema})`);
      return change(`rename\u0000${from.schema}\u0000${from.identifier}\u0000${to.identifier}`, () => db!.renameRelation(from.schema, from.identifier, from.type, to.identifier));
    },
    truncate_relation: (rel: unknown) => {
      const p = partsOf(rel);
      return change(`truncate\u0000${p.schema}\u0000${p.identifier}`, () => db!.truncateRelation(p.schema, p.identifier));
    },
    /** `(response, table)`, as dbt's adapter.execute returns them. */
    execute: (...args: unknown[]) => {
      const kw = kwargsOf(args, ['sql', 'auto_begin', 'fetch', 'limit']);
      if (!live) return [new AdapterResponse(''), AgateTable.empty(scope.print)];
      const sql = String(kw['sql']);
      const r = ask(`sql\u0000${sql}`, () => db!.execute(sql));
      const rows = r.returnsRows ? r.rows.length : r.rowsChanged;
      const table = kw['fetch'] && r.returnsRows ? AgateTable.fromResult(r.columns, kw['limit'] ? r.rows.slice(0, Number(kw['limit'])) : r.rows, scope.print, scope.convert) : AgateTable.empty(scope.print);
      return [new AdapterResponse(r.statementType === 'SELECT' ? 'OK' : `${r.statementType} ${rows}`, r.statementType, rows), table];
    },
    get_column_schema_from_query: (sql: string) => {
      if (!live) return [];
      const q = String(sql);
      return columnsOf(ask(`describe\u0000${q}`, () => db!.queryColumns(q)));
    },
    quote: (identifier: unknown) => quoteIdent(String(identifier)),
    /** bmp quotes every part of a relation (DuckDB's default quote policy in dbt-duckdb). */
    quote_as_configured: (identifier: unknown) => quoteIdent(String(identifier)),
    quote_seed_column: (column: unknown, quoteConfig?: unknown) => (quoteConfig === false ? String(column) : quoteIdent(String(column))),
    // relation-cache bookkeeping dbt macros call; bmp's catalog follows changes itself
    cache_added: () => '',
    cache_dropped: () => '',
    cache_renamed: () => '',
    commit: () => '',
    begin: () => '',
  };
}

/** `api.Relation`: `create(database=, schema=, identifier=, type=)` and the relation type names. */
export function relationApi(defaultDatabase: string): Record<string, unknown> {
  return {
    create: (...args: unknown[]) => {
      const kw = kwargsOf(args, ['database', 'schema', 'identifier', 'type']);
      const include = kw['include_policy'] as Record<string, boolean> | undefined;
      const quote = kw['quote_policy'] as Record<string, boolean> | undefined;
      const type = kw['type'] === null || kw['type'] === undefined ? undefined : (String(kw['type']) as TemplateRelation['type']);
      const database = String(kw['database'] ?? defaultDatabase);
      // another (attached) database renders with its name, as dbt-duckdb's three-part names do
      const elsewhere = database.toLowerCase() !== defaultDatabase.toLowerCase() && include?.['database'] === undefined;
      return new TemplateRelation(database, String(kw['schema'] ?? ''), String(kw['identifier'] ?? ''), type, undefined, { include: elsewhere ? { ...include, database: true } : include, quote });
    },
    Table: 'table',
    View: 'view',
    CTE: 'cte',
    External: 'external',
    MaterializedView: 'materialized_view',
  };
}
