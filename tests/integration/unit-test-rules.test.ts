/**
 * The rules dbt applies to unit tests when it parses them: an incremental model's test says which way
 * it runs (and gives `this` to run incrementally); a versioned model's test runs once per version
 * (`<id>_v<version>`), narrowed by `versions: include/exclude`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadError, tempProject, type TempProject } from '../helpers/project.js';

let p: TempProject | undefined;
afterEach(() => {
  p?.remove();
  p = undefined;
});


const INCREMENTAL = "{{ config(materialized='incremental') }}\nselect id from {{ ref('src') }}\n{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}";
const unitTest = (extra: string) => `unit_tests:\n  - name: t\n    model: inc\n${extra}    given:\n      - input: ref('src')\n        rows: [{id: 1}]\n    expect:\n      rows: [{id: 1}]\n`;

describe('unit tests of an incremental model', () => {
  it("must give a boolean is_incremental override, and `this` when it is true (dbt's parse errors)", async () => {
    p = tempProject({ 'models/src.sql': 'select 1 as id', 'models/inc.sql': INCREMENTAL, 'models/u.yml': unitTest('') });
    expect((await loadError(p)).message).toBe("Boolean override for 'is_incremental' must be provided for unit test 't' in model 'inc'");
    p.write('models/u.yml', unitTest('    overrides: {macros: {is_incremental: true}}\n'));
    expect((await loadError(p)).message).toBe("Unit test 't' for incremental model 'inc' must have a 'this' input");
    p.write('models/u.yml', unitTest('    overrides: {macros: {is_incremental: false}}\n'));
    const out = await p.run('build');
    expect(out.results.find((r) => r.uniqueId === 'unit_test.p.inc.t')?.status).toBe('pass');
  });

  it('a model that only names is_incremental() in a comment or its SQL text is not held to the rule', async () => {
    p = tempProject({ 'models/src.sql': 'select 1 as id', 'models/inc.sql': "{# no is_incremental() filter here #}\nselect id, 'is_incremental()' as note from {{ ref('src') }}", 'models/u.yml': "unit_tests:\n  - name: t\n    model: inc\n    given:\n      - input: ref('src')\n        rows: [{id: 1}]\n    expect:\n      rows: [{id: 1, note: 'is_incremental()'}]\n" });
    const out = await p.run('build');
    expect(out.results.find((r) => r.uniqueId === 'unit_test.p.inc.t')?.status).toBe('pass');
  });
});

describe('unit tests of a versioned model', () => {
  const files = (versions: string) => ({
    'models/src.sql': 'select 1 as id',
    'models/dim_v1.sql': "select id, 'one' as label from {{ ref('src') }}",
    'models/dim_v2.sql': "select id, 'two' as label from {{ ref('src') }}",
    'models/dim.yml': [
      'models:',
      '  - name: dim',
      '    latest_version: 2',
      '    versions: [{v: 1}, {v: 2}]',
      'unit_tests:',
      '  - name: labels',
      '    model: dim',
      ...(versions ? [`    versions: ${versions}`] : []),
      '    given:',
      "      - input: ref('src')",
      '        rows: [{id: 1}]',
      '    expect:',
      "      rows: [{id: 1, label: 'two'}]",
      '',
    ].join('\n'),
  });

  it('runs against every version by default, one unit test each (the v1 copy fails: its label differs)', async () => {
    p = tempProject(files(''));
    const out = await p.run('test', { select: ['test_type:unit'] });
    expect(out.results.map((r) => [r.uniqueId, r.status]).sort()).toEqual([
      ['unit_test.p.dim.labels_v1', 'fail'],
      ['unit_test.p.dim.labels_v2', 'pass'],
    ]);
  });

  it('include and exclude narrow the versions; a version that does not exist, or versions on a model without any, are errors', async () => {
    p = tempProject(files('{include: [2]}'));
    expect((await p.run('test', { select: ['test_type:unit'] })).results.map((r) => [r.uniqueId, r.status])).toEqual([['unit_test.p.dim.labels_v2', 'pass']]);
    p.write('models/dim.yml', files('{exclude: [2]}')['models/dim.yml']);
    expect((await p.run('test', { select: ['test_type:unit'] })).results.map((r) => r.uniqueId)).toEqual(['unit_test.p.dim.labels_v1']);
    p.write('models/dim.yml', files('{include: [3]}')['models/dim.yml']);
    expect((await loadError(p)).message).toBe("unit test 'labels' referenced a version of 'dim' which was not found");
    p.write('models/u.yml', 'unit_tests:\n  - name: plain\n    model: src\n    versions: {include: [1]}\n    given: []\n    expect: {rows: [{id: 1}]}\n');
    p.write('models/dim.yml', files('')['models/dim.yml']);
    expect((await loadError(p)).message).toBe("unit test 'plain' should not have a versions include or exclude when referencing non-versioned model 'src'");
  });
});

describe('macro overrides', () => {
  it('an override of current_timestamp covers dbt.current_timestamp, and one of dbt.current_timestamp the bare name, as in dbt', async () => {
    const test = (key: string) => `unit_tests:\n  - name: t\n    model: stamped\n    overrides:\n      macros: {${key}: "timestamp '2030-01-02 03:04:05'"}\n    given: []\n    expect:\n      rows: [{a: '2030-01-02 03:04:05', b: '2030-01-02 03:04:05'}]\n`;
    p = tempProject({ 'models/stamped.sql': 'select {{ current_timestamp() }} as a, {{ dbt.current_timestamp() }} as b', 'models/u.yml': test('current_timestamp') });
    expect((await p.run('test', { select: ['test_type:unit'] })).results.map((r) => [r.status, r.message])).toEqual([['pass', 'PASS']]);
    p.write('models/u.yml', test('dbt.current_timestamp'));
    expect((await p.run('test', { select: ['test_type:unit'] })).results.map((r) => [r.status, r.message])).toEqual([['pass', 'PASS']]);
  });
});
