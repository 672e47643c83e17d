/**
 * The LLM plugin: `llm_generate`/`llm_embed` in templates, and the collect → fetch → store step
 * before each model that calls them. Named in the default plugin list (src/tasks/plugins.ts).
 */
import type { BmpPlugin } from '../execute/index.js';
import { parseLlmSettings, settingsForTarget } from './settings.js';
import { CACHE_TABLE, STATE_SCHEMA } from '../adapters/duckdb/index.js';
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
      // the runtime (providers, HTTP, the cache) loads with the first run that needs it
      const { LlmRuntime } = await import('./runtime.js');
      const settings = settingsForTarget(cfg.target, !!invocation.options.llmOffline);
      const runtime = new LlmRuntime(settings, specs, () => session.isInterrupted, undefined, (message) => session.opts.emit({ code: 'A002', type: 'info', message }));
      return {
        beforeMaterialize: async (compiled, conn) => {
          const figures = await runtime.prepare(compiled, conn);
          // the cache table was just created: templates compiled later in this run must see it
          // (adapter.get_relation('_bmp', 'llm_cache') answers from the session catalog)
          if (figures && !session.catalog.get(STATE_SCHEMA, CACHE_TABLE)) await session.catalog.refresh(conn, STATE_SCHEMA, CACHE_TABLE);
          return figures ? { ...figures } : undefined;
        },
        teardown: () => runtime.close(),
      };
    },
  };
}
