import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDocs, type DocsServer } from './serve-docs.js';

function get(url: string, path: string, method = 'GET'): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((ok, fail) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => ok({ status: res.statusCode!, type: res.headers['content-type'], body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('serveDocs', () => {
  let root: string;
  let site: string;
  let server: DocsServer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'bmp-serve-'));
    site = join(root, 'docs');
    await mkdir(site);
    await writeFile(join(site, 'index.html'), '<!doctype html><title>x</title>');
    await writeFile(join(root, 'secret.txt'), 'secret');
    server = await serveDocs(site, { port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves index.html on 127.0.0.1', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await get(server.url, '/');
    expect(res).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>x</title>' });
    expect((await get(server.url, '/index.html?x=1#y')).status).toBe(200);
    expect(await get(server.url, '/', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('refuses anything outside the folder, other methods and missing files', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt', '/%2e%2e%2f%2e%2e%2fetc/passwd']) {
      const res = await get(server.url, path);
      expect([403, 404]).toContain(res.status);
      expect(res.body).not.toContain('secret');
    }
    expect((await get(server.url, '/..%2fsecret.txt')).status).toBe(403);
    expect((await get(server.url, '/nope.js')).status).toBe(404);
    expect((await get(server.url, '/%zz')).status).toBe(400);
    expect((await get(server.url, '/', 'POST')).status).toBe(405);
  });

  it('says when the site was not generated or the port is taken', async () => {
    await expect(serveDocs(join(root, 'missing'), { port: 0 })).rejects.toMatchObject({ code: 'BMP_DOCS_NOT_GENERATED' });
    const port = Number(new URL(server.url).port);
    await expect(serveDocs(site, { port })).rejects.toMatchObject({ code: 'BMP_DOCS_PORT_IN_USE' });
  });
});
