import type { LlmConfig, TargetConfig } from '../config/index.js';
import { ConfigError, didYouMean } from '../errors.js';

export type ProviderName = 'offline' | 'ollama';

/** The `llm:` block of a profile target, validated, with defaults filled in. */
export interface LlmSettings {
  readonly provider: ProviderName;
  /** True when `--llm-offline` (or `offline: true` in the profile) replaced the configured provider. */
  readonly forcedOffline: boolean;
  /** The provider the profile names, before `--llm-offline`. */
  readonly configuredProvider: ProviderName;
  /** Ollama's base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** Default model for `llm_generate`. */
  readonly model: string;
  /** Default model for `llm_embed`. */
  readonly embedModel: string;
  /** Default embedding length when `llm_embed` gives no `dims` (offline: always known). */
  readonly embedDims?: number;
  /** Requests in flight at once, across the whole run. */
  readonly concurrency: number;
  /** Per request. */
  readonly timeoutMs: number;
  /** Extra attempts after the first, on 5xx, 429, timeouts, dropped connections and malformed JSON. */
  readonly retries: number;
  /** First backoff; doubles per retry (capped at 30 s). */
  readonly backoffMs: number;
  /** Sent as `Authorization: Bearer ...` (for an Ollama behind a proxy). */
  readonly apiKey?: string;
  /** Ollama `options` (temperature, num_ctx, seed, ...) for every request; part of the cache key. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Ollama `keep_alive`; not part of the cache key. */
  readonly keepAlive?: string;
}

export const OFFLINE_MODEL = 'bmp-offline-v1';
export const OFFLINE_DIMS = 256;
export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434';

const KEYS = ['provider', 'base_url', 'host', 'model', 'embed_model', 'embed_dims', 'concurrency', 'timeout', 'retries', 'backoff', 'api_key', 'options', 'keep_alive', 'offline'] as const;

/**
 * Reads the target's `llm:` block. `offline` forces the offline provider (`--llm-offline`).
 * @example parseLlmSettings({ provider: 'ollama', model: 'llama3.2', concurrency: 4 })
 * @throws ConfigError BMP_LLM_CONFIG for unknown keys, unknown providers and bad values.
 */
export function parseLlmSettings(raw: LlmConfig | undefined, opts: { offline?: boolean; env?: NodeJS.ProcessEnv; file?: string } = {}): LlmSettings {
  const cfg = (raw ?? { provider: 'offline' }) as Record<string, unknown>;
  const env = opts.env ?? process.env;
  const where = { file: opts.file };
  const fail = (message: string, hint?: string): never => {
    throw new ConfigError('BMP_LLM_CONFIG', `llm: ${message}`, where, hint);
  };
  for (const key of Object.keys(cfg)) {
    if (!(KEYS as readonly string[]).includes(key)) fail(`unknown key '${key}'`, didYouMean(key, KEYS) ?? `keys: ${KEYS.join(', ')}`);
  }
  const provider = String(cfg['provider'] ?? 'offline');
  if (provider !== 'offline' && provider !== 'ollama') fail(`unknown provider '${provider}'`, didYouMean(provider, ['offline', 'ollama']) ?? `providers: offline, ollama`);
  const num = (key: string, fallback: number, { min = 0, integer = false } = {}): number => {
    const v = cfg[key];
    if (v === undefined || v === null || v === '') return fallback;
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) fail(`'${key}' must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  const str = (key: string): string | undefined => {
    const v = cfg[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') fail(`'${key}' must be a string`);
    return String(v);
  };
  const options = cfg['options'] ?? {};
  if (typeof options !== 'object' || Array.isArray(options)) fail(`'options' must be a mapping`);
  const offlineFlag = cfg['offline'];
  const forced = !!opts.offline || offlineFlag === true || offlineFlag === 'true';
  const dims = cfg['embed_dims'] === undefined ? undefined : num('embed_dims', OFFLINE_DIMS, { min: 1, integer: true });
  return {
    provider: forced ? 'offline' : (provider as ProviderName),
    configuredProvider: provider as ProviderName,
    forcedOffline: forced && provider !== 'offline',
    baseUrl: normalizeBaseUrl(str('base_url') ?? str('host') ?? env['OLLAMA_HOST'] ?? DEFAULT_OLLAMA_URL),
    model: str('model') ?? 'llama3.2',
    embedModel: str('embed_model') ?? 'nomic-embed-text',
    embedDims: dims,
    concurrency: num('concurrency', 4, { min: 1, integer: true }),
    timeoutMs: num('timeout', 120, { min: 0.001 }) * 1000,
    retries: num('retries', 2, { integer: true }),
    backoffMs: num('backoff', 0.5) * 1000,
    apiKey: str('api_key'),
    options: options as Record<string, unknown>,
    keepAlive: str('keep_alive'),
  };
}

/** `OLLAMA_HOST` style values (`0.0.0.0:11434`, `localhost`, `https://x/`) → a base URL. */
export function normalizeBaseUrl(value: string): string {
  const raw = value.trim();
  const hadScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  const url = new URL(hadScheme ? raw : `http://${raw}`);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  // a bare host (Ollama's own OLLAMA_HOST convention) means Ollama's port
  if (!hadScheme && !/^[^/]*:\d+/.test(raw)) url.port = '11434';
  return url.toString().replace(/\/+$/, '');
}

/** The settings of a target (its `llm:` block), honouring `--llm-offline`. */
export function settingsForTarget(target: TargetConfig, offline?: boolean): LlmSettings {
  return parseLlmSettings(target.llm, { offline, file: target.profilesFile });
}

/** A one-line description for logs: which provider, model and URL, and whether it is a model at all. */
export function describeProvider(s: LlmSettings): string {
  if (s.provider === 'offline') {
    return `offline (deterministic stand-in, not a language model${s.forcedOffline ? `; ${s.configuredProvider} disabled by --llm-offline` : ''})`;
  }
  return `${s.provider} at ${s.baseUrl}`;
}
