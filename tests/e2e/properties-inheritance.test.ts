/**
 * What YAML properties hand down, as dbt does: a source's tags reach its tables, a test inherits the
 * tags of the source, table and column it is declared under (a model's own tags are not
 * inherited); a model's top-level `meta:` is part of its config.meta.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, tempProject } from '../helpers/project.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const PROPERTIES = `version: 2
sources:
  - name: raw
    schema: main
    tags: [src_tag]
    tables:
      - name: t1
        tags: [table_tag]
        columns:
          - name: id
            tags: [source_column_tag]
            data_tests: [not_null]
models:
  - name: m
    tags: [model_tag]
    columns:
      - name: id
        tags: [column_tag]
        data_tests:
          - unique
          - not_null:
              config: {tags: [own_tag]}
`;

describe('tag inheritance', () => {
  it("sources, tables and columns hand their tags to what is declared under them, as in dbt", () => {
    // (a test's fqn is its properties file's folders, as dbt gives it: models/props.yml has none)
    const p = tempProject({ 'models/props.yml': PROPERTIES, 'models/m.sql': 'select 1 as id\n' }, { name: 'tags' });
    cleanups.push(p.remove);
    const ls = (selector: string) => {
      const r = bmp(['ls', '-s', selector, '--indirect-selection', 'empty', '--project-dir', p.dir]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim().split('\n').filter(Boolean).sort();
    };
    expect(ls('tag:src_tag')).toEqual(['source:tags.raw.t1', 'tags.source_not_null_raw_t1_id']);
    expect(ls('tag:table_tag')).toEqual(['source:tags.raw.t1', 'tags.source_not_null_raw_t1_id']);
    expect(ls('tag:source_column_tag')).toEqual(['tags.source_not_null_raw_t1_id']);
    expect(ls('tag:column_tag')).toEqual(['tags.not_null_m_id', 'tags.unique_m_id']);
    expect(ls('tag:own_tag')).toEqual(['tags.not_null_m_id']);
    expect(ls('tag:model_tag')).toEqual(['tags.m']);
    const json = bmp(['ls', '--output', 'json', '--output-keys', 'unique_id', 'tags', '--project-dir', p.dir]).stdout.trim().split('\n').map((l) => JSON.parse(l) as { unique_id: string; tags: string[] });
    expect(json.find((n) => n.unique_id === 'source.tags.raw.t1')?.tags).toEqual(['src_tag', 'table_tag']);
    expect(json.find((n) => n.unique_id.startsWith('test.tags.not_null_m_id'))?.tags).toEqual(['column_tag', 'own_tag']);
  });

  it('a top-level meta: is config.meta too, under what config: and config() set', () => {
    const p = tempProject({
      'models/props.yml': 'version: 2\nmodels:\n  - name: m\n    meta: {owner: me, team: a, tier: 1}\n    config:\n      meta: {team: b}\n',
      'models/m.sql': "{{ config(meta={'tier': 2}) }}\nselect '{{ config.get(\"meta\") }}' as in_config, '{{ model.config.meta }}' as in_model\n",
    }, { name: 'meta' });
    cleanups.push(p.remove);
    const r = bmp(['compile', '-s', 'm', '--project-dir', p.dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("select '{'owner': 'me', 'team': 'b', 'tier': 2}' as in_config, '{'owner': 'me', 'team': 'b', 'tier': 2}' as in_model");
  });
});
