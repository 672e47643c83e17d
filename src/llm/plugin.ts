import type { Session } from '../execute/index.js';
import { registerDefaultPlugin, type SessionPlugin } from '../tasks/run-task.js';
import { LlmRuntime } from './runtime.js';
import './parse-stubs.js';
import { settingsForTarget } from './settings.js';
import { CACHE_TABLE, STATE_SCHEMA } from './sql.js';
import { llmTemplateGlobals } from './template.js';

const runtimes = new WeakMap<Session, LlmRuntime>();

/** The LLM runtime of a session (undefined before setup or without one). */
export function runtimeOf(session: Session): LlmRuntime | undefined {
  return runtimes.get(session);
}

/**
 * `llm_generate`/`llm_embed` in templates, and the collect → fetch → store step before each model
 * that calls them. Registered for every run (see src/tasks/plugins.ts).
 */
export const llmPlugin: SessionPlugin = {
  name: 'llm',
  globals(project, opts) {
    return llmTemplateGlobals(settingsForTarget(project.cfg.target, opts.llmOffline));
  },
  setup(session) {
    const settings = settingsForTarget(session.cfg.target, !!session.opts.flags?.['llmOffline']);
    const runtime = new LlmRuntime(settings, () => session.isInterrupted, undefined, (message) => session.opts.emit({ code: 'A002', type: 'info', message }));
    runtimes.set(session, runtime);
    session.addBeforeMaterialize(async (_s, compiled, conn) => {
      const figures = await runtime.prepare(compiled, conn);
      // the cache table was just created: templates compiled later in this run must see it
      // (adapter.get_relation('_bmp', 'llm_cache') answers from the session catalog)
      if (figures && !session.catalog.get(STATE_SCHEMA, CACHE_TABLE)) await session.catalog.refresh(conn, STATE_SCHEMA, CACHE_TABLE);
      return figures as Readonly<Record<string, unknown>> | undefined;
    });
  },
  teardown(session) {
    runtimes.get(session)?.close();
  },
};

registerDefaultPlugin(llmPlugin);
