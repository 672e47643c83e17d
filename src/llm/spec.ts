import { createHash } from 'node:crypto';
import { OFFLINE_DIMS, OFFLINE_MODEL, type LlmSettings, type ProviderName } from './settings.js';

export type LlmKind = 'generate' | 'embed';

/**
 * Everything that decides a response except the prompt: the cache key is a hash of this and the
 * normalized prompt. Settings that do not change the answer (URL, timeouts, concurrency) stay out.
 */
export interface LlmSpec {
  readonly kind: LlmKind;
  readonly provider: ProviderName;
  readonly model: string;
  /** Canonical (sorted keys, no undefined) options that change the response. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** Options a template gives `llm_generate(...)`. */
export interface GenerateOptions {
  readonly model?: string;
  readonly json?: boolean;
  readonly system?: string;
  readonly temperature?: number;
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Options a template gives `llm_embed(...)`. */
export interface EmbedOptions {
  readonly model?: string;
  readonly dims?: number;
}

/** The spec of one `llm_generate` call site under the run's settings. */
export function generateSpec(settings: LlmSettings, o: GenerateOptions): LlmSpec {
  if (settings.provider === 'offline') {
    return freezeSpec({ kind: 'generate', provider: 'offline', model: OFFLINE_MODEL, options: { json: !!o.json } });
  }
  const providerOptions = { ...settings.options, ...(o.options ?? {}), ...(o.temperature !== undefined ? { temperature: o.temperature } : {}) };
  return freezeSpec({
    kind: 'generate',
    provider: settings.provider,
    model: o.model ?? settings.model,
    options: { json: !!o.json, system: o.system, options: Object.keys(providerOptions).length ? providerOptions : undefined },
  });
}

/** The spec of one `llm_embed` call site; `dims` is fixed for offline (default 256). */
export function embedSpec(settings: LlmSettings, o: EmbedOptions): LlmSpec {
  if (settings.provider === 'offline') {
    return freezeSpec({ kind: 'embed', provider: 'offline', model: OFFLINE_MODEL, options: { dims: o.dims ?? settings.embedDims ?? OFFLINE_DIMS } });
  }
  return freezeSpec({ kind: 'embed', provider: settings.provider, model: o.model ?? settings.embedModel, options: { dims: o.dims ?? settings.embedDims } });
}

function freezeSpec(spec: LlmSpec): LlmSpec {
  return Object.freeze({ ...spec, options: canonical(spec.options) as Record<string, unknown> });
}

/** Sorted keys, `undefined` dropped: equal options give equal JSON. */
export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

/** Canonical JSON of a spec (stored beside each cached response). */
export function specJson(spec: LlmSpec): string {
  return JSON.stringify(canonical({ v: 1, kind: spec.kind, provider: spec.provider, model: spec.model, options: spec.options }));
}

/** 32 hex digits naming a spec; it appears in compiled SQL as a literal. */
export function specId(spec: LlmSpec): string {
  return createHash('sha256').update(specJson(spec)).digest('hex').slice(0, 32);
}

/**
 * Whitespace runs (space, tab, newline, CR, form feed, vertical tab) become one space; leading and
 * trailing spaces go. The SQL twin is {@link normalizeSql}; a property test keeps them equal.
 */
export function normalizePrompt(prompt: string): string {
  return prompt.replace(/[ \t\n\r\f\v]+/g, ' ').replace(/^ +| +$/g, '');
}

/** The cache key: sha256 of spec id, a unit separator and the normalized prompt (hex). */
export function cacheKey(spec: string, normalizedPrompt: string): string {
  return createHash('sha256').update(`${spec}\u001f${normalizedPrompt}`, 'utf8').digest('hex');
}
