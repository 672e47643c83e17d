/**
 * target/graph_summary.json, as dbt writes it: the linked DAG numbered 0..n-1 (name, type, succ),
 * and for build the same graph with the edges that hold nodes back until their parents' tests pass.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';

type Summary = Record<string, { name: string; type: string; succ?: number[] }>;
let p: TempProject;
beforeAll(() => {
  p = tempProject({
    'seeds/s.csv': 'id\n1\n',
    'models/a.sql': "select id from {{ ref('s') }}",
    'models/b.sql': "select id from {{ ref('a') }}",
    'models/c.sql': "select a.id from {{ ref('a') }} as a join {{ ref('b') }} as b using (id)",
    'models/d.sql': "select id from {{ ref('c') }}",
    // a model reading a source, with a test on it and another model (a source upstream must not stop the edges)
    'models/e.sql': "select id from {{ source('raw', 's') }}",
    'models/g.sql': "select e.id from {{ ref('e') }} as e join {{ ref('a') }} as a using (id)",
    'models/schema.yml': [
      'models:',
      '  - name: a',
      '    columns: [{name: id, data_tests: [not_null]}]',
      '  - name: b',
      '    columns:',
      '      - name: id',
      "        data_tests: [{relationships: {to: ref('a'), field: id}}]",
      '  - name: e',
      '    columns:',
      '      - name: id',
      "        data_tests: [{relationships: {to: ref('a'), field: id}}]",
      'sources:',
      '  - name: raw',
      '    schema: main',
      '    tables: [{name: s}]',
      '',
    ].join('\n'),
  });
});
afterAll(() => p.remove());

/** name -> the names of its children, from one summary. */
function edges(s: Summary): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const n of Object.values(s)) out[n.name.split('.').slice(0, 3).join('.')] = (n.succ ?? []).map((i) => s[String(i)]!.name.split('.').slice(0, 3).join('.')).sort();
  return out;
}

describe('graph_summary.json', () => {
  it('build: the linked DAG, and with_test_edges where a test on one node holds back its children and a test on two the first node below both', async () => {
    const out = await p.run('build');
    expect(out.exitCode).toBe(0);
    const summary = JSON.parse(readFileSync(join(p.dir, 'target/graph_summary.json'), 'utf8')) as { _invocation_id: string; linked: Summary; with_test_edges: Summary };
    expect(summary._invocation_id).toBe(p.runResults().metadata.invocation_id);
    expect(Object.keys(summary.linked)).toEqual(Object.keys(summary.linked).map((_, i) => String(i)));
    expect(Object.values(summary.linked).find((n) => n.name === 'seed.p.s')?.type).toBe('seed');
    expect(edges(summary.linked)).toEqual({
      'source.p.raw': ['model.p.e'],
      'seed.p.s': ['model.p.a'],
      'model.p.a': ['model.p.b', 'model.p.c', 'model.p.g', 'test.p.not_null_a_id', 'test.p.relationships_b_id__id__ref_a_', 'test.p.relationships_e_id__id__ref_a_'],
      'model.p.b': ['model.p.c', 'test.p.relationships_b_id__id__ref_a_'],
      'model.p.c': ['model.p.d'],
      'model.p.d': [],
      'model.p.e': ['model.p.g', 'test.p.relationships_e_id__id__ref_a_'],
      'model.p.g': [],
      'test.p.not_null_a_id': [],
      'test.p.relationships_b_id__id__ref_a_': [],
      'test.p.relationships_e_id__id__ref_a_': [],
    });
    // dbt's default rule: a test holds back every node downstream of all the nodes it tests
    const more = edges(summary.with_test_edges);
    expect(more['test.p.not_null_a_id']).toEqual(['model.p.b', 'model.p.c', 'model.p.d', 'model.p.g']);
    expect(more['test.p.relationships_b_id__id__ref_a_']).toEqual(['model.p.c', 'model.p.d']);
    expect(more['test.p.relationships_e_id__id__ref_a_']).toEqual(['model.p.g']);
  });

  it('run: the linked DAG only', async () => {
    expect((await p.run('run')).exitCode).toBe(0);
    const summary = JSON.parse(readFileSync(join(p.dir, 'target/graph_summary.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(summary).sort()).toEqual(['_invocation_id', 'linked']);
  });
});
