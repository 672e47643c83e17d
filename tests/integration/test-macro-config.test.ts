/**
 * A `config()` call in a generic test's macro whose values are expressions (`severity=var(...)`),
 * not literals: it acts when the test runs, above the defaults and the project's `tests:` configs
 * and below the test's own properties entry, as dbt orders them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';

let p: TempProject;
beforeAll(() => {
  p = tempProject({
    'project.yml': 'name: p\nprofile: p\nvars: {sev: warn}\ndata_tests:\n  p:\n    +severity: error\n',
    'models/m.sql': 'select 1 as id',
    'macros/always_one.sql': "{% test always_one(model) %}\n{{ config(severity=var('sev', 'error')) }}\nselect 1 as bad from {{ model }}\n{% endtest %}\n",
    'models/schema.yml': [
      'models:',
      '  - name: m',
      '    data_tests:',
      '      - always_one',
      '      - always_one: {name: fixed_by_entry, config: {severity: error}}',
      '',
    ].join('\n'),
  });
});
afterAll(() => p.remove());

describe("a test macro's config() with expressions", () => {
  it("sets the severity over the project's tests: config; the properties entry's own config wins", async () => {
    const out = await p.run('build');
    expect(out.byName('always_one_m').status).toBe('warn');
    expect(out.byName('fixed_by_entry').status).toBe('fail');
  });

  it('follows the var: --vars sev: error makes the first test fail too', async () => {
    const out = await p.run('build', { vars: { sev: 'error' } });
    expect(out.byName('always_one_m').status).toBe('fail');
  });
});
