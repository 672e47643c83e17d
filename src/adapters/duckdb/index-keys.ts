/**
 * Reading DuckDB's index statements (`duckdb_indexes().sql`): the key list of `CREATE INDEX`, split
 * into keys, so an index set aside for a step can be checked and created again exactly as it was.
 */
import { quoteIdent } from './sql.js';

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
