import type { Materialization, MaterializationContext } from './types.js';

/**
 * A view: the adapter replaces the relation (a table of the same name goes, in the same
 * transaction) with the node's hooks. A view the database already holds with the same query is
 * kept (only the hooks run): a view stores a query, not rows, and DuckDB binds it again each time
 * it is read, so replacing it with itself changes nothing but costs a bind through every view
 * beneath it. `--full-refresh` replaces it anyway.
 */
export const view: Materialization = async (ctx) => {
  if (await holdsSameQuery(ctx)) {
    if (ctx.preHooks.length || ctx.postHooks.length) await ctx.adapter.atomically(ctx, []);
    return { message: 'OK', kept: true };
  }
  await ctx.adapter.atomically(ctx, ctx.adapter.replaceView(ctx.relation, ctx.compiled.compiledSql, { existingKind: ctx.existing?.kind }));
  return { message: 'OK' };
};

async function holdsSameQuery(ctx: MaterializationContext): Promise<boolean> {
  if (ctx.fullRefresh || ctx.existing?.kind !== 'view' || !ctx.storedView) return false;
  const stored = await ctx.storedView();
  return stored !== undefined && (await ctx.adapter.viewHolds(stored, ctx.compiled.compiledSql));
}
