import type { Materialization } from './types.js';

/** A view: the adapter replaces the relation (a table of the same name goes, in the same transaction) with the node's hooks. */
export const view: Materialization = async (ctx) => {
  await ctx.adapter.atomically(ctx, ctx.adapter.replaceView(ctx.relation, ctx.compiled.compiledSql, { existingKind: ctx.existing?.kind }));
  return { message: 'OK' };
};
