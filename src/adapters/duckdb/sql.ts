/**
 * Pure SQL builders for DuckDB. Identifiers only go through {@link quoteIdent}; data never goes into
 * statement text (callers bind values). Materializations compose these into statement lists.
 */
import type { Relation } from '../../manifest/types.js';
import type { RelationKind } from '../engine.js';

export type { RelationKind };

/** Quote an identifier: `my "col"` → `"my ""col"""`. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal, for the few places DuckDB takes no parameter (e.g. file paths in COPY). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `"schema"."name"` (the database is the attached default, so it is left out unless asked). */
export function relationSql(rel: Relation, withDatabase = false): string {
  // no intermediate array: this runs for every ref() a template renders
  const name = `${quoteIdent(rel.schema)}.${quoteIdent(rel.identifier)}`;
  return withDatabase || rel.attached ? `${quoteIdent(rel.database)}.${name}` : name;
}


/**
 * DuckDB's own name of each type a model contract declares (`int` -> INTEGER, `text` -> VARCHAR):
 * one row, column `t<i>` per type. A type DuckDB does not know fails the query.
 */
export function contractTypesSql(types: readonly string[]): string {
  return `select ${types.map((t, i) => `typeof(cast(null as ${t})) as t${i}`).join(', ')}`;
}

/**
 * A statement that raises `prefix` and the differences when the columns `rel` was built with are not
 * the declared ones (names case-insensitively, base types without size or precision); nothing when
 * they are. Run inside the node's transaction (the relation is not committed yet).
 */
export function contractColumnsCheckSql(rel: Relation, declared: readonly { readonly name: string; readonly type: string }[], prefix: string): string {
  const base = (x: string) => `upper(trim(regexp_replace(${x}, '\\(.*\\)$', '')))`;
  const values = declared.map((c) => `(${quoteLiteral(c.name)}, ${quoteLiteral(c.type)})`).join(', ');
  const d = `(values ${values}) as d(name, type)`;
  const a = `(select column_name as name, data_type as type from duckdb_columns() where schema_name = ${quoteLiteral(rel.schema)} and table_name = ${quoteLiteral(rel.identifier)}) as a`;
  const problems = [
    `select d.name || ': in the contract (' || d.type || '), missing from the SQL' as problem from ${d} left join ${a} on lower(a.name) = lower(d.name) where a.name is null`,
    `select d.name || ': the SQL gives ' || a.type || ', the contract says ' || d.type from ${d} join ${a} on lower(a.name) = lower(d.name) where ${base('a.type')} <> ${base('d.type')}`,
    `select a.name || ': in the SQL (' || a.type || '), missing from the contract' from ${a} left join ${d} on lower(a.name) = lower(d.name) where d.name is null`,
  ].join(' union all ');
  return `select error(${quoteLiteral(prefix)} || string_agg(problem, '; ' order by problem)) from (${problems}) having count(*) > 0`;
}

/**
 * A statement that raises `message` when `rel` holds a row breaking a constraint (`bad`: the
 * condition of a breaking row); nothing when none does. Run inside the node's transaction, so a
 * violation rolls the build back.
 */
export function constraintCheckSql(rel: Relation, bad: string, message: string): string {
  return `select error(${quoteLiteral(message)}) from (select 1 from ${relationSql(rel)} where ${bad} limit 1)`;
}

/** The same for a `unique` constraint: two rows with the same non-NULL values of `columns`. */
export function uniqueCheckSql(rel: Relation, columns: readonly string[], message: string): string {
  const cols = columns.map(quoteIdent).join(', ');
  return `select error(${quoteLiteral(message)}) from (select 1 from ${relationSql(rel)} where ${columns.map((c) => `${quoteIdent(c)} is not null`).join(' and ')} group by ${cols} having count(*) > 1 limit 1)`;
}

/** Attaches another database for the session: `attach if not exists 'x.duckdb' as "x" (read_only)`. */
export function attachSql(db: { readonly path: string; readonly alias: string; readonly type?: string; readonly readOnly?: boolean }): string {
  const options = [...(db.type ? [`type ${quoteIdent(db.type)}`] : []), ...(db.readOnly ? ['read_only'] : [])];
  return `attach if not exists ${quoteLiteral(db.path)} as ${quoteIdent(db.alias)}${options.length ? ` (${options.join(', ')})` : ''}`;
}

/** Loads an extension (`load "httpfs"`); {@link installExtensionSql} first when it is not installed. */
export function loadExtensionSql(name: string): string {
  return `load ${quoteIdent(name)}`;
}

export function installExtensionSql(name: string): string {
  return `install ${quoteIdent(name)}`;
}

export function createSchema(schema: string): string {
  return `create schema if not exists ${quoteIdent(schema)}`;
}

export function createTableAs(rel: Relation, selectSql: string, opts: { replace?: boolean; temp?: boolean } = {}): string {
  const replace = opts.replace ?? true;
  return `create ${replace ? 'or replace ' : ''}${opts.temp ? 'temp ' : ''}table ${opts.temp ? quoteIdent(rel.identifier) : relationSql(rel)} as (\n${selectSql}\n)`;
}

export function createViewAs(rel: Relation, selectSql: string): string {
  return `create or replace view ${relationSql(rel)} as (\n${selectSql}\n)`;
}

export function dropRelation(rel: Relation, kind: RelationKind): string {
  return `drop ${kind} if exists ${relationSql(rel)}`;
}

/**
 * Inserts the named columns of a query's rows (a subquery, so the query may end in a comment).
 * A single INSERT reads the table as it was before the statement, so a query that looks at the
 * target (`where seq > (select max(seq) from target)`) sees none of the rows it adds.
 *
 * ### Example
 * ```sql
 * insert into "main"."events" ("id", "ts")
 * select "id", "ts" from (
 * select * from raw.events where seq > 10
 * ) as __bmp_src
 * ```
 */
export function insertInto(target: Relation, columns: readonly string[], selectSql: string): string {
  const cols = columns.map(quoteIdent).join(', ');
  return `insert into ${relationSql(target)} (${cols})\nselect ${cols} from (\n${selectSql}\n) as __bmp_src`;
}

/** A wrapper for the optional `where` of statement builders: `a and b`. */
export function andAll(predicates: readonly string[]): string {
  return predicates.length ? predicates.map((p) => `(${p})`).join(' and ') : 'true';
}

/**
 * ### Example
 * ```sql
 * create unique index if not exists "memories__id__uniq__idx" on "main"."memories" ("id")
 * ```
 */
export function createIndex(rel: Relation, name: string, columns: readonly string[], unique: boolean, ifNotExists = false): string {
  return `create ${unique ? 'unique ' : ''}index ${ifNotExists ? 'if not exists ' : ''}${quoteIdent(name)} on ${relationSql(rel)} (${columns.map(quoteIdent).join(', ')})`;
}

export function beginTransaction(): string {
  return 'begin transaction';
}
export function commit(): string {
  return 'commit';
}
export function rollback(): string {
  return 'rollback';
}

/** `alter table "s"."t" add column "c" TYPE` */
export function addColumn(rel: Relation, column: string, type: string): string {
  return `alter table ${relationSql(rel)} add column ${quoteIdent(column)} ${type}`;
}

/** `alter table "s"."t" drop column "c"` */
export function dropColumn(rel: Relation, column: string): string {
  return `alter table ${relationSql(rel)} drop column ${quoteIdent(column)}`;
}

/** `alter table "s"."t" alter column "c" type TYPE` */
export function alterColumnType(rel: Relation, column: string, type: string): string {
  return `alter table ${relationSql(rel)} alter column ${quoteIdent(column)} type ${type}`;
}

/**
 * An index created again from the key list DuckDB reports for it (`("a", lower(b))`), kept if it exists.
 *
 * ### Example
 * ```sql
 * create unique index if not exists "t__id__uniq__idx" on "main"."t" ("id")
 * ```
 */
export function recreateIndex(rel: Relation, name: string, unique: boolean, keyList: string): string {
  return `create ${unique ? 'unique ' : ''}index if not exists ${quoteIdent(name)} on ${relationSql(rel)} ${keyList}`;
}

/** `drop index if exists "schema"."name"` (an index lives in its table's schema). */
export function dropIndex(schema: string, name: string): string {
  return `drop index if exists ${quoteIdent(schema)}.${quoteIdent(name)}`;
}

export function dropSchema(schema: string): string {
  return `drop schema if exists ${quoteIdent(schema)} cascade`;
}

export function renameRelation(rel: Relation, kind: RelationKind, newIdentifier: string): string {
  return `alter ${kind} ${relationSql(rel)} rename to ${quoteIdent(newIdentifier)}`;
}

export function truncateTable(rel: Relation): string {
  return `truncate ${relationSql(rel)}`;
}

/** The columns a query returns, without running it (`column_name`, `column_type`). */
export function describeQuery(selectSql: string): string {
  const body = selectSql.trim().replace(/;\s*$/, '');
  return `describe (\n${body}\n)`;
}

/**
 * A source's freshness: the newest `loaded_at_field` value and the time now, both also as epoch
 * seconds (a naive TIMESTAMP counts as UTC, as dbt reads it). The field and the filter are SQL the
 * user wrote in the source's properties, as in dbt.
 *
 * ### Example
 * ```sql
 * select epoch(max(_loaded_at)) as max_loaded_epoch, epoch(now()) as now_epoch, count(_loaded_at) as loaded
 * from "raw"."orders" where _loaded_at > now() - interval 30 day
 * ```
 */
export function freshnessSql(from: string, loadedAtField: string, filter?: string): string {
  return `select epoch(max(${loadedAtField})) as max_loaded_epoch, epoch(now()) as now_epoch, count(${loadedAtField}) as loaded\nfrom ${from}${filter ? `\nwhere ${filter}` : ''}`;
}

/**
 * `bmp clone`: a view in this target over a relation of another run (DuckDB has no zero-copy table
 * clone across schemas or files, so the clone reads the original, as dbt's fallback does).
 *
 * ### Example
 * ```sql
 * create or replace view "dev"."orders" as select * from "prod"."orders"
 * ```
 */
export function cloneAsView(target: Relation, from: string): string {
  return `create or replace view ${relationSql(target)} as select * from ${from}`;
}
