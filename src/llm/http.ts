import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AttemptError } from './errors.js';

export interface RetryPolicy {
  /** Extra attempts after the first. */
  readonly retries: number;
  /** First backoff in ms; doubles per retry, capped at 30 s, ±25% jitter. */
  readonly backoffMs: number;
  /** Per attempt. */
  readonly timeoutMs: number;
}

export interface PostResult<T> {
  readonly value: T;
  readonly attempts: number;
  /** Time of the successful attempt. */
  readonly durationMs: number;
}

/** The final failure of a request: the last attempt's reason, and how many attempts were made. */
export class RequestFailed extends Error {
  constructor(
    readonly reason: string,
    readonly attempts: number,
    readonly aborted = false,
  ) {
    super(reason);
  }
}

/**
 * POSTs JSON and validates the answer, retrying what is worth retrying (5xx, 429, timeouts,
 * dropped connections, malformed JSON, a failed `validate`) with exponential backoff. A 4xx other
 * than 429 fails at once. `signal` cancels (no further attempt starts).
 * @throws RequestFailed after the last attempt.
 */
export async function postJson<T>(url: string, body: unknown, policy: RetryPolicy, validate: (json: unknown) => T, opts: { signal?: AbortSignal; headers?: Record<string, string>; onRetry?: () => void; pool?: HttpPool } = {}): Promise<PostResult<T>> {
  const attemptsAllowed = 1 + Math.max(0, Math.floor(policy.retries));
  let last = 'no attempt made';
  for (let attempt = 1; attempt <= attemptsAllowed; attempt++) {
    if (opts.signal?.aborted) throw new RequestFailed(`cancelled (${last})`, attempt - 1, true);
    const t0 = performance.now();
    try {
      const value = await attemptOnce(url, body, policy.timeoutMs, validate, opts);
      return { value, attempts: attempt, durationMs: performance.now() - t0 };
    } catch (err) {
      if (opts.signal?.aborted) throw new RequestFailed('cancelled', attempt, true);
      const e = err instanceof AttemptError ? err : new AttemptError(String((err as Error).message ?? err), true);
      last = e.message;
      if (!e.retryable) throw new RequestFailed(last, attempt);
      if (attempt < attemptsAllowed) {
        opts.onRetry?.();
        const wait = Math.min(30_000, policy.backoffMs * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
        await sleep(wait, opts.signal);
      }
    }
  }
  throw new RequestFailed(last, attemptsAllowed);
}

/** Keep-alive connection pools (one per provider): node:http costs far less per request than fetch. */
export class HttpPool {
  private readonly http = new HttpAgent({ keepAlive: true });
  private readonly https = new HttpsAgent({ keepAlive: true });

  agentFor(url: URL): HttpAgent | HttpsAgent {
    return url.protocol === 'https:' ? this.https : this.http;
  }

  /** Closes idle connections (the process can then exit at once). */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

const defaultPool = new HttpPool();

function post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal, pool: HttpPool): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(u, { method: 'POST', agent: pool.agentFor(u), signal, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function attemptOnce<T>(url: string, body: unknown, timeoutMs: number, validate: (json: unknown) => T, opts: { signal?: AbortSignal; headers?: Record<string, string>; pool?: HttpPool }): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  let res: { status: number; text: string };
  try {
    res = await post(url, JSON.stringify(body), opts.headers ?? {}, signal, opts.pool ?? defaultPool);
  } catch (err) {
    if (timeout.aborted) throw new AttemptError(`timed out after ${formatSeconds(timeoutMs)}`, true);
    throw new AttemptError(describeNetworkError(err), true);
  }
  const text = res.text;
  if (res.status < 200 || res.status >= 300) {
    const detail = errorDetail(text);
    throw new AttemptError(`HTTP ${res.status}${detail ? `: ${detail}` : ''}`, res.status >= 500 || res.status === 429 || res.status === 408);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AttemptError(`malformed JSON in the response (${JSON.stringify(text.slice(0, 80))})`, true);
  }
  try {
    return validate(json);
  } catch (err) {
    if (err instanceof AttemptError) throw err;
    throw new AttemptError((err as Error).message, true);
  }
}

function errorDetail(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: unknown };
    if (j && typeof j.error === 'string') return j.error;
  } catch {
    /* not JSON */
  }
  return text.trim().slice(0, 160);
}

function describeNetworkError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause ?? e;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is the server running?)';
  if (cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET') return 'connection dropped by the server';
  if (cause?.code === 'ENOTFOUND') return 'host not found';
  return cause?.message ?? (err as Error).message ?? String(err);
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)}s` : `${ms}ms`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
