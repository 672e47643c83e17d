/**
 * build: a test that fails holds back what is downstream of its model, and that includes the tests
 * written on an ephemeral model reading it (the ephemeral model is not run, so nothing else would
 * hold them back), as dbt's graph does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';

let p: TempProject;
beforeAll(() => {
  p = tempProject({
    'models/a.sql': 'select null as id',
    'models/e.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('a') }}",
    'models/e2.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('e') }}",
    'models/schema.yml': [
      'models:',
      '  - name: a',
      '    columns: [{name: id, data_tests: [not_null]}]',
      '  - name: e',
      '    columns: [{name: id, data_tests: [unique]}]',
      '  - name: e2',
      '    columns: [{name: id, data_tests: [{accepted_values: {values: [1]}}]}]',
      '',
    ].join('\n'),
  }, { threads: 2 });
});
afterAll(() => p.remove());

describe('build with a failing test upstream of an ephemeral model', () => {
  it("skips the ephemeral models' tests (and those of an ephemeral model on top of it)", async () => {
    const out = await p.run('build');
    expect(out.exitCode).toBe(1);
    expect(out.byName('not_null_a_id').status).toBe('fail');
    expect(out.byName('unique_e_id').status).toBe('skipped');
    expect(out.byName('accepted_values_e2_id__1').status).toBe('skipped');
  });

  it('runs them when nothing upstream failed', async () => {
    p.write('models/a.sql', 'select 1 as id');
    const out = await p.run('build');
    expect(out.exitCode).toBe(0);
    expect([out.byName('unique_e_id').status, out.byName('accepted_values_e2_id__1').status]).toEqual(['pass', 'pass']);
  });
});
