/**
 * materializations: one module per kind, each a function from (compiled node, relation state,
 * engine adapter) to intents run in one transaction, so a failed build leaves the old relation.
 */
import { CompileError } from '../errors.js';
import { external } from './external.js';
import { incremental, strategyOf } from './incremental.js';
import { microbatch } from './microbatch.js';
import { seed } from './seed.js';
import { snapshot } from './snapshot.js';
import { table } from './table.js';
import type { Materialization } from './types.js';
import { view } from './view.js';

export const MATERIALIZATIONS: Readonly<Record<string, Materialization>> = Object.freeze({
  view,
  table,
  incremental: (ctx) => (strategyOf(ctx.compiled.config) === 'microbatch' ? microbatch(ctx) : incremental(ctx)),
  seed,
  external,
  snapshot,
  ephemeral: async () => ({ message: 'OK' }),
});

/** @throws CompileError BMP_MATERIALIZATION_UNKNOWN */
export function materializationFor(name: string, nodeId?: string): Materialization {
  const m = MATERIALIZATIONS[name];
  if (!m) {
    throw new CompileError('BMP_MATERIALIZATION_UNKNOWN', `unknown materialization '${name}'`, { nodeId }, `one of ${Object.keys(MATERIALIZATIONS).join(', ')}`);
  }
  return m;
}

export * from './types.js';
export { buildTable, indexesOf, indexName, type IndexSpec } from './table.js';
export { partitionOf, partitionExpr, partitionLabelExpr, partitionColumn, clusteredSelect, type PartitionBy, type Granularity } from './partition.js';
export { planSchemaChange, diffColumns, type OnSchemaChange, type SchemaChangePlan } from './schema-change.js';
export { planIncrementalApply, keyIn, strategyOf, uniqueKeyOf, applyBatch, batchTableName, needsFullBuild, type IncrementalStrategy } from './incremental.js';
export { planMicrobatch, adoptedInterval, parseEventTime, formatEventTime, truncateTo, addBatches, microbatchConfigOf, windowedSelect, type PlannedBatch, type BatchSize } from './microbatch.js';
export { externalLayout, externalViewSql, copySql, isIncrementalExternal, reconcileExternal, finishPendingFiles, type ExternalLayout } from './external.js';
export { recoverLocation, partitionDirs } from './external-files.js';
export { snapshotConfigOf, snapshotCreateSql, snapshotMergeSql, type SnapshotConfig } from './snapshot.js';
export { seedSelect, describeCsvError } from './seed.js';
