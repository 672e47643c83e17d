/**
 * YAML values of project.yml and properties files are rendered with the template engine's Jinja2
 * semantics (Python's str methods, `%` formatting, list `+`), as dbt's native environment renders
 * them, through the whole load and parse of a project.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';

let p: TempProject;
let node: { tags: string[]; alias: string; config: { meta: Record<string, unknown> } };
beforeAll(async () => {
  p = tempProject({
    'project.yml': [
      'name: p',
      'profile: p',
      'vars:',
      "  owner_team: \"{{ 'team_' ~ target.name }}\"",
      'models:',
      '  p:',
      "    +tags: \"{{ env_var('BMP_YAML_JINJA_UNSET', 'nightly').upper() }}\"",
      '    +meta:',
      "      owner: \"{{ 'team_%s' % target.name }}\"",
      "      parts: \"{{ target.name.split('e') }}\"",
      '',
    ].join('\n'),
    'models/m.sql': 'select 1 as id',
    'models/schema.yml': "models:\n  - name: m\n    config:\n      alias: \"{{ 'M_%d' % 7 }}\"\n      meta: {from_var: \"{{ var('owner_team') }}\"}\n",
  });
  const out = await p.run('run');
  expect(out.exitCode).toBe(0);
  node = JSON.parse(readFileSync(join(p.dir, 'target/manifest.json'), 'utf8')).nodes['model.p.m'];
});
afterAll(() => p.remove());

describe('YAML values with Jinja2 semantics through load and parse', () => {
  it("project.yml: str methods ('x'.upper()) and % formatting", () => {
    expect(node.tags).toEqual(['NIGHTLY']);
    expect(node.config.meta['owner']).toBe('team_dev');
  });

  it('project.yml: a single expression keeps its Python value (a list from split)', () => {
    expect(node.config.meta['parts']).toEqual(['d', 'v']);
  });

  it("a properties file's config: % formatting", () => {
    expect(node.alias).toBe('M_7');
  });

  it("a properties file's var() renders a var holding a template with the file's context (target)", () => {
    expect(node.config.meta['from_var']).toBe('team_dev');
  });
});

describe("vars keep YAML's floats as Python floats", () => {
  it("project vars and --vars: 1.0 prints 1.0 (an int stays an int, a quoted '1.0' a str)", async () => {
    const q = tempProject({
      'project.yml': "name: q\nprofile: q\nvars: {f: 1.0, i: 3, s: '1.0', nested: {x: [2.0, 2]}, half: 0.5}\n",
      'models/v.sql': "select {{ var('f') }} as f, {{ var('i') }} as i, '{{ var('s') }}' as s, $${{ var('nested') }}$$ as n, {{ var('f') * 2 }} as f2, {{ var('half') }} as h, {{ var('c', 0) }} as c",
    }, { name: 'q' });
    try {
      expect((await q.run('run', { vars: '{c: 4.0}' })).exitCode).toBe(0);
      const sql = readFileSync(join(q.dir, 'target/compiled/q/models/v.sql'), 'utf8').trim();
      expect(sql).toBe("select 1.0 as f, 3 as i, '1.0' as s, $${'x': [2.0, 2]}$$ as n, 2.0 as f2, 0.5 as h, 4.0 as c");
      expect(await q.query('select typeof(f) as tf, typeof(i) as ti, n from v')).toEqual([{ tf: 'DECIMAL(2,1)', ti: 'INTEGER', n: "{'x': [2.0, 2]}" }]);
    } finally {
      q.remove();
    }
  });
});

describe("a generic test's config values are rendered as dbt renders them when it builds the test", () => {
  it("where/severity/limit/enabled strings render natively (both forms, top level and config:); arguments, tags lists and meta stay as written", async () => {
    const q = tempProject({
      'project.yml': "name: p\nprofile: p\nvars: {min_id: 2, cap: 5}\n",
      'models/m.sql': "select 1 as id, null as x union all select 2, 'a' union all select 3, 'b'",
      'models/schema.yml': [
        'models:',
        '  - name: m',
        '    columns:',
        '      - name: x',
        '        data_tests:',
        '          - not_null:',
        '              config:',
        "                where: \"id >= {{ var('min_id') }}\"",
        "                severity: \"{{ 'warn' if target.name == 'dev' else 'error' }}\"",
        "                limit: \"{{ var('cap') }}\"",
        "                meta: {note: \"{{ var('cap') }}\"}",
        '          - name: x_values',
        '            test_name: accepted_values',
        "            values: ['a', 'b', \"{{ 'c' }}\"]",
        "            where: \"id >= {{ var('min_id') }}\"",
        "            tags: \"{{ 'from_' ~ target.name }}\"",
        '          - name: kept_as_written',
        '            test_name: not_null',
        '            meta: {schema: "{{ target.name }}"}',
        '            config: {where: "{{ \'x is not null\' }}"}',
        '          - unique:',
        "              enabled: \"{{ target.name != 'dev' }}\"",
        '',
      ].join('\n'),
    });
    try {
      const out = await q.run('build');
      expect(out.exitCode).toBe(0);
      // the model and the two enabled tests ran; not_null sees x only from id 2 on: it passes
      expect(out.results.map((r) => `${r.uniqueId.split('.')[2]} ${r.status}`).sort()).toEqual(['kept_as_written pass', 'm success', 'not_null_m_x pass', 'x_values pass']);
      const nodes = JSON.parse(readFileSync(join(q.dir, 'target/manifest.json'), 'utf8')).nodes as Record<string, { name: string; config: Record<string, unknown>; test_metadata: { kwargs: Record<string, unknown> } }>;
      const byName = (n: string) => Object.values(nodes).find((x) => x.name === n)!;
      const notNull = byName('not_null_m_x');
      expect(notNull.config['where']).toBe('id >= 2');
      expect(String(notNull.config['severity']).toLowerCase()).toBe('warn');
      expect(notNull.config['limit']).toBe(5);
      // a mapping's values are not rendered (dbt renders string config values only)
      expect(notNull.config['meta']).toEqual({ note: "{{ var('cap') }}" });
      const values = byName('x_values');
      expect(values.config['where']).toBe('id >= 2');
      expect(values.config['tags']).toEqual(['from_dev']);
      // arguments are rendered when the test compiles, not here: the kwargs keep the template
      expect(values.test_metadata.kwargs['values']).toEqual(['a', 'b', "{{ 'c' }}"]);
      // the test_name form renders its config: values, not what a mapping beside them holds
      const kept = byName('kept_as_written');
      expect(kept.config['where']).toBe('x is not null');
      expect(kept.config['meta']).toEqual({ schema: '{{ target.name }}' });
      // `enabled: False` after rendering: the unique test is not built
      expect(Object.values(nodes).some((x) => x.name.startsWith('unique_m_x'))).toBe(false);
    } finally {
      q.remove();
    }
  });
});
