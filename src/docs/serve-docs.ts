import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';

export interface ServeDocsOptions {
  /** Default 8080, as `dbt docs serve`; 0 picks a free port. */
  readonly port?: number;
  /** Only loopback is offered: the site may show SQL and data the project keeps private. */
  readonly host?: '127.0.0.1';
}

export interface DocsServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serve a generated docs folder over HTTP on 127.0.0.1 (GET and HEAD only, nothing outside `dir`).
 *
 * @example
 * const server = await serveDocs('target/docs', { port: 8080 });
 * console.log(`Serving docs at ${server.url}`);
 * await server.close();
 * @throws UsageError `BMP_DOCS_PORT_IN_USE` when the port is taken, `BMP_DOCS_NOT_GENERATED` when
 * `dir` has no index.html.
 */
export async function serveDocs(dir: string, opts: ServeDocsOptions = {}): Promise<DocsServer> {
  const root = resolve(dir);
  const index = await stat(join(root, 'index.html')).catch(() => undefined);
  if (!index?.isFile()) {
    throw new UsageError('BMP_DOCS_NOT_GENERATED', `no docs site in ${dir}`, { file: dir }, "run 'bmp docs generate' first");
  }
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(root, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('internal error');
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const port = opts.port ?? 8080;
      fail(
        err.code === 'EADDRINUSE'
          ? new UsageError('BMP_DOCS_PORT_IN_USE', `port ${port} on ${host} is already in use`, {}, 'pass another --port')
          : err,
      );
    });
    server.listen(opts.port ?? 8080, host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((ok, fail) => {
        server.close((err) => (err ? fail(err) : ok()));
        server.closeAllConnections();
      }),
  };
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = resolve(root, '.' + pathname);
  if (pathname.includes('\0') || (file !== root && !file.startsWith(root + sep))) {
    res.writeHead(403).end();
    return;
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
