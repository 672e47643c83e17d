import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RequestFailed } from '../../src/llm/http.js';
import { Limiter } from '../../src/llm/limiter.js';
import { OllamaProvider } from '../../src/llm/provider.js';
import { parseLlmSettings } from '../../src/llm/settings.js';
import { embedSpec, generateSpec } from '../../src/llm/spec.js';
import { startFakeOllama, type FakeOllama } from '../helpers/ollama-server.js';

let server: FakeOllama;
beforeAll(async () => {
  server = await startFakeOllama();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const settings = (extra: Record<string, unknown> = {}) => parseLlmSettings({ provider: 'ollama', base_url: server.url, model: 'm', retries: 2, backoff: 0.001, timeout: 2, ...extra });
const failure = async (p: Promise<unknown>): Promise<RequestFailed> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof RequestFailed) return e;
    throw e;
  }
  throw new Error('expected a failure');
};

describe('ollama provider against a loopback server', () => {
  it('generates (plain and JSON mode) and embeds', async () => {
    const s = settings();
    const p = new OllamaProvider(s);
    expect((await p.complete(generateSpec(s, {}), 'hi', {})).response).toBe('echo: hi');
    expect(JSON.parse((await p.complete(generateSpec(s, { json: true }), 'hi', {})).response!)).toEqual({ echo: 'hi' });
    expect((await p.complete(embedSpec(s, { dims: 4 }), 'hi', {})).embedding).toHaveLength(4);
    expect(server.requests.map((r) => r.body['format'] ?? null)).toEqual([null, 'json', null]);
    expect(server.requests[2]!.body).toMatchObject({ model: 'nomic-embed-text', input: 'hi', dimensions: 4 });
  });

  it('retries 500s with backoff and succeeds', async () => {
    server.switches.fail500Next = 2;
    const s = settings();
    const r = await new OllamaProvider(s).complete(generateSpec(s, {}), 'x', {});
    expect(r).toMatchObject({ response: 'echo: x', attempts: 3 });
    expect(server.count()).toBe(3);
  });

  it('gives up after the retries with the last reason', async () => {
    server.switches.fail500Always = true;
    const s = settings({ retries: 1 });
    const f = await failure(new OllamaProvider(s).complete(generateSpec(s, {}), 'x', {}));
    expect(f.reason).toBe('HTTP 500: fake failure');
    expect(f.attempts).toBe(2);
    expect(server.count()).toBe(2);
  });

  it('retries garbage bodies and JSON-mode answers that are not JSON', async () => {
    server.switches.garbageNext = 1;
    const s = settings();
    expect((await new OllamaProvider(s).complete(generateSpec(s, {}), 'x', {})).attempts).toBe(2);
    server.reset();
    server.switches.badJsonMode = true;
    const f = await failure(new OllamaProvider(s).complete(generateSpec(s, { json: true }), 'x', {}));
    expect(f.reason).toMatch(/JSON mode: the model answered with text that is not a JSON object/);
    expect(server.count()).toBe(3);
  });

  it('times out a hanging server, and does not retry a 404', async () => {
    server.switches.hang = true;
    const s = settings({ timeout: 0.2, retries: 1 });
    const t0 = Date.now();
    const f = await failure(new OllamaProvider(s).complete(generateSpec(s, {}), 'x', {}));
    expect(f.reason).toBe('timed out after 200ms');
    expect(Date.now() - t0).toBeLessThan(3000);
    server.reset();
    server.switches.missingModel = 'm';
    const g = await failure(new OllamaProvider(settings()).complete(generateSpec(settings(), {}), 'x', {}));
    expect(g.reason).toContain("HTTP 404: model 'm' not found");
    expect(server.count()).toBe(1);
  });

  it('reports a refused connection', async () => {
    const down = await startFakeOllama();
    await down.close();
    const s = parseLlmSettings({ provider: 'ollama', base_url: down.url, retries: 0 });
    const f = await failure(new OllamaProvider(s).complete(generateSpec(s, {}), 'x', {}));
    expect(f.reason).toMatch(/connection refused/);
  });
});

describe('limiter', () => {
  it('never runs more than its bound and runs up to it', async () => {
    const lim = new Limiter(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        lim.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(lim.peak).toBe(3);
  });

  it('drops queued tasks whose signal aborted', async () => {
    const lim = new Limiter(1);
    const ac = new AbortController();
    let ran = 0;
    const first = lim.run(() => new Promise((r) => setTimeout(r, 20)));
    const second = expect(lim.run(async () => void ran++, ac.signal)).rejects.toThrow('stop');
    ac.abort(new Error('stop'));
    await first;
    await second;
    expect(ran).toBe(0);
  });
});
