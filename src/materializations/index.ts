/**
 * materializations: one module per kind, each a function from (compiled node, relation state,
 * connection) to statements run in one transaction, so a failed build leaves the old relation.
 */
import { CompileError } from '../errors.js';
import { incremental } from './incremental.js';
import { seed } from './seed.js';
import { table } from './table.js';
import type { Materialization } from './types.js';
import { view } from './view.js';

export const MATERIALIZATIONS: Readonly<Record<string, Materialization>> = {
  view,
  table,
  incremental,
  seed,
  ephemeral: async () => ({ message: 'OK' }),
};

/** @throws CompileError BMP_MATERIALIZATION_UNKNOWN */
export function materializationFor(name: string, nodeId?: string): Materialization {
  const m = MATERIALIZATIONS[name];
  if (!m) {
    throw new CompileError('BMP_MATERIALIZATION_UNKNOWN', `unknown materialization '${name}'`, { nodeId }, `one of ${Object.keys(MATERIALIZATIONS).join(', ')}`);
  }
  return m;
}

export function registerMaterialization(name: string, m: Materialization): void {
  (MATERIALIZATIONS as Record<string, Materialization>)[name] = m;
}

export * from './types.js';
export { planView } from './view.js';
export { planTable, partitionOf, partitionExpr, clusteredSelect, indexStatements, type PartitionBy, type IndexSpec } from './table.js';
export { planIncrementalApply, planSchemaChange, strategyOf, uniqueKeyOf, applyBatch, batchTableName, type IncrementalStrategy } from './incremental.js';
export { seedSelect, describeCsvError } from './seed.js';
