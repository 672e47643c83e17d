/**
 * The only module that talks to DuckDB. Components never run SQL themselves; they go through a
 * {@link Connection} and build statements with the pure builders in `sql.ts`.
 */
export * from './connection.js';
export * from './catalog.js';
export * from './sql.js';
export * from './partition-sql.js';
export * from './external-sql.js';
export * from './state-sql.js';
export { CACHE_TABLE, CACHE_SQL, RESPONSE_CALL, EMBEDDING_CALL, COLLECT_UDF, responseCallSql, embeddingCallSql, countCallSites, collectSql, probeSql, cacheDdl, collectDdl, stagePromptsDdl, pruneCacheSql, PROMPT_STAGE, STAGED_MISSING_SQL, DISCOUNT_REQUESTED_SQL, RECORD_STAGED_HITS_SQL, STAGED_ANSWERS_SQL, STAGED_ENTRIES_SQL, CACHE_ROW_COLUMNS, CACHE_ROW_TYPES, CACHE_STATS_SQL } from './llm-sql.js';
export { SNAPSHOT_SOURCE, snapshotCreateSql, snapshotMergeSql, snapshotSourceSelect } from './snapshot-sql.js';
export { DEST, SRC, inspectBatchSql, keyIn, keyMatch, mergeMatchesSql, timestampLiteral, windowPredicate, partitionsPredicate } from './incremental-sql.js';
export { DuckDbAdapter, DuckDbDialect, duckdbDialect, createIndexStatements } from './adapter.js';
export { GLOBAL_MACRO_FILES, PACKAGE_MACRO_FILES, type GlobalMacroFile, type PackageMacroFile } from './global-macros/index.js';
export * from './template-database.js';
export { indexKeyList, splitKeys } from './index-keys.js';
export * from './catalog-sql.js';
export { UnitTestDatabase, UNIT_TEST_SCHEMA, csvSelect, fixtureTableStatements, type ScratchColumn, type ScratchComparison, type ScratchTextRow } from './unit-test-database.js';
