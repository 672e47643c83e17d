import { readFileSync } from 'node:fs';
import { createTableAs, dropRelation, quoteLiteral } from '../adapters/duckdb/index.js';
import type { SeedNode } from '../manifest/types.js';
import type { Materialization } from './types.js';
import { indexStatements } from './table.js';
import { runInTransaction } from './view.js';

/**
 * The SELECT that reads a seed CSV. The file path is bound as a parameter ($1), never pasted;
 * `column_types` (from config, not data) become read_csv's `types`.
 */
export function seedSelect(node: SeedNode): string {
  const types = node.config['column_types'] as Record<string, string> | undefined;
  const delimiter = node.config['delimiter'] as string | undefined;
  // An explicit delimiter keeps the sniffer from falling back to one column when a row is malformed.
  const opts = ['header = true', 'auto_detect = true', `delim = ${quoteLiteral(delimiter ?? ',')}`];
  if (types && Object.keys(types).length) {
    opts.push(`types = {${Object.entries(types).map(([k, v]) => `${quoteLiteral(k)}: ${quoteLiteral(v)}`).join(', ')}}`);
  }
  return `select * from read_csv($1, ${opts.join(', ')})`;
}

/**
 * When DuckDB cannot sniff a malformed file it says so without a line; reading it again with the
 * header's columns as VARCHAR and no sniffing makes it name the offending line.
 */
export function seedDiagnosticSelect(node: SeedNode): string | undefined {
  const delimiter = (node.config['delimiter'] as string | undefined) ?? ',';
  let header: string;
  try {
    header = readFileSync(node.absolutePath, 'utf8').split(/\r?\n/, 1)[0] ?? '';
  } catch {
    return undefined;
  }
  const cols = header.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  if (!cols.length || cols.some((c) => !c)) return undefined;
  return `select * from read_csv($1, header = true, auto_detect = false, delim = ${quoteLiteral(delimiter)}, quote = '"', columns = {${cols.map((c) => `${quoteLiteral(c)}: 'VARCHAR'`).join(', ')}})`;
}

export const seed: Materialization = async (ctx) => {
  const node = ctx.compiled.node as SeedNode;
  const stmts = [
    ...(ctx.existing?.kind === 'view' ? [dropRelation(ctx.relation, 'view')] : []),
    createTableAs(ctx.relation, seedSelect(node)),
  ];
  let rows = 0;
  try {
    await ctx.conn.transaction(async () => {
      for (const h of ctx.preHooks) await ctx.conn.run(h);
      for (const s of stmts) rows = await ctx.conn.run(s, s.includes('$1') ? [node.absolutePath] : undefined);
      for (const s of indexStatements(ctx.relation, node.config)) await ctx.conn.run(s);
      for (const h of ctx.postHooks) await ctx.conn.run(h);
    });
  } catch (err) {
    const diagnostic = /sniffing file/i.test((err as Error).message ?? '') ? seedDiagnosticSelect(node) : undefined;
    // throws DuckDB's "CSV Error on Line N" when the file really is malformed
    if (diagnostic) await ctx.conn.query(`select count(*) from (${diagnostic})`, [node.absolutePath]);
    throw err;
  }
  return { rowsAffected: rows, message: `INSERT ${rows}` };
};

/** DuckDB's CSV errors, reduced to one line naming the row. */
export function describeCsvError(message: string): string {
  const line = /CSV Error on Line: (\d+)/.exec(message);
  const conv = /(Error when converting column[^\n]*|Expected Number of Columns[^\n]*|Could not convert[^\n]*)/.exec(message);
  const orig = /Original Line: ([^\n]*)/.exec(message);
  if (!line) return message.split('\n')[0]!;
  return `line ${line[1]} of the CSV: ${conv?.[1] ?? message.split('\n')[0]}${orig ? ` (row: ${orig[1]!.slice(0, 120)})` : ''}`;
}

export { runInTransaction };
