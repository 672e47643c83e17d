import { quoteIdent } from '../adapters/duckdb/index.js';
import type { NodeConfig } from '../manifest/types.js';
import type { NodeStatus } from '../report/index.js';

/** The query that turns a test's failing-rows SQL into (failures, should_warn, should_error). */
export function testVerdictSql(testSql: string, config: NodeConfig): string {
  const failCalc = (config['fail_calc'] as string | undefined) ?? 'count(*)';
  const warnIf = (config['warn_if'] as string | undefined) ?? '!=0';
  const errorIf = (config['error_if'] as string | undefined) ?? '!=0';
  const limit = config['limit'] as number | undefined;
  return `select ${failCalc} as failures, (${failCalc}) ${norm(warnIf)} as should_warn, (${failCalc}) ${norm(errorIf)} as should_error\nfrom (\n${testSql}\n${limit !== undefined ? `limit ${Number(limit)}` : ''}\n) as dbt_internal_test`;
}

function norm(cond: string): string {
  return cond.trim().replace(/^==/, '=');
}

/** dbt's rule: severity error → fail when error_if holds, else warn when warn_if holds. */
export function testStatus(config: NodeConfig, row: { failures: unknown; should_warn: unknown; should_error: unknown }): NodeStatus {
  const severity = String(config['severity'] ?? 'error').toLowerCase();
  if (severity === 'error' && row.should_error) return 'fail';
  if (row.should_warn) return 'warn';
  return 'pass';
}

export function failuresSchema(targetSchema: string): string {
  return `${targetSchema}_test_failures`;
}

export function storeFailuresSql(schema: string, table: string, testSql: string): string {
  return `create or replace table ${quoteIdent(schema)}.${quoteIdent(table)} as (\n${testSql}\n)`;
}
