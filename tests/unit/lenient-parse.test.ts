/**
 * Issue #19 at the library level (loadConfig + parseProject on small projects written here): what
 * is kept, warned about, disabled or rejected, and how YAML values render.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { BmpError } from '../../src/errors.js';
import { parseProject } from '../../src/parse/index.js';
import { jinjaYamlSyntax } from '../../src/jinja/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const PROFILE = 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n      schema: main\n';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-lenient-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries({ 'profiles.yml': PROFILE, ...files })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function parse(files: Record<string, string>, vars?: string) {
  const cfg = await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: project(files), vars });
  const parsed = await parseProject(cfg);
  const warnings = [...cfg.warnings, ...parsed.warnings];
  return { cfg, manifest: parsed.manifest, warnings, names: warnings.map((w) => w.name) };
}

describe('disabled and absent targets', () => {
  it('a unit test of a disabled model is disabled; a model depending on a missing one is still an error', async () => {
    const { manifest, warnings } = await parse({
      'dbt_project.yml': 'name: d\nprofile: p\nmodels:\n  d:\n    retired:\n      +enabled: false\n',
      'models/retired/gone.sql': 'select 1 as id',
      'models/here.sql': 'select 1 as id',
      'models/schema.yml': 'version: 2\nunit_tests:\n  - name: ut_gone\n    model: gone\n    given: []\n    expect: {rows: [{id: 1}]}\n',
    });
    expect(manifest.disabled.has('unit_test.d.gone.ut_gone')).toBe(true);
    expect(manifest.nodes.has('unit_test.d.gone.ut_gone')).toBe(false);
    expect(warnings).toEqual([]);
    await expect(parse({ 'dbt_project.yml': 'name: d\nprofile: p\n', 'models/here.sql': "select * from {{ ref('nowhere') }}" })).rejects.toMatchObject({ code: 'BMP_REF_UNDEFINED' });
  });

  it("tests on a disabled source are disabled with dbt's InvalidDisabledTargetInTestNode; a singular test on a missing source too (NodeNotFoundOrDisabled)", async () => {
    const { manifest, warnings } = await parse({
      'dbt_project.yml': 'name: d\nprofile: p\n',
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    config: {enabled: false}\n    tables:\n      - name: orders\n        columns:\n          - name: id\n            tests: [not_null, unique]\n',
      'tests/orders_exist.sql': "select * from {{ source('raw', 'nope') }}",
    });
    expect(warnings.map((w) => [w.name, w.file, w.line])).toEqual([
      ['InvalidDisabledTargetInTestNode', 'models/sources.yml', 9],
      ['NodeNotFoundOrDisabled', 'tests/orders_exist.sql', 1],
    ]);
    expect(warnings[0]!.message).toBe("2 tests of source 'raw.orders' are disabled because the source is disabled, as dbt does: enable the source or remove the tests");
    expect([...manifest.disabled].filter((id) => id.startsWith('test.')).length).toBe(3);
    expect(manifest.disabled.has('source.d.raw.orders')).toBe(true);
  });

  it('YAML `enabled: true` outranks dbt_project.yml, as in dbt', async () => {
    const { manifest } = await parse({
      'dbt_project.yml': 'name: d\nprofile: p\nmodels:\n  d:\n    +enabled: false\n',
      'models/m.sql': 'select 1 as id',
      'models/schema.yml': "version: 2\nmodels:\n  - name: m\n    config:\n      enabled: \"{{ var('m_on', true) | as_bool }}\"\n",
    });
    expect(manifest.nodes.has('model.d.m')).toBe(true);
  });
});

describe('custom keys: one warning per key, wherever and however often it is set', () => {
  it('counts the other places and does not repeat a key dbt_project.yml already set', async () => {
    const files: Record<string, string> = { 'dbt_project.yml': 'name: d\nprofile: p\nmodels:\n  d:\n    +owner: ops\n' };
    for (const n of ['a', 'b', 'c']) files[`models/${n}.sql`] = `{{ config(owner='x', tier=2) }}\nselect 1 as id`;
    const { manifest, warnings } = await parse(files);
    expect(warnings.map((w) => [w.file, w.line, w.subject])).toEqual([
      ['dbt_project.yml', 5, 'owner'],
      ['models/a.sql', 1, 'tier'],
    ]);
    expect(warnings[1]!.message).toMatch(/^custom config 'tier' on models is kept .* \[set in 2 more places\]: move it under meta/);
    expect(manifest.nodes.get('model.d.b')!.config).toMatchObject({ owner: 'x', tier: 2 });
  });
});

describe('native rendering: where, with which context', () => {
  it('dbt_project.yml sees only --vars; properties see every var, env_var and target; descriptions and test arguments wait', async () => {
    const files = {
      'dbt_project.yml': "name: d\nprofile: p\nvars:\n  flag: true\nmodels:\n  d:\n    +enabled: \"{{ var('flag', false) | as_bool }}\"\n",
      'models/m.sql': 'select 1 as id',
      'models/docs.md': '{% docs m_doc %}the m model{% enddocs %}',
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: m',
        "    description: \"{{ doc('m_doc') }}\"",
        '    config:',
        "      meta: {flag: \"{{ var('flag') }}\", tgt: \"{{ target.name }}\"}",
        '    columns:',
        '      - name: id',
        '        tests:',
        "          - accepted_values: {values: [\"{{ var('flag') }}\"]}",
        'sources:',
        '  - name: raw',
        '    schema: "{{ target.schema }}_raw"',
        '    tables: [{name: t}]',
      ].join('\n'),
    };
    const off = await parse(files);
    // the project var is not visible in dbt_project.yml: var('flag', false) is its default
    expect(off.manifest.nodes.has('model.d.m')).toBe(false);
    const on = await parse(files, '{flag: true}');
    const m = on.manifest.nodes.get('model.d.m')!;
    expect(m.config.meta).toEqual({ flag: true, tgt: 'dev' });
    // doc() is not in the YAML context: the description waited for the docs pass
    expect(m.description).toBe('the m model');
    expect(on.manifest.sources.get('source.d.raw.t')!.relation.schema).toBe('main_raw');
    const test = [...on.manifest.nodes.values()].find((n) => n.resourceType === 'test')!;
    expect(test.testMetadata?.kwargs['values']).toEqual(["{{ var('flag') }}"]);
  });

  it('a typed value from a template must be typed: text where a boolean belongs is an error naming the filter', async () => {
    const err = await parse({ 'dbt_project.yml': "name: d\nprofile: p\nmodels:\n  d:\n    +enabled: \"{{ env_var('BMP_LENIENT_UNSET', 'false') }}\"\n" }).catch((e) => e as BmpError);
    expect(err).toBeInstanceOf(BmpError);
    expect((err as BmpError).format()).toBe(`Config Error (dbt_project.yml:5:5): config 'enabled' must be true or false, got "false" (a template renders to text; end it with '| as_bool' (dbt's filter) or write true/false) [BMP_CONFIG_INVALID_VALUE]`);
  });
});

describe("dbt's UnusedResourceConfigPath: folder paths of the project file that configure nothing", () => {
  it('warns once per path at its line, with a suggestion; paths of disabled nodes count as used', async () => {
    const { warnings } = await parse({
      'dbt_project.yml': [
        'name: d', 'profile: p', 'models:', '  d:', '    +materialized: table', '    stagin:', '      +tags: [x]',
        '    marts:', '      +enabled: false', '    off:', '      +enabled: false', '  other_pkg:', '    +enabled: false',
        'seeds:', '  d:', '    +quote_columns: false', '',
      ].join('\n'),
      'models/staging/s.sql': 'select 1 as id',
      'models/marts/m.sql': 'select 1 as id',
      'models/off/o.sql': 'select 1 as id',
    });
    const unused = warnings.filter((w) => w.name === 'UnusedResourceConfigPath');
    expect(unused.map((w) => [w.subject, w.file, w.line])).toEqual([
      ['models.d.stagin', 'dbt_project.yml', 6],
      ['models.d.false', 'dbt_project.yml', 10],
      ['models.other_pkg', 'dbt_project.yml', 12],
      ['seeds.d', 'dbt_project.yml', 15],
    ]);
    expect(unused[0]!.message).toBe("'models.d.stagin' in dbt_project.yml configures nothing: no model is in that folder; dbt warns and ignores it too: correct the folder name (did you mean 'staging'?) or remove the entry");
    expect(unused[1]!.message).toContain('an unquoted yes/no/on/off key reads as false, as dbt reads it: quote a folder named so');
  });

  it('a quoted key names the folder; a project whose paths all match warns about nothing', async () => {
    const { warnings } = await parse({
      'dbt_project.yml': "name: d\nprofile: p\nmodels:\n  d:\n    'off':\n      +enabled: false\n    staging: {+tags: [x]}\n",
      'models/staging/s.sql': 'select 1 as id',
      'models/off/o.sql': 'select 1 as id',
    });
    expect(warnings.filter((w) => w.name === 'UnusedResourceConfigPath')).toEqual([]);
  });
});

// not leniency: what a unit test's checksum (state:modified) is made of, with the same small projects
describe("a unit test's checksum", () => {
  it('is its definition, not where it was written: moved down its file it is not modified', async () => {
    const ut = 'unit_tests:\n  - name: ut_here\n    model: here\n    given: []\n    expect: {rows: [{id: 1}]}\n';
    const files = (yaml: string) => ({ 'dbt_project.yml': 'name: d\nprofile: p\n', 'models/here.sql': 'select 1 as id', 'models/schema.yml': yaml });
    const checksum = async (yaml: string) => (await parse(files(yaml))).manifest.nodes.get('unit_test.d.here.ut_here')?.checksum;
    const before = await checksum(`version: 2\n${ut}`);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(await checksum(`version: 2\n\n# moved\n\n${ut}`)).toBe(before);
    expect(await checksum(`version: 2\n${ut.replace('{id: 1}', '{id: 2}')}`)).not.toBe(before);
  });
});
