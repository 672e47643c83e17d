/**
 * A real HTTP server on 127.0.0.1 speaking the part of Ollama's API bmp uses (`POST /api/generate`,
 * `POST /api/embed`, `GET /api/version`), with switches for latency, failures and garbage, and
 * counters the tests assert on (requests, prompts, peak concurrency).
 *
 * Answers are deterministic: generate → `echo: <prompt>` (JSON mode: `{"echo": "<prompt>"}`),
 * embed → a vector of `dimensions` (default 8) numbers derived from the text.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OllamaSwitches {
  /** Milliseconds before each answer. */
  delayMs: number;
  /** Answer this many next requests with HTTP 500, then recover. */
  fail500Next: number;
  /** Answer every request with HTTP 500. */
  fail500Always: boolean;
  /** Answer every request with a body that is not JSON. */
  garbage: boolean;
  /** Answer this many next requests with a body that is not JSON. */
  garbageNext: number;
  /** In JSON mode, answer with text that is not JSON. */
  badJsonMode: boolean;
  /** Never answer (the client must time out). */
  hang: boolean;
  /** Answer with a body that is not JSON when the prompt (or input) contains this text. */
  garbageFor?: string;
  /** Answer 404 "model not found" for this model name. */
  missingModel?: string;
}

export interface RecordedRequest {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly status: number;
}

export interface FakeOllama {
  readonly url: string;
  readonly switches: OllamaSwitches;
  /** Every request, in arrival order (retries included). */
  readonly requests: RecordedRequest[];
  /** Requests to /api/generate and /api/embed. */
  readonly count: () => number;
  /** Prompts (generate) and inputs (embed) received. */
  readonly prompts: () => string[];
  /** The most requests that were being handled at the same moment. */
  readonly peakConcurrency: () => number;
  /** Zeroes counters and switches. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULTS: OllamaSwitches = { delayMs: 0, fail500Next: 0, fail500Always: false, garbage: false, garbageNext: 0, badJsonMode: false, hang: false, garbageFor: undefined, missingModel: undefined };

/** A deterministic embedding: dims numbers from the text's character codes, not normalized. */
export function fakeEmbedding(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  for (let i = 0; i < text.length; i++) v[i % dims]! += (text.charCodeAt(i) % 17) / 16;
  return v.map((x) => Math.round(x * 1000) / 1000);
}

export async function startFakeOllama(initial: Partial<OllamaSwitches> = {}): Promise<FakeOllama> {
  const switches: OllamaSwitches = { ...DEFAULTS, ...initial };
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let active = 0;
  let peak = 0;

  const send = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/api/version') return send(res, 200, JSON.stringify({ version: '0.0.0-fake' }));
    if (req.method !== 'POST' || (path !== '/api/generate' && path !== '/api/embed')) return send(res, 404, JSON.stringify({ error: 'not found' }));
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return send(res, 400, JSON.stringify({ error: 'invalid JSON body' }));
    }
    active++;
    peak = Math.max(peak, active);
    const record = (status: number) => requests.push({ path, body, status });
    try {
      if (switches.hang) {
        record(0);
        hanging.add(res);
        await new Promise<void>((resolve) => res.on('close', () => resolve()));
        hanging.delete(res);
        return;
      }
      if (switches.delayMs) await new Promise((r) => setTimeout(r, switches.delayMs));
      if (switches.fail500Always || switches.fail500Next > 0) {
        if (switches.fail500Next > 0) switches.fail500Next--;
        record(500);
        return send(res, 500, JSON.stringify({ error: 'fake failure' }));
      }
      const text = String(body['prompt'] ?? body['input'] ?? '');
      if (switches.garbage || switches.garbageNext > 0 || (switches.garbageFor !== undefined && text.includes(switches.garbageFor))) {
        if (switches.garbageNext > 0) switches.garbageNext--;
        record(200);
        return send(res, 200, '{"response": "half a JSON');
      }
      if (switches.missingModel && body['model'] === switches.missingModel) {
        record(404);
        return send(res, 404, JSON.stringify({ error: `model '${switches.missingModel}' not found, try pulling it first` }));
      }
      record(200);
      if (path === '/api/generate') {
        const prompt = String(body['prompt'] ?? '');
        const json = body['format'] === 'json';
        const response = json ? (switches.badJsonMode ? 'Sure! Here is your JSON: {' : JSON.stringify({ echo: prompt })) : `echo: ${prompt}`;
        return send(res, 200, JSON.stringify({ model: body['model'], created_at: new Date().toISOString(), response, done: true, total_duration: switches.delayMs * 1e6 }));
      }
      const input = body['input'];
      const texts = Array.isArray(input) ? input.map(String) : [String(input ?? '')];
      const dims = Number(body['dimensions'] ?? 8);
      return send(res, 200, JSON.stringify({ model: body['model'], embeddings: texts.map((t) => fakeEmbedding(t, dims)) }));
    } finally {
      active--;
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, JSON.stringify({ error: String(err) })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const modelRequests = () => requests.filter((r) => r.path === '/api/generate' || r.path === '/api/embed');
  return {
    url: `http://127.0.0.1:${port}`,
    switches,
    requests,
    count: () => modelRequests().length,
    prompts: () => modelRequests().map((r) => String(r.path === '/api/generate' ? r.body['prompt'] : r.body['input'])),
    peakConcurrency: () => peak,
    reset() {
      requests.length = 0;
      peak = 0;
      Object.assign(switches, DEFAULTS);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
