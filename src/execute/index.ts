/** execute: the scheduler and the session that runs nodes against DuckDB. */
export { schedule, dependencyMap, DEADLOCK, type ScheduleOptions } from './scheduler.js';
export { Session, runRelation, runTest, type SessionOptions, type NodeRunner, type BeforeMaterializeHook } from './session.js';
export { testVerdictSql, testStatus, testMessage, verdictFromCount, failuresSchema, storeFailuresSql } from './test-verdict.js';
