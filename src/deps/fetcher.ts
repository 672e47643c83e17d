/**
 * Getting packages' files: hub downloads, git checkouts and tarballs land in a staging folder (never
 * in the packages path), local packages are read where they are. Each is fetched once per run: what
 * resolving fetched is what installing moves into place.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pyStr } from '../config/index.js';
import { ConfigError, type ErrorLocation } from '../errors.js';
import { unpackArchive } from './archive.js';
import { DependencyError } from './errors.js';
import { checkoutGit } from './git.js';
import { HubClient } from './hub.js';
import { httpGet } from './http.js';
import type { LockEntry } from './lock-file.js';
import { readPackageName, readSpecFiles } from './package-files.js';
import type { HubVersion, PackageMeta, ResolveSources } from './resolve.js';
import { packagesRenderer, parsePackagesFile } from './spec.js';

export interface FetcherOptions {
  /** Absolute root project folder. */
  readonly rootDir: string;
  /** Where downloads and clones go (removed by the caller). */
  readonly stagingDir: string;
  readonly hubUrl: string;
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
  /** Called before each network fetch or clone (for "Fetching ..." lines and tests counting them). */
  readonly onFetch?: (what: string) => void;
  readonly onWarning?: (message: string, where: ErrorLocation) => void;
}

/** A package's files, ready to go into the packages path. */
export type Obtained = { readonly kind: 'dir'; readonly dir: string; readonly name: string } | { readonly kind: 'link'; readonly target: string; readonly name: string };

export class PackageFetcher implements ResolveSources {
  readonly hub: HubClient;
  private n = 0;
  private readonly gitCache = new Map<string, Promise<{ sha: string; dir: string; meta: PackageMeta }>>();
  private readonly tarCache = new Map<string, Promise<{ dir: string; meta: PackageMeta }>>();

  constructor(private readonly opts: FetcherOptions) {
    this.hub = new HubClient(opts.hubUrl, opts.signal);
  }

  private scratch(prefix: string): string {
    return join(this.opts.stagingDir, 'fetch', `${prefix}-${++this.n}`);
  }

  private meta(dir: string, label: string, where: ErrorLocation): PackageMeta {
    const name = readPackageName(dir, label, where);
    const rel = relative(this.opts.rootDir, dir);
    const prefix = dir.startsWith(this.opts.stagingDir) ? `${label}/` : rel && !rel.startsWith('..') ? `${rel}/` : `${dir}/`;
    return { name, specs: readSpecFiles(dir, { displayPrefix: prefix, vars: this.opts.vars }).specs };
  }

  async hubVersions(pkg: string, where: ErrorLocation): Promise<Readonly<Record<string, HubVersion>>> {
    const info = await this.hub.package(pkg, where);
    if (info.movedTo) this.opts.onWarning?.(`package ${pkg} has moved to ${info.movedTo} on the hub: update the entry (the old name may stop getting releases)`, where);
    const out: Record<string, HubVersion> = {};
    for (const [version, v] of Object.entries(info.versions)) {
      const label = `${pkg}@${version}`;
      let specs: HubVersion['specs'] | undefined;
      // parsed when read: most versions' requirements are never looked at
      out[version] = {
        name: v.name,
        get specs() {
          return (specs ??= parsePackagesFile({ file: `hub:${label}`, data: { packages: v.packages }, locate: () => ({ file: `hub:${label}` }) }, { fileKind: 'packages.yml' }).specs);
        },
      };
    }
    return out;
  }

  git(url: string, revision: string | undefined, subdirectory: string | undefined, where: ErrorLocation): Promise<{ sha: string; meta: PackageMeta }> {
    return this.checkout(url, revision, subdirectory, where);
  }

  private checkout(url: string, revision: string | undefined, subdirectory: string | undefined, where: ErrorLocation): Promise<{ sha: string; dir: string; meta: PackageMeta }> {
    const key = `${url}\n${revision ?? 'HEAD'}\n${subdirectory ?? ''}`;
    let p = this.gitCache.get(key);
    if (!p) {
      p = (async () => {
        this.opts.onFetch?.(`git ${url}${revision ? `@${revision}` : ''}`);
        const c = await checkoutGit(url, revision, subdirectory, this.scratch('git'), where, this.opts.signal);
        // the installed package is the files, not the repository (dbt moves the clone, .git and all)
        if (!subdirectory) rmSync(join(c.dir, '.git'), { recursive: true, force: true });
        const label = `${url}${subdirectory ? `/${subdirectory}` : ''}@${c.sha.slice(0, 7)}`;
        const result = { sha: c.sha, dir: c.dir, meta: this.meta(c.dir, label, where) };
        // the same checkout serves an install from the lock, which names the commit
        this.gitCache.set(`${url}\n${c.sha}\n${subdirectory ?? ''}`, Promise.resolve(result));
        return result;
      })();
      this.gitCache.set(key, p);
    }
    return p;
  }

  async tarball(url: string, where: ErrorLocation): Promise<PackageMeta> {
    return (await this.unpackTarball(url, url, where)).meta;
  }

  private unpackTarball(url: string, label: string, where: ErrorLocation): Promise<{ dir: string; meta: PackageMeta }> {
    let p = this.tarCache.get(url);
    if (!p) {
      p = (async () => {
        this.opts.onFetch?.(`tarball ${url}`);
        const data = await httpGet(url, { pkg: label, what: 'its tarball', where, signal: this.opts.signal });
        const dir = await unpackArchive(data, this.scratch('tarball'), label, where);
        return { dir, meta: this.meta(dir, label, where) };
      })();
      this.tarCache.set(url, p);
    }
    return p;
  }

  async local(dir: string, where: ErrorLocation): Promise<PackageMeta> {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ConfigError('BMP_DEPS_LOCAL_MISSING', `local package folder ${relative(this.opts.rootDir, dir) || dir} does not exist (${dir})`, where);
    }
    return this.meta(dir, relative(this.opts.rootDir, dir) || '.', where);
  }

  /** Renders templates the lock kept unrendered (a git URL with `env_var('TOKEN')`). */
  private render(text: string, where: ErrorLocation): string {
    return text.includes('{{') || text.includes('{%') ? pyStr(packagesRenderer(this.opts.vars, 'packages.yml').render(text, where)) : text;
  }

  /**
   * A lock entry's files, fetched unless resolving already did.
   * @throws DependencyError BMP_DEPS_NETWORK, BMP_DEPS_GIT, BMP_DEPS_ARCHIVE, BMP_DEPS_NOT_FOUND, BMP_DEPS_NOT_A_PACKAGE
   */
  async obtain(entry: LockEntry): Promise<Obtained> {
    const where = entry.where ?? { file: 'package-lock.yml' };
    switch (entry.kind) {
      case 'local': {
        const dir = resolve(this.opts.rootDir, entry.local);
        const meta = await this.local(dir, where);
        return { kind: 'link', target: dir, name: entry.name ?? meta.name };
      }
      case 'git': {
        const c = await this.checkout(this.render(entry.git, where), entry.revision, entry.subdirectory, where);
        return { kind: 'dir', dir: c.dir, name: entry.name ?? c.meta.name };
      }
      case 'tarball': {
        const t = await this.unpackTarball(this.render(entry.tarball, where), entry.tarball, where);
        return { kind: 'dir', dir: t.dir, name: entry.name ?? t.meta.name };
      }
      case 'hub': {
        const info = await this.hub.package(entry.package, where);
        const v = info.versions[entry.version];
        if (!v) throw new DependencyError('BMP_DEPS_NOT_FOUND', `package ${entry.package}: version ${entry.version} (locked in package-lock.yml) is no longer on the hub`, where, 'run bmp deps --upgrade to resolve again');
        const label = `${entry.package}@${entry.version}`;
        this.opts.onFetch?.(`tarball ${v.tarball}`);
        const data = await httpGet(v.tarball, { pkg: label, what: 'its tarball', where, signal: this.opts.signal });
        const dir = await unpackArchive(data, this.scratch('hub'), label, where);
        readPackageName(dir, label, where); // a package after all
        return { kind: 'dir', dir, name: entry.name ?? v.name };
      }
    }
  }
}
