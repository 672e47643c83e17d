/**
 * The LLM plugin: `llm_generate`/`llm_embed` in templates, and the collect → fetch → store step
 * before each model that calls them. Named in the default plugin list (src/tasks/plugins.ts).
 */
import type { BeforeMaterializeHook, BmpPlugin } from '../execute/index.js';
import { parseLlmSettings, settingsForTarget } from './settings.js';
import { CACHE_TABLE, countCallSites, STATE_SCHEMA } from '../adapters/duckdb/index.js';
import type { LlmRuntime } from './runtime.js';
import { llmTemplateGlobals, LlmSpecs } from './template.js';

export function llmPlugin(): BmpPlugin {
  // the specs this invocation's templates register; the run's collect pass reads them back
  const specs = new LlmSpecs();
  return {
    name: 'llm',
    templateGlobals(phase, { cfg, invocation }) {
      // parsing only needs the functions to exist (their SQL is made again when the node compiles)
      if (phase === 'parse') return llmTemplateGlobals(parseLlmSettings(undefined));
      return llmTemplateGlobals(settingsForTarget(cfg.target, !!invocation.options.llmOffline), specs);
    },
    async setup({ cfg, invocation, session }) {
      // the runtime (providers, HTTP, the cache) loads with the first model whose SQL calls the
      // LLM: a run without such a model never loads it, and its other models skip this step
      const settings = settingsForTarget(cfg.target, !!invocation.options.llmOffline);
      let runtime: Promise<LlmRuntime> | undefined;
      const load = () =>
        (runtime ??= import('./runtime.js').then(({ LlmRuntime }) => new LlmRuntime(settings, specs, () => session.isInterrupted, undefined, (message) => session.opts.emit({ code: 'A002', type: 'info', message }))));
      const prepare: BeforeMaterializeHook = async (compiled, conn, scratch) => {
        const figures = await (await load()).prepare(compiled, conn, scratch);
        // the cache table was just created: templates compiled later in this run must see it
        // (adapter.get_relation('_bmp', 'llm_cache') answers from the session catalog)
        if (figures && !session.catalog.get(STATE_SCHEMA, CACHE_TABLE)) await session.catalog.refresh(conn, STATE_SCHEMA, CACHE_TABLE);
        return figures ? { ...figures } : undefined;
      };
      return {
        // a model whose SQL calls no LLM is answered at once
        beforeMaterialize: (compiled, conn, scratch) => (countCallSites(compiled.compiledSql) ? prepare(compiled, conn, scratch) : undefined),
        teardown: async () => {
          if (runtime) (await runtime).close();
        },
      };
    },
  };
}
