/**
 * testing: running tests. Batched scans (many column tests of one model in one query), the data-test
 * and unit-test runners, and the plugin that installs them. What a test means (the built-in tests'
 * SQL, thresholds, verdicts) is in src/data-tests.
 */
export { isBatchable, planBatches, batchSql, type BatchGroup, type BatchMember, type BatchSql } from './test-batches.js';
export { BatchScans, dataTestRunner, runSingleTest } from './data-test-runner.js';
export { runUnitTest } from './unit-test-runner.js';
export { readFixture, parseCsv, inferType, fixtureColumns, loadFixture, type FixtureData, type FixtureColumn } from './unit-fixtures.js';
export { formatRowDiff, summarizeDiff, type RowDiff, type DisplayRow } from './unit-diff.js';
export { testingPlugin } from './testing-plugin.js';
