/**
 * Model versions as dbt builds them: `versions:` in YAML, each version from `<name>_v<v>.sql` (or
 * its `defined_in`) into the relation `<name>_v<v>`; `ref('name')` reads the latest version
 * (`latest_version`, else the greatest), `ref('name', v=...)` / `version=` the one asked for; ids,
 * tests and selection per version; the manifest's version fields.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, query, tempProject } from '../helpers/project.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function project(yml: string, files: Record<string, string | null> = {}) {
  const all: Record<string, string | null> = {
    'models/schema.yml': yml,
    'models/dim_v1.sql': "select 1 as id, 'v1' as ver\n",
    'models/dim_v2.sql': "select 2 as id, 'v2' as ver, true as extra\n",
    'models/reader.sql': "select (select ver from {{ ref('dim') }}) as latest, (select ver from {{ ref('dim', v=1) }}) as one, (select ver from {{ ref('dim', version=2) }}) as two\n",
    ...files,
  };
  const p = tempProject(Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null)), { name: 'ver' });
  cleanups.push(p.remove);
  return p;
}

const VERSIONS = `version: 2
models:
  - name: dim
    columns:
      - name: id
        data_tests: [not_null]
    versions:
      - v: 1
      - v: 2
`;

describe('model versions', () => {
  it('builds each version into <name>_v<v>; ref reads the latest (the greatest by default) or the version asked for', async () => {
    const p = project(VERSIONS);
    const r = bmp(['build', '--project-dir', p.dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/NoNodeForYamlKey/);
    expect(await query(p.db, 'select latest, one, two from main.reader')).toEqual([{ latest: 'v2', one: 'v1', two: 'v2' }]);
    expect(await query(p.db, `select view_name from duckdb_views() where view_name like 'dim%' order by 1`)).toEqual([{ view_name: 'dim_v1' }, { view_name: 'dim_v2' }]);
    // ids, names and tests per version; the manifest's version fields
    const manifest = JSON.parse(readFileSync(join(p.dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['model.ver.dim.v1']).toMatchObject({ name: 'dim', version: 1, latest_version: 2, alias: 'dim_v1', fqn: ['ver', 'dim', 'v1'] });
    expect(manifest.nodes['model.ver.reader'].depends_on.nodes.sort()).toEqual(['model.ver.dim.v1', 'model.ver.dim.v2']);
    expect(manifest.nodes['model.ver.reader'].refs).toContainEqual({ name: 'dim', package: null, version: 1 });
    const ls = (sel: string) => bmp(['ls', '-s', sel, '--resource-type', 'model', 'test', '--project-dir', p.dir]).stdout.trim().split('\n').filter(Boolean).sort();
    expect(ls('dim')).toEqual(['ver.dim.v1', 'ver.dim.v2', 'ver.not_null_dim_v1_id', 'ver.not_null_dim_v2_id']);
    expect(ls('dim.v1')).toEqual(['ver.dim.v1', 'ver.not_null_dim_v1_id']);
    // dbt's is_selected_node: name_vN selects a version too; the version segment alone does not
    expect(ls('dim_v1')).toEqual(['ver.dim.v1', 'ver.not_null_dim_v1_id']);
    expect(ls('v1')).toEqual([]);
    expect(ls('version:latest')).toEqual(['ver.dim.v2', 'ver.not_null_dim_v2_id']);
    expect(ls('version:old')).toEqual(['ver.dim.v1', 'ver.not_null_dim_v1_id']);
    expect(ls('version:none')).toEqual(['ver.reader']);
    expect(bmp(['ls', '-s', 'dim', '--resource-type', 'model', '--output', 'name', '--project-dir', p.dir]).stdout.trim().split('\n')).toEqual(['dim.v1', 'dim.v2']);
  });

  it('latest_version and defined_in, as dbt reads them', async () => {
    const p = project(`version: 2
models:
  - name: dim
    latest_version: 1
    versions:
      - v: 1
        defined_in: dim_current
      - v: 2
        config: {alias: dim_next}
  - name: reader
    columns:
      - name: one
        data_tests:
          - relationships: {to: "ref('dim', v=1)", field: ver}
`, { 'models/dim_v1.sql': null, 'models/dim_current.sql': "select 1 as id, 'v1' as ver\n" });
    const r = bmp(['build', '--project-dir', p.dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await query(p.db, 'select latest, one, two from main.reader')).toEqual([{ latest: 'v1', one: 'v1', two: 'v2' }]);
    expect(await query(p.db, `select view_name from duckdb_views() where view_name like 'dim%' order by 1`)).toEqual([{ view_name: 'dim_next' }, { view_name: 'dim_v1' }]);
  });

  it("the latest version may live in the model's own file; a dotted version's relation is <name>_v1_5", async () => {
    const p = project(`version: 2
models:
  - name: dim
    versions:
      - v: 1
      - v: 1.5
      - v: 2
`, { 'models/dim_v2.sql': null, 'models/dim.sql': "select 2 as id, 'v2' as ver\n", 'models/dim_v1.5.sql': "select 15 as id, 'v1.5' as ver\n", 'models/reader.sql': "select (select ver from {{ ref('dim') }}) as latest, (select ver from {{ ref('dim', v=1.5) }}) as mid\n" });
    const r = bmp(['run', '--project-dir', p.dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await query(p.db, 'select latest, mid from main.reader')).toEqual([{ latest: 'v2', mid: 'v1.5' }]);
    expect(await query(p.db, `select view_name from duckdb_views() where view_name like 'dim%' order by 1`)).toEqual([{ view_name: 'dim_v1' }, { view_name: 'dim_v1_5' }, { view_name: 'dim_v2' }]);
  });

  it("a project's generate_alias_name gets no alias for a version without one, and the node's version, as dbt calls it", async () => {
    const p = project(VERSIONS, {
      'macros/alias.sql': "{% macro generate_alias_name(custom_alias_name=none, node=none) -%}{%- if custom_alias_name -%}{{ custom_alias_name }}{%- elif node.version -%}{{ node.name }}_version_{{ node.version }}{%- else -%}{{ node.name }}{%- endif -%}{%- endmacro %}",
    });
    const r = bmp(['run', '--project-dir', p.dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await query(p.db, `select view_name from duckdb_views() where view_name like 'dim%' order by 1`)).toEqual([{ view_name: 'dim_version_1' }, { view_name: 'dim_version_2' }]);
    expect(await query(p.db, 'select latest, one from main.reader')).toEqual([{ latest: 'v2', one: 'v1' }]);
  });

  it('a version without its file, a latest_version that is no version, and an unknown version are located errors', () => {
    const missing = project(VERSIONS.replace('      - v: 2\n', '      - v: 2\n      - v: 3\n'));
    const r = bmp(['run', '--project-dir', missing.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/model 'dim' version 3 has no SQL file: expected dim_v3\.sql under the model paths.*\[BMP_PROPERTIES_INVALID\]/);
    const ignored = project(VERSIONS.replace('      - v: 2\n', '      - v: 2\n        columns: [{include: all}]\n'));
    const w = bmp(['run', '--project-dir', ignored.dir]);
    expect(w.code, w.stdout + w.stderr).toBe(0);
    expect(w.stdout + w.stderr).toMatch(/models\/schema\.yml:\d+.*model 'dim' version 2: 'columns' is not acted on by bmp.*\[KeyNotActedOn\]/);
    const latest = project(VERSIONS.replace('    versions:', '    latest_version: 7\n    versions:'));
    const l = bmp(['run', '--project-dir', latest.dir]);
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/models\/schema\.yml:\d+.*latest_version 7 is not one of its versions \(1, 2\)/);
    const unknown = project(VERSIONS, { 'models/reader.sql': "select * from {{ ref('dim', v=9) }}\n" });
    const u = bmp(['run', '--project-dir', unknown.dir]);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/depends on 'dim\.v9', which was not found/);
  });
});
