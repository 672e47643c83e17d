import { createViewAs, dropRelation } from '../adapters/duckdb/index.js';
import type { Relation } from '../manifest/types.js';
import type { Materialization } from './types.js';

/** Statements for a view: a table of the same name is dropped first (same transaction). */
export function planView(rel: Relation, sql: string, existingKind: 'table' | 'view' | undefined): string[] {
  return [...(existingKind === 'table' ? [dropRelation(rel, 'table')] : []), createViewAs(rel, sql)];
}

export const view: Materialization = async (ctx) => {
  const stmts = planView(ctx.relation, ctx.compiled.compiledSql, ctx.existing?.kind);
  await runInTransaction(ctx, stmts);
  return { message: 'OK' };
};

/** Runs hooks + statements atomically; a single statement with no hooks is already atomic. */
export async function runInTransaction(ctx: { conn: import('../adapters/duckdb/index.js').Connection; preHooks: readonly string[]; postHooks: readonly string[] }, stmts: readonly string[], countIndex = -1): Promise<number> {
  let rows = 0;
  if (stmts.length === 1 && !ctx.preHooks.length && !ctx.postHooks.length) {
    // one statement in autocommit is its own transaction: no BEGIN/COMMIT round trips
    rows = await ctx.conn.run(stmts[0]!);
    return countIndex === 0 ? rows : 0;
  }
  await ctx.conn.transaction(async () => {
    for (const h of ctx.preHooks) await ctx.conn.run(h);
    for (let i = 0; i < stmts.length; i++) {
      const n = await ctx.conn.run(stmts[i]!);
      if (i === countIndex) rows = n;
    }
    for (const h of ctx.postHooks) await ctx.conn.run(h);
  });
  return rows;
}
