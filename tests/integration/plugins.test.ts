/**
 * Plugins are data: each invocation gets the list it is given (`plugins`, default `defaultPlugins()`),
 * their hooks receive the invocation and the selection, and nothing a plugin does outlives the call.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BmpPlugin, RunContext } from '../../src/execute/index.js';
import { compile, defaultPlugins } from '../../src/tasks/index.js';
import { tempProject } from '../helpers/project.js';

const p = tempProject({
  'models/a.sql': "select {{ shout('hi') }} as greeting, 1 as id",
  'models/b.sql': "select id from {{ ref('a') }}",
  'models/_m.yml': 'models:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
});
afterAll(() => p.remove());

/** A plugin that adds `shout()` to templates and records what its hooks were told. */
function recorder(): BmpPlugin & { readonly seen: { phases: string[]; runs: RunContext[]; tornDown: number } } {
  const seen = { phases: [] as string[], runs: [] as RunContext[], tornDown: 0 };
  return {
    name: 'recorder',
    seen,
    templateGlobals(phase, { invocation }) {
      seen.phases.push(`${phase}:${invocation.command}`);
      return { shout: (s: unknown) => `'${String(s).toUpperCase()}'` };
    },
    setup(run) {
      seen.runs.push(run);
      return { teardown: () => void seen.tornDown++ };
    },
  };
}

describe('plugins passed as data', () => {
  it('a plugin adds template globals at parse and run, and its setup gets the invocation and the selection', async () => {
    const plugin = recorder();
    const out = await p.run('build', { select: ['a'], plugins: [...defaultPlugins(), plugin] });
    expect(out.exitCode).toBe(0);
    expect(await p.query('select greeting from main.a')).toEqual([{ greeting: 'HI' }]);
    expect(plugin.seen.phases).toEqual(['parse:build', 'run:build']);
    expect(plugin.seen.runs).toHaveLength(1);
    const run = plugin.seen.runs[0]!;
    expect(run.invocation.command).toBe('build');
    expect(run.selected).toHaveLength(2);
    expect(run.selected).toContain('model.p.a');
    expect(run.selected.filter((id) => id.startsWith('test.p.not_null_a_id'))).toHaveLength(1);
    expect(plugin.seen.tornDown).toBe(1);
  });

  it('without the plugin the global is undefined: nothing is left registered by an earlier call', async () => {
    const out = await p.run('run', { select: ['a'] }).catch((e: Error) => e);
    expect(out).toBeInstanceOf(Error);
    expect((out as Error).message).toMatch(/shout/);
  });

  it('without the testing plugin a data test fails with a clear error, not an older fallback runner', async () => {
    const plugin = recorder();
    const out = await p.run('test', { select: ['a'], plugins: [plugin] });
    expect(out.exitCode).toBe(1);
    expect(out.results).toHaveLength(1);
    expect(out.results[0]!.status).toBe('error');
    expect(out.results[0]!.message).toMatch(/no runner for data tests/);
  });

  it('compile uses the same list (the run-phase globals of the given plugins)', async () => {
    const plugin = recorder();
    const out = await compile({ projectDir: p.dir, select: ['a'], plugins: [plugin] });
    expect(out.compiled.get('model.p.a')).toContain("'HI'");
    expect(plugin.seen.phases).toEqual(['parse:compile', 'run:compile']);
    expect(plugin.seen.runs).toHaveLength(0);
  });
});
