/**
 * state: bmp's bookkeeping in the schema `_bmp` of the target database — microbatch interval
 * state and partition metadata — created the first time a run needs it.
 */
export { STATE_SCHEMA, stateTable, createStateTableSql, ensureStateTables, stateTableExists, relationKeyOf, type StateTable } from './state-tables.js';
export { isCovered, type Interval } from './intervals.js';
export {
  replacePartitionStatements,
  insertPartitionRowsStatement,
  deletePartitionRowsStatement,
  readPartitions,
  type PartitionRow,
  type PartitionOwner,
  type ParamStatement,
} from './partition-meta.js';
