/** execute: the scheduler and the session that runs nodes against DuckDB. */
export { schedule, dependencyMap, type ScheduleOptions } from './scheduler.js';
export { Session, runRelation, runTest, type SessionOptions, type NodeRunner } from './session.js';
export { testVerdictSql, testStatus, failuresSchema } from './test-verdict.js';
