import { createTableAs, quoteLiteral } from '../adapters/duckdb/index.js';
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
  const opts = ['header = true', 'auto_detect = true'];
  if (types && Object.keys(types).length) {
    opts.push(`types = {${Object.entries(types).map(([k, v]) => `${quoteLiteral(k)}: ${quoteLiteral(v)}`).join(', ')}}`);
  }
  if (delimiter) opts.push(`delim = ${quoteLiteral(delimiter)}`);
  return `select * from read_csv($1, ${opts.join(', ')})`;
}

export const seed: Materialization = async (ctx) => {
  const node = ctx.compiled.node as SeedNode;
  const stmts = [
    ...(ctx.existing?.kind === 'view' ? [`drop view if exists ${ctx.relation.schema}.${ctx.relation.identifier}`] : []),
    createTableAs(ctx.relation, seedSelect(node)),
  ];
  let rows = 0;
  await ctx.conn.transaction(async () => {
    for (const h of ctx.preHooks) await ctx.conn.run(h);
    for (const s of stmts) rows = await ctx.conn.run(s, s.includes('$1') ? [node.absolutePath] : undefined);
    for (const s of indexStatements(ctx.relation, node.config)) await ctx.conn.run(s);
    for (const h of ctx.postHooks) await ctx.conn.run(h);
  });
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
