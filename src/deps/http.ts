/**
 * HTTP(S) GETs for the hub and tarballs (Node's fetch), with a few retries on connection failures and
 * 5xx answers, and failures as one {@link DependencyError} naming the package and the URL.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DependencyError } from './errors.js';
import type { ErrorLocation } from '../errors.js';

export interface GetOptions {
  /** The package this fetch is for, named in errors (`dbt-labs/dbt_utils`). */
  readonly pkg: string;
  /** What is fetched, for errors (`its versions on the hub`). */
  readonly what: string;
  readonly where?: ErrorLocation;
  readonly signal?: AbortSignal;
  /** Per attempt. */
  readonly timeoutMs?: number;
  /** Attempts in all (connection failures and 5xx are retried). */
  readonly attempts?: number;
  /** A 404 becomes this error instead of a network error. */
  readonly notFound?: () => Error;
}

const RETRY_DELAYS_MS = [250, 750, 1500];

/**
 * The body of `url` (http:, https: or file:).
 * @throws DependencyError BMP_DEPS_NETWORK
 */
export async function httpGet(url: string, opts: GetOptions): Promise<Buffer> {
  if (url.startsWith('file:')) {
    try {
      return await readFile(fileURLToPath(url));
    } catch (e) {
      throw fail(url, opts, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message);
    }
  }
  if (!/^https?:\/\//i.test(url)) throw new DependencyError('BMP_DEPS_NETWORK', `package ${opts.pkg}: cannot fetch '${url}' (${opts.what}): only http://, https:// and file:// URLs are supported`, opts.where ?? {});
  const attempts = opts.attempts ?? 3;
  let last = '';
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(RETRY_DELAYS_MS[i - 1] ?? 1500, opts.signal);
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(url, { signal, redirect: 'follow', headers: { 'user-agent': 'bmp-deps' } });
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? e;
      last = timeout.aborted ? `no answer within ${Math.round((opts.timeoutMs ?? 30_000) / 1000)} s` : describeFetchError(e);
      continue;
    }
    if (res.ok) {
      try {
        return Buffer.from(await res.arrayBuffer());
      } catch (e) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? e;
        last = `the answer broke off (${describeFetchError(e)})`;
        continue;
      }
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 404 && opts.notFound) throw opts.notFound();
    last = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
    if (res.status < 500 && res.status !== 429) break;
  }
  throw fail(url, opts, last);
}

/**
 * A JSON body.
 * @throws DependencyError BMP_DEPS_NETWORK (also for a body that is not JSON)
 */
export async function httpGetJson(url: string, opts: GetOptions): Promise<unknown> {
  const body = await httpGet(url, opts);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw fail(url, opts, 'the answer is not JSON');
  }
}

function fail(url: string, opts: GetOptions, reason: string): DependencyError {
  return new DependencyError('BMP_DEPS_NETWORK', `package ${opts.pkg}: could not fetch ${url} (${opts.what}): ${reason}`, opts.where ?? {});
}

function describeFetchError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed (offline?)',
    ETIMEDOUT: 'connection timed out',
    ENETUNREACH: 'network unreachable',
    EHOSTUNREACH: 'host unreachable',
    UND_ERR_SOCKET: 'connection closed',
    CERT_HAS_EXPIRED: 'certificate expired',
  };
  if (code && known[code]) return known[code]!;
  return (cause?.message ?? (e as Error).message ?? String(e)).split('\n')[0]!;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}
