import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, type Connection } from '../../src/adapters/duckdb/index.js';
import { ConfigError } from '../../src/errors.js';
import { ensureCache } from '../../src/llm/cache.js';
import { cacheKey, embedSpec, generateSpec, normalizePrompt, specId } from '../../src/llm/spec.js';
import { DEFAULT_OLLAMA_URL, normalizeBaseUrl, parseLlmSettings } from '../../src/llm/settings.js';
import { embeddingCallSql, responseCallSql } from '../../src/adapters/duckdb/index.js';
import { llmTemplateGlobals } from '../../src/llm/template.js';

let db: Database;
let conn: Connection;
beforeAll(async () => {
  db = await Database.open({ path: ':memory:' });
  conn = await db.connect();
  await ensureCache(conn);
});
afterAll(() => db.close());

const WHITESPACE = [' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u2003', '\u3000', '\u200b'];
const promptArb = fc.array(fc.oneof(fc.constantFrom(...WHITESPACE, "'", '"', ';', '--', "'); drop table x; --", 'é', '🧠', '\\', '%', '_'), fc.string()), { maxLength: 12 }).map((parts) => parts.join(''));

describe('prompt normalization and cache keys', () => {
  it('collapses whitespace runs and trims, keeping everything else', () => {
    expect(normalizePrompt('  a \t\n b\r\n')).toBe('a b');
    expect(normalizePrompt("x'); drop table x; --")).toBe("x'); drop table x; --");
    expect(normalizePrompt('\u00a0a\u00a0')).toBe('\u00a0a\u00a0');
  });

  it('computes the same normalized prompt and key in DuckDB as in JS, for any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(promptArb, { minLength: 1, maxLength: 20 }), async (prompts) => {
        const spec = specId(generateSpec(parseLlmSettings(undefined), {}));
        const rows = await conn.rows<{ p: string; n: string; k: string }>(
          `select p, "_bmp".llm_norm(p) as n, "_bmp".llm_key($2, p) as k from (select unnest($1::varchar[]) as p, generate_subscripts($1::varchar[], 1) as i) order by i`,
          [prompts, spec],
        );
        expect(rows.map((r) => r.n)).toEqual(prompts.map(normalizePrompt));
        expect(rows.map((r) => r.k)).toEqual(prompts.map((p) => cacheKey(spec, normalizePrompt(p))));
      }),
      { numRuns: 60 },
    );
  });
});

describe('specs', () => {
  const offline = parseLlmSettings(undefined);
  const ollama = parseLlmSettings({ provider: 'ollama', model: 'm1' });

  it('differ by provider, model, kind and output-changing options only', () => {
    const ids = new Set([
      specId(generateSpec(ollama, {})),
      specId(generateSpec(ollama, { json: true })),
      specId(generateSpec(ollama, { model: 'm2' })),
      specId(generateSpec(ollama, { temperature: 0 })),
      specId(generateSpec(ollama, { system: 'be brief' })),
      specId(generateSpec(offline, {})),
      specId(embedSpec(ollama, {})),
      specId(embedSpec(ollama, { dims: 8 })),
      specId(embedSpec(offline, {})),
    ]);
    expect(ids.size).toBe(9);
    // URL, timeouts and concurrency do not change an answer: same key
    const other = parseLlmSettings({ provider: 'ollama', model: 'm1', base_url: 'http://elsewhere:1', concurrency: 9, timeout: 3, retries: 0 });
    expect(specId(generateSpec(other, {}))).toBe(specId(generateSpec(ollama, {})));
    // option order does not matter
    expect(specId(generateSpec(ollama, { options: { a: 1, b: 2 } }))).toBe(specId(generateSpec(ollama, { options: { b: 2, a: 1 } })));
  });

  it('--llm-offline replaces the configured provider, and the offline spec ignores the model', () => {
    const forced = parseLlmSettings({ provider: 'ollama', model: 'm1' }, { offline: true });
    expect(forced.provider).toBe('offline');
    expect(forced.forcedOffline).toBe(true);
    expect(generateSpec(forced, { model: 'x' })).toEqual(generateSpec(offline, {}));
  });
});

describe('settings', () => {
  it('fills defaults, reads OLLAMA_HOST and coerces env_var strings', () => {
    const s = parseLlmSettings({ provider: 'ollama', concurrency: '3', timeout: '2.5', retries: '0' }, { env: {} });
    expect(s).toMatchObject({ provider: 'ollama', baseUrl: DEFAULT_OLLAMA_URL, concurrency: 3, timeoutMs: 2500, retries: 0 });
    expect(parseLlmSettings({ provider: 'ollama' }, { env: { OLLAMA_HOST: '0.0.0.0' } }).baseUrl).toBe('http://127.0.0.1:11434');
    expect(parseLlmSettings({ provider: 'ollama', base_url: 'http://gpu-box:8080/' }, { env: { OLLAMA_HOST: 'x' } }).baseUrl).toBe('http://gpu-box:8080');
    expect(normalizeBaseUrl('https://llm.example.com')).toBe('https://llm.example.com');
    expect(normalizeBaseUrl('localhost:9999')).toBe('http://localhost:9999');
    expect(parseLlmSettings(undefined).provider).toBe('offline');
  });

  it('rejects unknown keys (with a suggestion), providers and bad numbers', () => {
    const err = (raw: Record<string, unknown>) => {
      try {
        parseLlmSettings(raw as never);
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('no error');
    };
    expect(err({ provider: 'ollama', concurency: 2 })).toMatchObject({ code: 'BMP_LLM_CONFIG', hint: "did you mean 'concurrency'?" });
    expect(err({ provider: 'openai' }).message).toContain("unknown provider 'openai'");
    expect(err({ provider: 'ollama', concurrency: 0 }).message).toContain("'concurrency' must be an integer >= 1");
  });
});

describe('template functions', () => {
  const g = llmTemplateGlobals(parseLlmSettings({ provider: 'ollama', model: 'm' }));
  const kw = (o: Record<string, unknown>) => ({ ...o, __keywords: true });

  it('render a cache lookup around the prompt expression', () => {
    const spec = specId(generateSpec(parseLlmSettings({ provider: 'ollama', model: 'm' }), { json: true }));
    expect(g['llm_generate']!("'Q: ' || body", kw({ json: true }))).toBe(responseCallSql(spec, "'Q: ' || body"));
    expect(g['llm_generate']!("'Q: ' || body", kw({ json: true }))).toBe(`"_bmp"."llm_response"('${spec}', ('Q: ' || body))`);
    const e = specId(embedSpec(parseLlmSettings({ provider: 'ollama', model: 'm' }), { dims: 4 }));
    expect(g['llm_embed']!('body', kw({ dims: 4 }))).toBe(embeddingCallSql(e, 'body', 4));
    expect(g['llm_embed']!('body', kw({ dims: 4 }))).toBe(`cast("_bmp"."llm_embedding"('${e}', (body)) as float[4])`);
  });

  it('reject unknown and malformed arguments', () => {
    expect(() => g['llm_generate']!('body', kw({ jsn: true }))).toThrow(/no argument 'jsn'.*|did you mean/);
    expect(() => g['llm_generate']!('')).toThrow(/needs a SQL expression/);
    expect(() => g['llm_embed']!('body', kw({ dims: 0 }))).toThrow(/positive integer/);
  });
});

describe('cache lookups in SQL', () => {
  it("bind the prompt's columns to the model's row even when they share the cache's column names", async () => {
    const spec = specId(generateSpec(parseLlmSettings(undefined), {}));
    await conn.run(
      `insert into "_bmp"."llm_cache" (key, kind, provider, model, options, spec, prompt, response, created_at, last_used_at)
       values ($1, 'generate', 'offline', 'm', '{}', $2, 'a stored prompt that differs', 'cached answer', now(), now())`,
      [cacheKey(spec, 'hello world'), spec],
    );
    const rows = await conn.rows(`select ${responseCallSql(spec, 'prompt')} as r from (select 'hello \n world' as prompt, 'k' as key, 'x' as response, 1 as spec)`);
    expect(rows).toEqual([{ r: 'cached answer' }]);
    const plan = await conn.rows(`explain select ${responseCallSql(spec, 'prompt')} as r from (select 'hello world' || i as prompt from range(10) t(i))`);
    expect(JSON.stringify(plan)).toContain('HASH_JOIN');
    expect(JSON.stringify(plan)).not.toContain('CROSS_PRODUCT');
  });
});
