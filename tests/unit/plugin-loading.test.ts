/**
 * The built-in plugins load their heavy parts only when a run needs them: the testing plugin's
 * runners when a test is selected, the LLM runtime when a model's SQL calls the LLM. (The paths
 * that do load them are covered by the integration tests that run tests and LLM models.)
 */
import { describe, expect, it } from 'vitest';
import { llmPlugin } from '../../src/llm/plugin.js';
import { testingPlugin } from '../../src/testing/testing-plugin.js';
import type { RunContext } from '../../src/execute/plugin.js';

const untouchable = new Proxy({}, { get: (_t, key) => { throw new Error(`touched ${String(key)}`); } });

function runContext(types: Record<string, string>, selected: string[]): RunContext {
  const nodes = new Map(Object.entries(types).map(([id, resourceType]) => [id, { uniqueId: id, resourceType }]));
  return {
    invocation: { options: { llmOffline: true } },
    selected,
    cfg: { target: { llm: undefined, profilesFile: 'profiles.yml' } },
    manifest: { nodes },
    engine: { registry: untouchable },
    session: { opts: { storeFailures: false }, isInterrupted: false, catalog: untouchable },
  } as unknown as RunContext;
}

describe('plugins load what a run needs', () => {
  it('the testing plugin installs no runners for a run that selects no test, and both for one that selects a unit test', async () => {
    const types = { 'model.p.a': 'model', 'test.p.t': 'test', 'unit_test.p.a.u': 'unit_test' };
    expect(await testingPlugin().setup!(runContext(types, ['model.p.a']))).toEqual({});
    const run = await testingPlugin().setup!(runContext(types, ['model.p.a', 'unit_test.p.a.u']));
    expect(Object.keys(run?.runners ?? {}).sort()).toEqual(['test', 'unit_test']);
  });

  it('the LLM step passes over SQL that calls no LLM without touching the connection, and tears down without a runtime', async () => {
    const run = await llmPlugin().setup!(runContext({ 'model.p.a': 'model' }, ['model.p.a']));
    const compiled = { compiledSql: 'select 1 as llm_generate_not_a_call', config: {} } as never;
    expect(await run!.beforeMaterialize!(compiled, untouchable as never)).toBeUndefined();
    await expect(Promise.resolve(run!.teardown!())).resolves.toBeUndefined();
  });
});
