/**
 * `unique` on an integer column, in a view's single pass or a table's batch, counts distinct values
 * with a bitmap (bitstring_agg) when DuckDB knows the column's range, and with count(distinct ...)
 * (or its own grouping, on a table) when it does not or the range is too wide: either way every test
 * reports dbt's failure count.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bmp, tempProject, type TempProject } from '../helpers/project.js';

let project: TempProject;
let exitCode: number | null;
let results: { unique_id: string; status: string; failures: number | null; adapter_response: Record<string, unknown> }[];
let log: string[];

/** A column entry of a properties file with its tests, each `[test, name]`. */
const column = (name: string, tests: [string, string, string?][]) => [`      - name: ${name}`, '        tests:', ...tests.map(([t, n, extra]) => `          - ${t}: {name: ${n}${extra ? `, ${extra}` : ''}}`)].join('\n');

beforeAll(async () => {
  project = tempProject({
    // 1,000 keys from -500 (a range DuckDB's statistics know), a column of 7 values, each repeated
    'models/keys.sql': "{{ config(materialized='table') }}\nselect i - 500 as id, i % 7 as dup, i * 1000000000000 as wide from range(1000) t(i)",
    'models/v_ok.sql': "select id, dup from {{ ref('keys') }}",
    // a range of 10^15 (and 7 * 10^12 twice): DuckDB refuses the bitmap, count(distinct) answers
    'models/v_wide.sql': "select wide from {{ ref('keys') }} union all select 7000000000000",
    // no statistics (random() hides the range): count(distinct) answers
    'models/v_nostats.sql': "select id + (random() * 0)::bigint as k from {{ ref('keys') }} union all select 3",
    'models/v_text.sql': "select cast(id as varchar) as label from {{ ref('keys') }}",
    'models/schema.yml': [
      'version: 2',
      'models:',
      '  - name: keys',
      '    columns:',
      column('id', [['unique', 'table_id_unique'], ['not_null', 'table_id_not_null']]),
      // a warning, so the views downstream still build
      column('dup', [['unique', 'table_dup_unique', 'config: {severity: warn}']]),
      '  - name: v_ok',
      '    columns:',
      column('id', [['unique', 'ok_id_unique'], ['not_null', 'ok_id_not_null']]),
      column('dup', [['unique', 'ok_dup_unique']]),
      '  - name: v_wide',
      '    columns:',
      column('wide', [['unique', 'wide_unique'], ['not_null', 'wide_not_null']]),
      '  - name: v_nostats',
      '    columns:',
      column('k', [['unique', 'nostats_unique'], ['not_null', 'nostats_not_null']]),
      '  - name: v_text',
      '    columns:',
      column('label', [['unique', 'text_unique'], ['not_null', 'text_not_null']]),
      '',
    ].join('\n'),
  });
  // the CLI, for its log of the statements run
  ({ code: exitCode } = bmp(['build', '--project-dir', project.dir]));
  results = JSON.parse(readFileSync(join(project.dir, 'target/run_results.json'), 'utf8')).results;
  log = readFileSync(join(project.dir, 'logs/dbt.log'), 'utf8').split('\n');
});
afterAll(() => project?.remove());

/** Logged statements that read the view `name`. */
const queriesOn = (name: string) => log.filter((l) => l.includes(`from "main"."${name}"`));

describe('unique on an integer column in a shared scan', () => {
  it('reports dbt’s failure counts, from one shared query', () => {
    const expected: Record<string, [string, number]> = {
      table_id_unique: ['pass', 0],
      table_id_not_null: ['pass', 0],
      table_dup_unique: ['warn', 7],
      ok_id_unique: ['pass', 0],
      ok_id_not_null: ['pass', 0],
      // seven values, each repeated: seven failing groups (the test's own query counts them)
      ok_dup_unique: ['fail', 7],
      wide_unique: ['fail', 1],
      wide_not_null: ['pass', 0],
      // 3 is both a key and the extra row
      nostats_unique: ['fail', 1],
      nostats_not_null: ['pass', 0],
      text_unique: ['pass', 0],
      text_not_null: ['pass', 0],
    };
    for (const [name, [status, failures]] of Object.entries(expected)) {
      const r = results.find((x) => x.unique_id.split('.')[2] === name)!;
      expect([name, r.status, r.failures]).toEqual([name, status, failures]);
      expect([name, r.adapter_response['batched']]).toEqual([name, true]);
    }
    expect(exitCode).toBe(1);
  });

  it('counts an integer key with a bitmap when DuckDB knows its range, else with count(distinct)', () => {
    // a table's batch: the bitmaps join its whole-table aggregates
    expect(queriesOn('keys').filter((l) => l.includes('bitstring_agg(id)') && l.includes('bitstring_agg(dup)'))).toHaveLength(1);
    const ok = queriesOn('v_ok');
    expect(ok.filter((l) => l.includes('bitstring_agg(id)') && l.includes('bitstring_agg(dup)'))).toHaveLength(1);
    expect(ok.some((l) => l.includes('count(distinct'))).toBe(false);
    // the bitmap is refused (too wide a range, no statistics), then count(distinct) answers
    for (const name of ['v_wide', 'v_nostats']) {
      const q = queriesOn(name);
      expect([name, q.filter((l) => l.includes('bitstring_agg')).length]).toEqual([name, 1]);
      expect([name, q.filter((l) => l.includes('count(distinct')).length]).toEqual([name, 1]);
    }
    // not an integer: count(distinct) from the start
    const text = queriesOn('v_text');
    expect(text.some((l) => l.includes('bitstring_agg'))).toBe(false);
    expect(text.filter((l) => l.includes('count(distinct label)'))).toHaveLength(1);
  });
});
