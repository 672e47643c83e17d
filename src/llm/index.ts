/**
 * LLM enrichment from SQL: `llm_generate(...)` and `llm_embed(...)` in templates, answered from a
 * response cache kept in the target database (`_bmp.llm_cache`).
 *
 * A model that calls them renders to lookups of the cache (`"_bmp"."llm_response"('<spec>', prompt)`).
 * Before it materializes, the run evaluates its prompts in DuckDB (a collect pass: the same SQL
 * with each lookup also handing its key and prompt to a JS function), requests the distinct
 * missing ones from the provider within the concurrency bound, appends the responses to the cache,
 * and only then builds the model, whose lookups now find every response. Responses never enter
 * SQL text. Providers: `offline` (default; deterministic, labeled, no network) and `ollama`.
 *
 * @example
 * ```sql
 * select memory_id,
 *        {{ llm_generate("'Summarise in one sentence: ' || content") }} as gist,
 *        {{ llm_embed('content', dims=256) }} as embedding
 * from {{ ref('stg_memories') }}
 * ```
 */
export { llmPlugin } from './plugin.js';
export { LlmRuntime, type NodeLlmFigures, type RunTotals } from './runtime.js';
export { parseLlmSettings, settingsForTarget, describeProvider, normalizeBaseUrl, OFFLINE_DIMS, OFFLINE_MODEL, type LlmSettings, type ProviderName } from './settings.js';
export { generateSpec, embedSpec, specId, specJson, normalizePrompt, cacheKey, type LlmSpec, type LlmKind } from './spec.js';
export { llmTemplateGlobals, LlmSpecs } from './template.js';
export { createProvider, OllamaProvider, OfflineProvider, type LlmProvider, type LlmResponse } from './provider.js';
export { offlineGenerate, offlineGist, offlineConcepts, offlineEmbedding, OFFLINE_LABEL } from './offline.js';
export { ensureCache, cacheExists, cacheStats, pruneCache, type CacheStatsRow, type PruneOptions } from './cache.js';
export { llmCacheStats, llmCachePrune, type CacheStatsReport, type CacheTaskOptions } from './cache-task.js';
export { CACHE_SQL, STATE_SCHEMA, CACHE_TABLE } from '../adapters/duckdb/index.js';
export { Limiter } from './limiter.js';
export { LlmError } from './errors.js';
