import { createTableAs, createViewAs } from '../adapters/duckdb/index.js';
import type { NodeConfig } from '../manifest/types.js';
import type { NodeStatus } from '../report/index.js';
import { meetsThreshold, parseThreshold } from './test-config.js';

/**
 * How a data test's failing rows become a verdict, as dbt's `get_test_sql` does it: `fail_calc`
 * (default `count(*)`) over the failing rows, then `warn_if`/`error_if` thresholds and `severity`.
 */

/** `warn_if` and `error_if` when not configured, spelled as dbt spells them. */
const DEFAULT_THRESHOLD = '!= 0';

/** The query that turns a test's failing-rows SQL into (failures, should_warn, should_error). */
export function testVerdictSql(testSql: string, config: NodeConfig): string {
  const failCalc = (config.fail_calc) ?? 'count(*)';
  const warnIf = (config.warn_if) ?? DEFAULT_THRESHOLD;
  const errorIf = (config.error_if) ?? DEFAULT_THRESHOLD;
  const limit = config['limit'] as number | undefined | null;
  return `select ${failCalc} as failures, (${failCalc}) ${norm(warnIf)} as should_warn, (${failCalc}) ${norm(errorIf)} as should_error\nfrom (\n${testSql}\n${limit !== undefined && limit !== null ? `limit ${Number(limit)}` : ''}\n) as dbt_internal_test`;
}

function norm(cond: unknown): string {
  const t = parseThreshold(cond);
  // validated at parse time; an unparsable condition is passed through for DuckDB to reject
  return t ? `${t.op} ${t.value}` : String(cond).trim().replace(/^==/, '=');
}

/** dbt's rule: severity error → fail when error_if holds, else warn when warn_if holds. */
export function testStatus(config: NodeConfig, row: { failures: unknown; should_warn: unknown; should_error: unknown }): NodeStatus {
  const severity = String(config['severity'] ?? 'error').toLowerCase();
  if (severity === 'error' && row.should_error) return 'fail';
  if (row.should_warn) return 'warn';
  return 'pass';
}

/** The verdict for a failure count computed elsewhere (a batched scan), same rule as the SQL. */
export function verdictFromCount(config: NodeConfig, failures: number): { failures: number; should_warn: boolean; should_error: boolean } {
  const warnIf = parseThreshold(config['warn_if'] ?? DEFAULT_THRESHOLD) ?? { op: '!=', value: 0 };
  const errorIf = parseThreshold(config['error_if'] ?? DEFAULT_THRESHOLD) ?? { op: '!=', value: 0 };
  return { failures, should_warn: meetsThreshold(failures, warnIf), should_error: meetsThreshold(failures, errorIf) };
}

/**
 * The human message of a test result, as dbt words it: `Got 3 results, configured to fail if != 0`
 * (run_results.json writes null for a pass; where failing rows are stored is said apart, after it).
 */
export function testMessage(config: NodeConfig, status: NodeStatus, failures: number): string {
  if (status === 'pass') return 'PASS';
  const cond = String(status === 'fail' ? config['error_if'] ?? DEFAULT_THRESHOLD : config['warn_if'] ?? DEFAULT_THRESHOLD);
  return `Got ${failures} result${failures === 1 ? '' : 's'}, configured to ${status === 'fail' ? 'fail' : 'warn'} if ${cond}`;
}

export function failuresSchema(targetSchema: string, customSchema?: string): string {
  return customSchema ? `${targetSchema}_${customSchema}` : `${targetSchema}_dbt_test__audit`;
}

/** Keeps a test's failing rows as a table (default) or a view the user can query. */
export function storeFailuresSql(schema: string, table: string, testSql: string, as: 'table' | 'view' = 'table'): string {
  const rel = { database: '', schema, identifier: table };
  return as === 'view' ? createViewAs(rel, testSql) : createTableAs(rel, testSql);
}
