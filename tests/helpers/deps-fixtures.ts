/**
 * Fixture packages for `bmp deps` tests, written from scratch: small dbt projects as folders, as
 * tar.gz archives (laid out as GitHub's codeload serves them: one top-level folder), and as git
 * repositories made with the system git; plus a loopback package hub speaking hub.getdbt.com's API.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export type Files = Readonly<Record<string, string>>;

export function writeFiles(dir: string, files: Files): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A package's files: dbt_project.yml with `name`, a macro, and optional packages.yml text. */
export function packageFiles(name: string, opts: { version?: string; packages?: string; macro?: string } = {}): Files {
  return {
    'dbt_project.yml': `name: '${name}'\nversion: '${opts.version ?? '1.0.0'}'\nconfig-version: 2\n`,
    [`macros/${name}.sql`]: opts.macro ?? `{% macro ${name}_version() %}'${opts.version ?? '1.0.0'}'{% endmacro %}\n`,
    ...(opts.packages ? { 'packages.yml': opts.packages } : {}),
  };
}

/** A root project folder (project.yml + packages.yml) in a temp dir. */
export function makeProject(root: string, packagesYml: string | undefined, extra: Files = {}): string {
  const dir = join(root, 'project');
  writeFiles(dir, { 'project.yml': 'name: root_project\nprofile: root_project\n', ...(packagesYml !== undefined ? { 'packages.yml': packagesYml } : {}), ...extra });
  return dir;
}

export function tempRoot(prefix = 'bmp-deps-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A minimal POSIX tar (ustar) of `files` under `top/`, gzipped. */
export function tarGz(top: string, files: Files): Buffer {
  const blocks: Buffer[] = [];
  const header = (name: string, size: number, type: '0' | '5') => {
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'utf8');
    h.write(type === '5' ? '0000755\0' : '0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write(type, 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return h;
  };
  const dirs = new Set<string>();
  for (const path of Object.keys(files)) {
    const parts = `${top}/${path}`.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
  }
  for (const d of [...dirs].sort()) blocks.push(header(d, 0, '5'));
  for (const [path, text] of Object.entries(files)) {
    const body = Buffer.from(text, 'utf8');
    blocks.push(header(`${top}/${path}`, body.length, '0'), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export interface GitRepo {
  readonly dir: string;
  readonly url: string;
  /** Commits the files (replacing the tree's files by these) and returns the commit. */
  commit(files: Files, message?: string): string;
  tag(name: string): void;
}

/** A git repository on disk, reached through a file:// URL. */
export function gitRepo(root: string, name: string): GitRepo {
  const dir = join(root, 'repos', name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '--quiet');
  return {
    dir,
    url: `file://${dir}`,
    commit(files, message = 'commit') {
      git(dir, 'rm', '-r', '-q', '--ignore-unmatch', '.');
      writeFiles(dir, files);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '--allow-empty', '-m', message);
      return git(dir, 'rev-parse', 'HEAD');
    },
    tag(tagName) {
      git(dir, 'tag', tagName);
    },
  };
}

export interface HubVersionFixture {
  readonly files: Files;
  /** The version's own packages (packages.yml entries as data). */
  readonly packages?: readonly unknown[];
  /** Serve the tarball with this status instead (a broken download). */
  readonly tarballStatus?: number;
}

export interface FakeHub {
  readonly url: string;
  /** Paths requested, in order. */
  readonly requests: string[];
  /** namespace/name → version → fixture (mutable between runs). */
  readonly packages: Record<string, Record<string, HubVersionFixture>>;
  /** Extra files served at a path (tarball: URLs). */
  readonly files: Record<string, Buffer | { status: number }>;
  /** Paths answered never (the connection stays open until the hub closes). */
  readonly hang: Set<string>;
  close(): Promise<void>;
}

/**
 * A package hub on 127.0.0.1 (port 0) serving hub.getdbt.com's layout: `/api/v1/index.json`,
 * `/api/v1/{ns}/{name}.json` with every version's packages and tarball URL, and the tarballs.
 */
export async function startFakeHub(): Promise<FakeHub> {
  const requests: string[] = [];
  const packages: FakeHub['packages'] = {};
  const files: FakeHub['files'] = {};
  const hang = new Set<string>();
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push(path);
    if (hang.has(path)) return;
    const send = (status: number, body: string | Buffer, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (path === '/api/v1/index.json') return send(200, JSON.stringify(Object.keys(packages)));
    const pkg = /^\/api\/v1\/([^/]+\/[^/]+)\.json$/.exec(path);
    if (pkg) {
      const versions = packages[pkg[1]!];
      if (!versions) return send(404, JSON.stringify({ error: 'not found' }));
      const [namespace, name] = pkg[1]!.split('/');
      return send(
        200,
        JSON.stringify({
          name,
          namespace,
          latest: Object.keys(versions).pop(),
          versions: Object.fromEntries(
            Object.entries(versions).map(([v, f]) => [v, { id: `${pkg[1]}/${v}`, name, version: v, packages: f.packages ?? [], downloads: { tarball: `${base}/tarballs/${pkg[1]}/${v}.tar.gz`, format: 'tgz' } }]),
          ),
        }),
      );
    }
    const tar = /^\/tarballs\/([^/]+\/[^/]+)\/(.+)\.tar\.gz$/.exec(path);
    if (tar) {
      const f = packages[tar[1]!]?.[tar[2]!];
      if (!f) return send(404, 'no such tarball', 'text/plain');
      if (f.tarballStatus) return send(f.tarballStatus, 'broken', 'text/plain');
      return send(200, tarGz(`${tar[1]!.split('/')[1]}-${tar[2]}`, f.files), 'application/gzip');
    }
    const file = files[path];
    if (file) return Buffer.isBuffer(file) ? send(200, file, 'application/gzip') : send(file.status, 'nope', 'text/plain');
    send(404, 'not found', 'text/plain');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    requests,
    packages,
    files,
    hang,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A loopback URL nothing listens on (a port just released). */
export async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/`;
}
