/**
 * The batched scan must give every test the verdict one query per test gives: the same failure
 * count and the same status, for any data and any mix of tests and thresholds, on a table and on a
 * view, as a filtered scan with grouped subqueries (tables) and as a single pass (views).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, type Connection } from '../../src/adapters/duckdb/index.js';
import { builtinTestSql, testStatus, testVerdictSql, verdictFromCount } from '../../src/data-tests/index.js';
import type { NodeConfig } from '../../src/manifest/types.js';
import { batchSql, type BatchMember } from '../../src/testing/index.js';

let db: Database;
let conn: Connection;
beforeAll(async () => {
  db = await Database.open({ path: ':memory:' });
  conn = await db.connect();
});
afterAll(() => db.close());

const row = fc.record({
  a: fc.option(fc.integer({ min: -3, max: 6 }), { nil: null }),
  b: fc.option(fc.constantFrom('x', 'y', 'z', '', ' ', "o'k"), { nil: null }),
  c: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
});

const intCol = fc.constantFrom('a', 'c');
const anyCol = fc.constantFrom('a', 'b', 'c');
const strValues = fc.subarray(['x', 'y', 'z', '', "o'k"]);
const testSpec: fc.Arbitrary<{ testName: string; args: Record<string, unknown> }> = fc.oneof(
  anyCol.map((c) => ({ testName: 'not_null', args: { column_name: c } })),
  anyCol.map((c) => ({ testName: 'unique', args: { column_name: c } })),
  strValues.map((v) => ({ testName: 'accepted_values', args: { column_name: 'b', values: v } })),
  fc.tuple(intCol, fc.subarray([-1, 0, 1, 2, 3, 4])).map(([c, v]) => ({ testName: 'accepted_values', args: { column_name: c, values: v, quote: false } })),
  strValues.map((v) => ({ testName: 'not_accepted_values', args: { column_name: 'b', values: v } })),
  fc.record({ column_name: intCol, min_value: fc.option(fc.integer({ min: -2, max: 3 }), { nil: undefined }), max_value: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), inclusive: fc.boolean() }).map((args) => ({
    testName: 'accepted_range',
    args: Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)),
  })),
  fc.constantFrom('a + c > 1', 'a >= c', "b <> 'x'", 'coalesce(a, 0) < 4').map((e) => ({ testName: 'expression_is_true', args: { expression: e } })),
  fc.tuple(intCol, fc.constantFrom('>= 0', '< 5', '!= 2')).map(([c, e]) => ({ testName: 'expression_is_true', args: { column_name: c, expression: e } })),
  fc.boolean().map((t) => ({ testName: 'not_empty_string', args: { column_name: 'b', trim_whitespace: t } })),
  anyCol.map((c) => ({ testName: 'not_constant', args: { column_name: c } })),
  anyCol.map((c) => ({ testName: 'at_least_one', args: { column_name: c } })),
  fc.subarray(['a', 'b', 'c'], { minLength: 1 }).map((cols) => ({ testName: 'unique_combination_of_columns', args: { combination_of_columns: cols } })),
);
const threshold = fc.constantFrom(undefined, '!=0', '>0', '>1', '>=2', '<3', '=1', '==0', '<>1');
const config = fc.record({ severity: fc.constantFrom('error', 'warn', 'ERROR'), warn_if: threshold, error_if: threshold }).map(
  (c) => ({ enabled: true, materialized: 'test', tags: [], meta: {}, pre_hook: [], post_hook: [], ...Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) }) as NodeConfig,
);

async function load(rows: readonly { a: number | null; b: string | null; c: number | null }[]): Promise<void> {
  await conn.run('create or replace table t (a integer, b varchar, c integer)');
  if (!rows.length) return;
  const params: unknown[] = [];
  const tuples = rows.map((r) => {
    params.push(r.a, r.b, r.c);
    const n = params.length;
    return `(cast($${n - 2} as integer), $${n - 1}::varchar, cast($${n} as integer))`;
  });
  await conn.run(`insert into t values ${tuples.join(', ')}`, params.map((v) => (v === null ? null : String(v))));
}

describe('batched scans', () => {
  it('give every test the verdict of one query per test', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 25 }), fc.array(fc.tuple(testSpec, config), { minLength: 1, maxLength: 8 }), fc.boolean(), fc.constantFrom('t', 'v'), fc.boolean(), async (rows, tests, singleScan, relation, bitmaps) => {
        await load(rows);
        await conn.run('create or replace view v as select * from t');
        const members: BatchMember[] = tests.map(([spec], i) => ({ id: `test${i}`, ...spec }));
        // a and c are the integer columns: unique on them counts distinct values with a bitmap
        const { sql, columns, probes } = batchSql(relation, members, { singleScan, ...(bitmaps ? { integerColumns: new Set(['a', 'c']) } : {}) });
        const batched = (await conn.rows(sql))[0]!;
        for (const [i, [spec, cfg]] of tests.entries()) {
          const single = (await conn.rows<{ failures: unknown; should_warn: unknown; should_error: unknown }>(testVerdictSql(builtinTestSql(spec.testName, relation, spec.args)!, cfg)))[0]!;
          const context = `${spec.testName} ${JSON.stringify(spec.args)} ${JSON.stringify(cfg)}`;
          let failures = Number(batched[columns.get(`test${i}`)!]);
          if (probes.has(`test${i}`)) {
            // a probe is zero exactly when the test has no failures; otherwise the runner asks the test's own query
            expect(failures === 0, context).toBe(Number(single.failures) === 0);
            if (failures > 0) failures = Number(single.failures);
          }
          expect(failures, context).toBe(Number(single.failures));
          expect(testStatus(cfg, verdictFromCount(cfg, failures)), context).toBe(testStatus(cfg, single));
        }
      }),
      { numRuns: 120 },
    );
  });
});
