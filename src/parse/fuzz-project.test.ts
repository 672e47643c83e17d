/**
 * Property tests: a small project with one file mutated (a model template, a macro file, a properties
 * file, a singular test) goes through load → parse → graph → compile. Whatever the mutation, the
 * result is a compiled project or a typed BmpError with a one-line message: never a crash.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileNode, InvocationContext, makeInvocation, type CompileEnv } from '../compile/index.js';
import { loadConfig } from '../config/index.js';
import { BmpError } from '../errors.js';
import { buildGraph } from '../graph/index.js';
import { TemplateEngine, jinjaYamlSyntax } from '../jinja/index.js';
import { parseProject } from './index.js';

const FILES: Readonly<Record<string, string>> = {
  'project.yml': 'name: fz\nprofile: fz\nvars:\n  min_id: 0\n  statuses: [placed, shipped]\nmodels:\n  fz:\n    +materialized: view\n    marts:\n      +materialized: table\n',
  'profiles.yml': 'fz:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n',
  'macros/helpers.sql': [
    '{% macro cents(col, scale=100) -%}',
    '  cast(round({{ col }} * {{ scale }}) as integer)',
    '{%- endmacro %}',
    '',
    '{% macro status_list() %}',
    "  {% set out = [] %}{% for s in var('statuses') %}{% do out.append(\"'\" ~ s ~ \"'\") %}{% endfor %}",
    "  {{ return(out | join(', ')) }}",
    '{% endmacro %}',
    '',
    '{% macro rec(n) %}{{ rec(n) }}{% endmacro %}',
    '',
    '{% test positive(model, column_name) %}',
    'select * from {{ model }} where {{ column_name }} <= 0',
    '{% endtest %}',
    '',
  ].join('\n'),
  'models/staging/stg_orders.sql': [
    "{{ config(materialized='view', tags=['staging']) }}",
    "select id, {{ cents('amount') }} as amount_cents, status",
    "from {{ source('raw', 'orders') }}",
    "where id > {{ var('min_id', 0) }} and status in ({{ status_list() }})",
    '',
  ].join('\n'),
  'models/staging/eph_customers.sql': "{{ config(materialized='ephemeral') }}\nselect id, name from {{ source('raw', 'customers') }}\n",
  'models/marts/orders.sql': [
    "{{ config(materialized='incremental', unique_key='id', on_schema_change='append_new_columns') }}",
    "{% set cols = ['id', 'amount_cents'] %}",
    'select {% for c in cols %}o.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}, c.name',
    "from {{ ref('stg_orders') }} o join {{ ref('eph_customers') }} c using (id)",
    '{% if is_incremental() %}where o.id > (select max(id) from {{ this }}){% endif %}',
    '',
  ].join('\n'),
  'models/schema.yml': [
    'version: 2',
    'sources:',
    '  - name: raw',
    '    tables:',
    '      - name: orders',
    '      - name: customers',
    'models:',
    '  - name: orders',
    '    config: {tags: [mart]}',
    '    columns:',
    '      - name: id',
    '        tests: [unique, not_null]',
    '      - name: amount_cents',
    '        tests: [positive]',
    '',
  ].join('\n'),
  'tests/assert_no_negative.sql': "select * from {{ ref('orders') }} where amount_cents < 0\n",
};
const MUTABLE = Object.keys(FILES).filter((f) => f !== 'profiles.yml');

/** Calls that are easy to get wrong: missing or wrong-typed arguments, recursion, return() out of place. */
const TRICKY = [
  '{{ ref() }}', '{{ ref(1) }}', "{{ ref('a', 'b', 'c') }}", "{{ source('raw') }}", '{{ source() }}', '{{ config(1) }}', "{{ config('x') }}",
  '{{ config(materialized=none) }}', '{{ config(tags=none) }}', "{{ config(pre_hook=1) }}", '{{ var() }}', '{{ env_var() }}', '{{ this.foo.bar() }}',
  '{{ adapter.get_relation() }}', '{{ adapter.get_columns_in_relation(none) }}', '{{ run_query() }}', '{{ return(1) }}', '{{ exceptions.raise_compiler_error() }}',
  '{{ log() }}', '{{ none.x }}', '{{ [].x() }}', '{% set x = y.z.w %}', '{{ rec(1) }}', "{{ cents('a', 2, 3) }}", "{{ cents(col='a', scal=2) }}",
  "{{ ref('stg_orders').foo() }}", "{{ var('x', none).y }}", '{{ is_incremental(1, 2) }}', "{{ fromjson('{') }}", '{{ 1/0 }}',
  '{% call cents(1) %}x{% endcall %}', "{{ adapter.dispatch('cents')('a') }}", '{{ adapter.dispatch()() }}', "{{ doc('nope') }}",
  "{{ dbt_utils.star(ref('stg_orders')) }}", '{% macro local() %}{{ return(1) }}{% endmacro %}{{ local() }}', '{{ status_list(1) }}',
];

const TOKENS = ['{{', '}}', '{%', '%}', '{#', '#}', '{%-', '-%}', '(', ')', "'", '"', ',', '|', '.', '=', '~', '[', ']', 'ref(', "source('raw', ", 'config(', 'var(', 'endif', 'endfor', 'endmacro', 'return(', ' if ', ' else ', ' in ', 'loop.', 'none', ':', '- ', '\n', '  ', '\t'];

type Mutation = { readonly kind: 'insert'; readonly at: number; readonly text: string } | { readonly kind: 'delete'; readonly at: number; readonly len: number } | { readonly kind: 'swapLines'; readonly a: number; readonly b: number } | { readonly kind: 'dupLine'; readonly at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 3 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 10 }) }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const lines = out.split('\n');
    if (m.kind === 'insert') {
      const at = m.at % (out.length + 1);
      out = out.slice(0, at) + m.text + out.slice(at);
    } else if (m.kind === 'delete') {
      const at = m.at % (out.length + 1);
      out = out.slice(0, at) + out.slice(at + m.len);
    } else if (m.kind === 'swapLines') {
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      out = lines.join('\n');
    } else {
      const i = m.at % lines.length;
      lines.splice(i, 0, lines[i]!);
      out = lines.join('\n');
    }
  }
  return out;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function writeProject(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** load → parse → graph → compile every node, as `bmp compile` does without a database. */
async function compileAll(dir: string): Promise<Map<string, string>> {
  const cfg = await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir });
  const { manifest, engine } = await parseProject(cfg);
  buildGraph(manifest);
  const context = new InvocationContext(cfg, engine, makeInvocation('compile', {}, 'fuzz', new Date('2024-01-01T00:00:00Z')), manifest);
  const env: CompileEnv = { cfg, manifest, engine, context: { shared: context }, fullRefresh: false, output: () => ({ log: () => undefined, print: () => undefined, warn: () => undefined }) };
  const out = new Map<string, string>();
  for (const node of manifest.nodes.values()) out.set(node.uniqueId, (await compileNode(node, env)).compiledSql);
  return out;
}

function expectTyped(err: unknown, label: string): void {
  if (!(err instanceof BmpError)) throw new Error(`${label}: not a BmpError: ${(err as Error)?.stack ?? String(err)}`);
  expect(err.format(), label).not.toMatch(/\n/);
  expect(err.format()).toMatch(/\[BMP_[A-Z_]+\]$/);
}

describe('fuzzing parse and compile', () => {
  it('the seed project compiles (so the mutations, not the seed, make the errors)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bmp-fuzz-project-'));
    dirs.push(dir);
    writeProject(dir, FILES);
    const compiled = await compileAll(dir);
    expect(compiled.get('model.fz.orders')).toMatch(/with __dbt__cte__eph_customers as \(/);
    expect(compiled.get('model.fz.stg_orders')).toMatch(/status in \(\s*'placed', 'shipped'\s*\)/);
    expect([...compiled.keys()].filter((k) => k.startsWith('test.'))).toHaveLength(4);
  });

  it('one mutated file: a compiled project or a typed, located, one-line error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bmp-fuzz-project-'));
    dirs.push(dir);
    writeProject(dir, FILES);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...MUTABLE), fc.array(mutation, { minLength: 1, maxLength: 5 }), async (file, muts) => {
        const text = mutate(FILES[file]!, muts);
        writeFileSync(join(dir, file), text);
        try {
          await compileAll(dir);
        } catch (err) {
          expectTyped(err, `${file}: ${JSON.stringify(text)}`);
          // an error in a file names a file
          if (err instanceof BmpError && !['BMP_GRAPH_CYCLE', 'BMP_PROFILE_NOT_FOUND'].includes(err.code)) expect(err.where.file ?? err.message, `${file}: ${JSON.stringify(text)}`).toBeTruthy();
        } finally {
          writeFileSync(join(dir, file), FILES[file]!);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('tricky calls anywhere in a model: a compiled project or a typed error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bmp-fuzz-project-'));
    dirs.push(dir);
    writeProject(dir, FILES);
    const file = 'models/marts/orders.sql';
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TRICKY), fc.nat(), async (call, at) => {
        const seed = FILES[file]!;
        const lines = seed.split('\n');
        lines.splice(at % lines.length, 0, call);
        const text = lines.join('\n');
        writeFileSync(join(dir, file), text);
        try {
          await compileAll(dir);
        } catch (err) {
          expectTyped(err, `${file}: ${JSON.stringify(text)}`);
        } finally {
          writeFileSync(join(dir, file), seed);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('templates rendered on their own: output or a typed error, for any mutation', () => {
    const engine = new TemplateEngine();
    engine.addMacroFile({ file: 'macros/helpers.sql', text: FILES['macros/helpers.sql']! });
    const globals = { var: (k: string, d?: unknown) => ({ statuses: ['a', 'b'], min_id: 0 })[k] ?? d, ref: (n: string) => `"main"."${n}"`, source: (s: string, t: string) => `"${s}"."${t}"`, config: () => '', is_incremental: () => false, this: '"main"."x"' };
    const seeds = Object.entries(FILES).filter(([f]) => f.endsWith('.sql'));
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }), ([file, seed], muts) => {
        const source = mutate(seed, muts);
        try {
          engine.render({ file, source }, globals);
        } catch (err) {
          expectTyped(err, JSON.stringify(source));
        }
      }),
      { numRuns: 800 },
    );
  });
});
