import { AttemptError } from './errors.js';
import { HttpPool, postJson, RequestFailed } from './http.js';
import { offlineEmbedding, offlineGenerate } from './offline.js';
import { OFFLINE_DIMS, type LlmSettings, type ProviderName } from './settings.js';
import type { LlmSpec } from './spec.js';

/** One response: text (generate) or a vector (embed), with what it cost. */
export interface LlmResponse {
  readonly response?: string;
  readonly embedding?: readonly number[];
  readonly durationMs: number;
  readonly attempts: number;
}

/** A provider answers one prompt at a time; the runtime bounds how many run at once. */
export interface LlmProvider {
  readonly name: ProviderName;
  /** Where requests go, for messages (`http://127.0.0.1:11434`, or `offline`). */
  readonly endpoint: string;
  /**
   * @throws RequestFailed after the provider's retries.
   */
  complete(spec: LlmSpec, prompt: string, ctx: { signal?: AbortSignal; onRetry?: () => void }): Promise<LlmResponse>;
  /** Providers that answer without I/O may also answer synchronously (no queue, no promise). */
  completeSync?(spec: LlmSpec, prompt: string): LlmResponse;
  /** Releases connections (end of run). */
  close?(): void;
}

/** The provider the settings name. */
export function createProvider(settings: LlmSettings): LlmProvider {
  return settings.provider === 'ollama' ? new OllamaProvider(settings) : new OfflineProvider();
}

export class OfflineProvider implements LlmProvider {
  readonly name = 'offline' as const;
  readonly endpoint = 'offline';

  async complete(spec: LlmSpec, prompt: string): Promise<LlmResponse> {
    return this.completeSync(spec, prompt);
  }

  completeSync(spec: LlmSpec, prompt: string): LlmResponse {
    const t0 = performance.now();
    if (spec.kind === 'embed') {
      const dims = Number(spec.options['dims'] ?? OFFLINE_DIMS);
      return { embedding: offlineEmbedding(prompt, dims), durationMs: performance.now() - t0, attempts: 1 };
    }
    return { response: offlineGenerate(prompt, !!spec.options['json']), durationMs: performance.now() - t0, attempts: 1 };
  }
}

/**
 * Ollama's HTTP API: `POST /api/generate` (`stream: false`, `format: "json"` in JSON mode, whose
 * answer must parse as JSON) and `POST /api/embed` (one input per request; its length must equal
 * `dims` when given).
 */
export class OllamaProvider implements LlmProvider {
  readonly name = 'ollama' as const;
  readonly endpoint: string;
  private readonly pool = new HttpPool();

  constructor(private readonly settings: LlmSettings) {
    this.endpoint = settings.baseUrl;
  }

  close(): void {
    this.pool.close();
  }

  async complete(spec: LlmSpec, prompt: string, ctx: { signal?: AbortSignal; onRetry?: () => void }): Promise<LlmResponse> {
    const s = this.settings;
    const headers = s.apiKey ? { authorization: `Bearer ${s.apiKey}` } : undefined;
    const policy = { retries: s.retries, backoffMs: s.backoffMs, timeoutMs: s.timeoutMs };
    const o = spec.options;
    if (spec.kind === 'embed') {
      const dims = o['dims'] === undefined ? undefined : Number(o['dims']);
      const body = { model: spec.model, input: prompt, ...(dims ? { dimensions: dims } : {}), ...(s.keepAlive ? { keep_alive: s.keepAlive } : {}) };
      const r = await postJson(`${s.baseUrl}/api/embed`, body, policy, (json) => validateEmbedding(json, dims), { ...ctx, headers, pool: this.pool });
      return { embedding: r.value, durationMs: r.durationMs, attempts: r.attempts };
    }
    const json = !!o['json'];
    const body = {
      model: spec.model,
      prompt,
      stream: false,
      ...(json ? { format: 'json' } : {}),
      ...(o['system'] !== undefined ? { system: o['system'] } : {}),
      ...(o['options'] !== undefined ? { options: o['options'] } : {}),
      ...(s.keepAlive ? { keep_alive: s.keepAlive } : {}),
    };
    const r = await postJson(`${s.baseUrl}/api/generate`, body, policy, (j) => validateGenerate(j, json), { ...ctx, headers, pool: this.pool });
    return { response: r.value, durationMs: r.durationMs, attempts: r.attempts };
  }
}

function validateGenerate(json: unknown, jsonMode: boolean): string {
  const r = (json as { response?: unknown } | null)?.response;
  if (typeof r !== 'string') throw new Error(`the response has no 'response' text`);
  if (jsonMode) {
    try {
      const parsed = JSON.parse(r) as unknown;
      if (parsed === null || typeof parsed !== 'object') throw new Error('not an object');
    } catch {
      throw new Error(`JSON mode: the model answered with text that is not a JSON object (${JSON.stringify(r.slice(0, 60))})`);
    }
  }
  return r;
}

function validateEmbedding(json: unknown, dims: number | undefined): number[] {
  const e = (json as { embeddings?: unknown } | null)?.embeddings;
  const v = Array.isArray(e) ? (e[0] as unknown) : undefined;
  if (!Array.isArray(v) || !v.length || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new Error(`the response has no 'embeddings' vector`);
  // asking again would not change the model's size
  if (dims !== undefined && v.length !== dims) throw new AttemptError(`the embedding has ${v.length} dimensions, llm_embed asked for ${dims}`, false);
  return v as number[];
}

export { RequestFailed };
