/**
 * Generic tests get dbt's unique_ids, fqns and compiled paths, so a manifest dbt wrote (given as
 * `--state`) and tools that key on test ids see the same tests. The expected ids are dbt's, for the
 * jaffle_shop example project's tests (the hash does not depend on the project's name).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';

let p: TempProject;
let nodes: Record<string, { name: string; fqn: string[]; path: string; checksum: { checksum: string } }>;
beforeAll(async () => {
  p = tempProject({
    'models/marts/core/customers.sql': 'select 1 as customer_id',
    'models/marts/core/orders.sql': "select 1 as order_id, 1 as customer_id, 'placed' as status",
    'models/marts/_core.yml': [
      'models:',
      '  - name: customers',
      '    columns:',
      '      - name: customer_id',
      '        data_tests: [unique, not_null]',
      '  - name: orders',
      '    columns:',
      '      - name: customer_id',
      '        data_tests:',
      '          - relationships:',
      "              to: ref('customers')",
      '              field: customer_id',
      '      - name: status',
      '        data_tests:',
      '          - accepted_values:',
      "              values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']",
      '              config: {severity: warn}',
      '',
    ].join('\n'),
  });
  const out = await p.run('build');
  expect(out.exitCode).toBe(0);
  nodes = JSON.parse(readFileSync(join(p.dir, 'target/manifest.json'), 'utf8')).nodes;
});
afterAll(() => p.remove());

describe("generic tests carry dbt's identity", () => {
  it("unique_ids end in dbt's hash of the name and test_metadata (config left out)", () => {
    const ids = Object.keys(nodes).filter((id) => id.startsWith('test.')).sort();
    expect(ids).toEqual([
      'test.p.accepted_values_orders_status__placed__shipped__completed__return_pending__returned.be6b5b5ec3',
      'test.p.not_null_customers_customer_id.5c9bf9911d',
      'test.p.relationships_orders_customer_id__customer_id__ref_customers_.c6ec7f58f2',
      'test.p.unique_customers_customer_id.c5af1ff4b1',
    ]);
  });

  it("fqn is the properties file's folders (not the model's), and the checksum is empty", () => {
    const t = nodes['test.p.unique_customers_customer_id.c5af1ff4b1']!;
    expect(t.fqn).toEqual(['p', 'marts', 'unique_customers_customer_id']);
    expect(t.checksum.checksum).toBe('');
  });

  it('a name of 64+ characters is compiled under its short name (the first 30 characters of test and model names, then the md5 of the full name)', () => {
    const t = nodes['test.p.accepted_values_orders_status__placed__shipped__completed__return_pending__returned.be6b5b5ec3']!;
    expect(t.path).toBe('accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758.sql');
    expect(existsSync(join(p.dir, 'target/compiled/p/models/marts/_core.yml', t.path))).toBe(true);
  });

  it('run_results.json: a passing test has no message, as dbt writes it', () => {
    const results = p.runResults().results as { unique_id: string; status: string; message: string | null }[];
    const tests = results.filter((r) => r.unique_id.startsWith('test.'));
    expect(tests.map((r) => [r.status, r.message])).toEqual(tests.map(() => ['pass', null]));
    expect(results.find((r) => r.unique_id === 'model.p.orders')?.message).toBe('OK');
  });

  it("a source's test is named source_<test>_<source>_<table>_..., with dbt's hash (dbt's own functional test's id)", async () => {
    const q = tempProject({
      'models/sources.yml': 'sources:\n  - name: seed_sources\n    tables:\n      - name: raw_customers\n        columns:\n          - name: id\n            data_tests: [not_null]\n',
    });
    try {
      const { parse } = await import('../../src/tasks/index.js');
      await parse({ projectDir: q.dir });
      const ids = Object.keys(JSON.parse(readFileSync(join(q.dir, 'target/manifest.json'), 'utf8')).nodes).filter((id) => id.startsWith('test.'));
      expect(ids).toEqual(['test.p.source_not_null_seed_sources_raw_customers_id.e39ee7bf0d']);
    } finally {
      q.remove();
    }
  });

  it("a whole-number float argument names and hashes the test as Python reads it (1.0, not 1); the test still runs on the number", async () => {
    const q = tempProject({
      'models/m.sql': 'select 1.0 as x union all select 2',
      'models/schema.yml': 'models:\n  - name: m\n    columns:\n      - name: x\n        data_tests:\n          - accepted_values: {values: [1.0, 2]}\n',
    });
    try {
      const out = await q.run('build');
      expect(out.results.map((r) => [r.uniqueId, r.status])).toEqual([['model.p.m', 'success'], ['test.p.accepted_values_m_x__1_0__2.955738fb3f', 'pass']]);
    } finally {
      q.remove();
    }
  });

  it('two tests that differ only in config are one id: refused with a located error, as dbt does', async () => {
    const q = tempProject({
      'models/m.sql': 'select 1 as id',
      'models/schema.yml': 'models:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - not_null\n          - not_null: {config: {where: "id > 0"}}\n',
    });
    try {
      const out = await q.run('parse').catch((e: Error) => e);
      expect(String(out instanceof Error ? out.message : JSON.stringify(out))).toMatch(/two data tests are named 'not_null_m_id'/);
    } finally {
      q.remove();
    }
  });
});
