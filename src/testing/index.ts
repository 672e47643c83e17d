/**
 * testing: dbt's testing model. Built-in generic tests as SQL, batched scans (many column tests of
 * one model in one query), the data-test and unit-test runners, and the session plugin that
 * installs them.
 */
export { BUILTIN_TESTS, isBuiltinTest, builtinTestSql, builtinTestAggregate, builtinTestCondition, builtinTestProbe, SCAN_TESTS, GROUPED_TESTS, PROBE_TESTS } from './builtin-tests.js';
export { parseThreshold, meetsThreshold, testConfigProblem, type Threshold } from './test-config.js';
export { isBatchable, planBatches, batchSql, type BatchGroup, type BatchMember, type BatchSql } from './test-batches.js';
export { BatchScans, dataTestRunner, runSingleTest } from './data-test-runner.js';
export { runUnitTest } from './unit-test-runner.js';
export { readFixture, parseCsv, inferType, fixtureColumns, loadFixture, type FixtureData, type FixtureColumn } from './unit-fixtures.js';
export { formatRowDiff, summarizeDiff, type RowDiff, type DisplayRow } from './unit-diff.js';
export { testingPlugin } from './testing-plugin.js';
