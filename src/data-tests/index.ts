/**
 * data-tests: what a data test *means*, independent of running it: the built-in generic tests'
 * SQL (not_null, unique, accepted_values, ...), their config checks (severity, warn_if/error_if
 * thresholds) and the verdict over a failure count. Parse, compile and the test runners share it;
 * it imports nothing above the template layer.
 */
export {
  BUILTIN_TESTS,
  BUILTIN_TEST_CONFIG,
  isBuiltinTest,
  groupByColumns,
  builtinTestSql,
  builtinTestAggregate,
  builtinTestCondition,
  builtinTestProbe,
  relationshipsBoundsSql,
  relationshipsProbeSql,
  SCAN_TESTS,
  GROUPED_TESTS,
  PROBE_TESTS,
  type RelationshipsLookup,
} from './builtin-tests.js';
export { parseThreshold, meetsThreshold, isDefaultFailCalc, testConfigProblem, type Threshold } from './test-config.js';
export { testVerdictSql, testStatus, testMessage, verdictFromCount, failuresSchema, storeFailuresSql } from './test-verdict.js';
