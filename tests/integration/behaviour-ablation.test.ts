import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute } from '../../src/tasks/index.js';
import { copyPipeline, removeDir, ROOT } from '../helpers/project.js';

/**
 * Each behavioural test of the Biological Memory Pipeline (tests/sql/behaviour) holds the pipeline
 * to a finding from the literature. This checks that each one can fail: with its mechanism
 * switched off (scripts/behaviour-ablations.json, shared with scripts/behaviour-ablation.mjs,
 * which prints the table in docs/PIPELINE.md), the pipeline is built at the default 10,000
 * memories and the behavioural tests run; the ones the case names must fail, and where a case
 * names none, none may. A rewrite of a test that made it pass whatever the pipeline does fails
 * here.
 */
interface Ablation {
  readonly name: string;
  readonly vars: Record<string, unknown>;
  readonly expect: readonly string[];
}

const ABLATIONS = JSON.parse(readFileSync(join(ROOT, 'scripts/behaviour-ablations.json'), 'utf8')) as { cases: Ablation[]; contracts: Record<string, string> };
const CASES = ABLATIONS.cases;
const BEHAVIOUR_TESTS = readdirSync(join(ROOT, 'tests/sql/behaviour')).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -'.sql'.length));

let dir: string;
beforeAll(() => {
  dir = copyPipeline('bmp-ablation-');
});
afterAll(() => removeDir(dir));

/** The behavioural tests that did not pass after building with `vars` into a fresh database. */
async function failingWith(vars: Record<string, unknown>, db: string): Promise<string[]> {
  process.env['BMP_DB_PATH'] = db;
  try {
    const run = await execute('run', { projectDir: dir, vars });
    expect(run.results.filter((r) => r.status !== 'success').map((r) => `${r.uniqueId}: ${r.message}`)).toEqual([]);
    const tested = await execute('test', { projectDir: dir, vars, select: ['path:tests/sql/behaviour'] });
    // every behavioural test ran (a selection that matched fewer would hide a test that cannot fail)
    expect(tested.results.map((r) => r.uniqueId.split('.')[2]).sort()).toEqual([...BEHAVIOUR_TESTS].sort());
    expect(tested.results.filter((r) => r.status === 'error').map((r) => `${r.uniqueId}: ${r.message}`)).toEqual([]);
    return tested.results.filter((r) => r.status !== 'pass').map((r) => String(r.uniqueId.split('.')[2]));
  } finally {
    delete process.env['BMP_DB_PATH'];
  }
}

describe('each behavioural test fails when its mechanism is switched off', () => {
  it('covers every behavioural test with a case that must make it fail (or names it a contract)', () => {
    const covered = new Set([...CASES.flatMap((c) => c.expect), ...Object.keys(ABLATIONS.contracts)]);
    expect(BEHAVIOUR_TESTS.filter((t) => !covered.has(t))).toEqual([]);
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const failing = await failingWith(c.vars, join(dir, `case-${i}.duckdb`));
    if (c.expect.length === 0) expect(failing).toEqual([]);
    else expect(failing).toEqual(expect.arrayContaining([...c.expect]));
  });
});
