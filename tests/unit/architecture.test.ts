/**
 * Layers only point down (README "Architecture"): every import in src/ — static, type-only,
 * re-exported and dynamic — goes from a room to a room of the same or a lower layer; rooms never
 * reach each other in a cycle; no two files import each other at run time. The checks themselves
 * are tested on synthetic graphs, so this test can fail.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayers, importEdges, importsOf, type ImportEdge } from '../helpers/import-graph.js';
import { statementLiterals, statementLiteralsOf } from '../helpers/sql-literals.js';
import { ROOT } from '../helpers/project.js';

/** Lowest first; a room may import rooms of its own layer or below. */
const LAYERS: readonly (readonly string[])[] = [
  ['errors', 'manifest'],
  ['config', 'adapters'],
  ['jinja', 'graph', 'report', 'data-tests'],
  ['parse', 'compile'],
  ['materializations', 'state'],
  ['execute'],
  ['testing', 'llm', 'docs'],
  ['tasks', 'watch', 'deps'],
  ['cli', 'index'],
];

const show = (e: ImportEdge) => `${e.from} -> ${e.to} (${e.kind})`;

describe('src/ imports flow downward', () => {
  const edges = importEdges(join(ROOT, 'src'));
  const result = checkLayers(edges, LAYERS);

  it('the scan sees the source tree (static, type-only and dynamic imports)', () => {
    expect(edges.length).toBeGreaterThan(300);
    for (const kind of ['static', 'type', 'dynamic'] as const) expect(edges.some((e) => e.kind === kind), kind).toBe(true);
  });

  it('every room has a layer', () => {
    expect(result.unknownRooms).toEqual([]);
  });

  it('no import points to a higher layer', () => {
    expect(result.upward.map((v) => `${show(v.edge)}: layer ${v.fromLayer} -> ${v.toLayer}`)).toEqual([]);
  });

  it('no two rooms reach each other', () => {
    expect(result.roomCycles).toEqual([]);
  });

  it('no two files import each other at run time', () => {
    expect(result.fileCycles).toEqual([]);
  });
});

describe('the checks fail on a bad graph', () => {
  const layers = [['low'], ['mid', 'side'], ['top']];
  const edge = (from: string, to: string, kind: ImportEdge['kind'] = 'static'): ImportEdge => ({ from, to, kind });
  const clean = [edge('top/a.ts', 'mid/b.ts'), edge('mid/b.ts', 'low/c.ts'), edge('side/d.ts', 'mid/b.ts', 'type'), edge('mid/b.ts', 'mid/e.ts')];

  it('a clean graph passes', () => {
    expect(checkLayers(clean, layers)).toEqual({ upward: [], unknownRooms: [], roomCycles: [], fileCycles: [] });
  });

  it('one upward edge fails, whatever its kind', () => {
    for (const kind of ['static', 'type', 'dynamic'] as const) {
      const r = checkLayers([...clean, edge('low/c.ts', 'top/a.ts', kind)], layers);
      expect(r.upward.map((v) => [show(v.edge), v.fromLayer, v.toLayer])).toEqual([[`low/c.ts -> top/a.ts (${kind})`, 0, 2]]);
    }
  });

  it('a cycle between two rooms of one layer fails', () => {
    const r = checkLayers([...clean, edge('mid/b.ts', 'side/f.ts', 'dynamic')], layers);
    expect(r.upward).toEqual([]);
    expect(r.roomCycles).toEqual([['mid', 'side']]);
  });

  it('a runtime cycle between two files fails; a type-only one does not', () => {
    expect(checkLayers([...clean, edge('mid/e.ts', 'mid/b.ts')], layers).fileCycles).toEqual([['mid/b.ts', 'mid/e.ts']]);
    expect(checkLayers([...clean, edge('mid/e.ts', 'mid/b.ts', 'type')], layers).fileCycles).toEqual([]);
  });

  it('a room missing from the table fails', () => {
    expect(checkLayers([...clean, edge('new/x.ts', 'low/c.ts')], layers).unknownRooms).toEqual(['new']);
  });
});

describe('the scanner', () => {
  it('reads every form of import', () => {
    const src = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, type D } from './c.js';",
      "import { type E, f } from './e.js';",
      "export { g } from './g.js';",
      "export type { H } from './h.js';",
      "export * from './i.js';",
      "type J = import('./j.js').J;",
      "export async function k() { return import('./k.js'); }",
      "import 'node:fs';",
    ].join('\n');
    expect(importsOf(src)).toEqual([
      { specifier: './a.js', kind: 'static' },
      { specifier: './b.js', kind: 'type' },
      { specifier: './c.js', kind: 'type' },
      { specifier: './e.js', kind: 'static' },
      { specifier: './g.js', kind: 'static' },
      { specifier: './h.js', kind: 'type' },
      { specifier: './i.js', kind: 'static' },
      { specifier: './j.js', kind: 'type' },
      { specifier: './k.js', kind: 'dynamic' },
      { specifier: 'node:fs', kind: 'static' },
    ]);
  });

  it('resolves relative imports to files under the root and leaves tests out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bmp-arch-'));
    try {
      mkdirSync(join(dir, 'low'));
      mkdirSync(join(dir, 'top'));
      writeFileSync(join(dir, 'low/c.ts'), "export const c = 1;\n");
      writeFileSync(join(dir, 'top/a.ts'), "import { c } from '../low/c.js';\nexport const a = () => import('../errors.js');\n");
      writeFileSync(join(dir, 'top/a.test.ts'), "import { a } from './a.js';\n");
      writeFileSync(join(dir, 'errors.ts'), "import type { c } from './low/c.js';\n");
      expect(importEdges(dir)).toEqual([
        { from: 'errors.ts', to: 'low/c.ts', kind: 'type' },
        { from: 'top/a.ts', to: 'low/c.ts', kind: 'static' },
        { from: 'top/a.ts', to: 'errors.ts', kind: 'dynamic' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Engine SQL lives in src/adapters (docs/ARCHITECTURE.md, "The engine boundary"): no string or
 * template literal outside it opens with a DDL/DML statement. There are no exceptions left (the
 * unit-test runner's scratch tables were the last: src/adapters/duckdb/unit-test-database.ts).
 */
describe('engine SQL lives in src/adapters', () => {
  const found = statementLiterals(join(ROOT, 'src'), (p) => p === 'adapters' || p === 'docs/page');

  it('no file outside src/adapters writes statement text', () => {
    expect(Object.fromEntries(found)).toEqual({});
  });

  it('src/adapters is where the statements are', () => {
    const inAdapters = statementLiterals(join(ROOT, 'src', 'adapters'));
    expect(inAdapters.size).toBeGreaterThanOrEqual(3);
    expect([...inAdapters.values()].flat()).toEqual(expect.arrayContaining(['create or replace view', 'merge into', 'insert into', 'alter table', 'copy (']));
  });

  it('the scanner finds statements in string and template literals, not in comments or names', () => {
    const src = [
      '// create table in a comment',
      '/** `insert into t` in documentation */',
      "const a = 'create or replace table x as select 1';",
      'const b = `\n  insert into ${t} select 1`;',
      "const c = 'truncate';",
      'const d = `create schema\u0000${s}`;',
      "const e = 'select * from t';",
      'const f = `alter table ${t} add column x int`;',
      "const g = 'delete from t where x';",
      'const h = `copy (select 1) to ${p}`;',
      'const i = `update ${t} as k set n = 1`;',
      'const j = `drop ${kind} if exists ${t}`;',
      'const k = `select ${a} from ${t}`;',
    ].join('\n');
    expect(statementLiteralsOf(src)).toEqual(['create or replace table', 'insert into', 'alter table', 'delete from', 'copy (', 'update ${} as k set', 'drop ${}']);
  });
});
