/**
 * The indexes a table has, as DuckDB reports them: enough to drop one, check its keys and create it
 * again exactly as it was.
 */
import { dropIndex, quoteIdent, recreateIndex, type Connection } from '../adapters/duckdb/index.js';
import type { Relation } from '../manifest/types.js';

/** An index as it exists on a table. */
export interface TableIndex {
  readonly name: string;
  readonly unique: boolean;
  /** Lower-case column names, unquoted (an expression key gives its text). */
  readonly columns: readonly string[];
  /** Each key as SQL (`"my code"`, or the expression), for checking the keys' uniqueness. */
  readonly keySql: readonly string[];
  /** The statement that recreates it, schema-qualified (`if not exists`). */
  readonly createSql: string;
  readonly dropSql: string;
}

/** The indexes on a table, read from duckdb_indexes(). */
export async function tableIndexes(conn: Connection, rel: Relation): Promise<TableIndex[]> {
  const rows = await conn.rows<{ index_name: string; is_unique: boolean; sql: string | null }>(
    `select index_name, is_unique, sql from duckdb_indexes() where lower(schema_name) = lower($1) and lower(table_name) = lower($2) order by index_name`,
    [rel.schema, rel.identifier],
  );
  return rows.flatMap((r) => {
    const list = indexKeyList(r.sql ?? '');
    if (!list) return [];
    const keys = splitKeys(list.slice(1, -1));
    return [{
      name: r.index_name,
      unique: !!r.is_unique,
      columns: keys.map((k) => (k.column ?? k.sql).toLowerCase()),
      keySql: keys.map((k) => k.sql),
      createSql: recreateIndex(rel, r.index_name, !!r.is_unique, list),
      dropSql: dropIndex(rel.schema, r.index_name),
    }];
  });
}

/**
 * The parenthesized key list of `CREATE [UNIQUE] INDEX name ON table(keys);`: the last top-level
 * `( ... )`, reading double-quoted names as opaque (a column may be called `a, (b)`).
 */
export function indexKeyList(sql: string): string | undefined {
  let depth = 0;
  let quoted = false;
  let open = -1;
  let last: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === '"') quoted = !quoted; // a doubled "" inside a name toggles twice
    else if (quoted) continue;
    else if (ch === '(' && depth++ === 0) open = i;
    else if (ch === ')' && depth > 0 && --depth === 0) last = sql.slice(open, i + 1);
  }
  return last;
}

/** `"my code", Mixed, (id + 1)` → one key each: a column name where it is one, else the expression. */
export function splitKeys(list: string): { column?: string; sql: string }[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (ch === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean).map((p) => {
    const q = /^"((?:[^"]|"")*)"$/.exec(p);
    if (q) return { column: q[1]!.replaceAll('""', '"'), sql: p };
    if (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(p)) return { column: p, sql: quoteIdent(p) };
    return { sql: p };
  });
}
