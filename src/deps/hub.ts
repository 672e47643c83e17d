/**
 * dbt's package hub read through its JSON API (hub.getdbt.com's layout):
 * - `GET {base}api/v1/index.json`: `["dbt-labs/dbt_utils", ...]`, every package's `namespace/name`;
 * - `GET {base}api/v1/{namespace}/{name}.json`: `{ name, namespace, latest, versions: { "1.3.3": { name,
 *   version, packages: [<its packages.yml entries>], downloads: { tarball: <URL> } } } }`.
 * The base URL is `DBT_PACKAGE_HUB_URL` (as dbt reads it), else https://hub.getdbt.com/.
 */
import { didYouMean, type ErrorLocation } from '../errors.js';
import { DependencyError } from './errors.js';
import { httpGetJson } from './http.js';

export const DEFAULT_HUB_URL = 'https://hub.getdbt.com/';

export interface HubVersionInfo {
  readonly name: string;
  readonly version: string;
  /** The version's own packages, as its packages.yml entries. */
  readonly packages: readonly unknown[];
  readonly tarball: string;
}

export interface HubPackageInfo {
  readonly versions: Readonly<Record<string, HubVersionInfo>>;
  /** `namespace/name` the hub says the package moved to. */
  readonly movedTo?: string;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export class HubClient {
  private index?: Promise<ReadonlySet<string>>;
  private readonly packages = new Map<string, Promise<HubPackageInfo>>();
  readonly base: string;

  constructor(base: string, private readonly signal?: AbortSignal) {
    this.base = base.endsWith('/') ? base : `${base}/`;
  }

  /**
   * A package's versions.
   * @throws DependencyError BMP_DEPS_NOT_FOUND (not in the hub's index), BMP_DEPS_NETWORK, BMP_DEPS_HUB_INVALID
   */
  package(pkg: string, where: ErrorLocation): Promise<HubPackageInfo> {
    let p = this.packages.get(pkg);
    if (!p) {
      p = this.load(pkg, where);
      this.packages.set(pkg, p);
    }
    return p;
  }

  private async load(pkg: string, where: ErrorLocation): Promise<HubPackageInfo> {
    const index = await (this.index ??= this.loadIndex(pkg, where));
    if (!index.has(pkg)) {
      const near = didYouMean(pkg, index);
      throw new DependencyError('BMP_DEPS_NOT_FOUND', `package ${pkg} was not found in the package hub's index (${this.base}api/v1/index.json)`, where, near);
    }
    const url = `${this.base}api/v1/${pkg}.json`;
    const notFound = () => new DependencyError('BMP_DEPS_NOT_FOUND', `package ${pkg} is in the hub's index but ${url} does not exist`, where);
    const json = await httpGetJson(url, { pkg, what: 'its versions on the hub', where, signal: this.signal, notFound });
    const bad = (why: string) => new DependencyError('BMP_DEPS_HUB_INVALID', `package ${pkg}: ${url} is not a hub package description (${why})`, where);
    if (!isMap(json) || !isMap(json['versions'])) throw bad("no 'versions' mapping");
    const versions: Record<string, HubVersionInfo> = {};
    for (const [version, info] of Object.entries(json['versions'])) {
      if (!isMap(info)) throw bad(`version ${version} is not a mapping`);
      const downloads = info['downloads'];
      const tarball = isMap(downloads) ? downloads['tarball'] : undefined;
      if (typeof tarball !== 'string') throw bad(`version ${version} has no downloads.tarball`);
      const name = typeof info['name'] === 'string' ? info['name'] : pkg.split('/')[1]!;
      const packages = Array.isArray(info['packages']) ? info['packages'] : [];
      versions[version] = { name, version, packages, tarball };
    }
    const ns = typeof json['redirectnamespace'] === 'string' ? json['redirectnamespace'] : undefined;
    const nm = typeof json['redirectname'] === 'string' ? json['redirectname'] : undefined;
    const movedTo = ns || nm ? `${ns ?? json['namespace'] ?? pkg.split('/')[0]}/${nm ?? json['name'] ?? pkg.split('/')[1]}` : undefined;
    return { versions, ...(movedTo && movedTo !== pkg ? { movedTo } : {}) };
  }

  private async loadIndex(pkg: string, where: ErrorLocation): Promise<ReadonlySet<string>> {
    const url = `${this.base}api/v1/index.json`;
    const json = await httpGetJson(url, { pkg, what: "the hub's index of packages", where, signal: this.signal });
    if (!Array.isArray(json)) throw new DependencyError('BMP_DEPS_HUB_INVALID', `package ${pkg}: ${url} is not the hub's index (a list of namespace/name)`, where);
    return new Set(json.filter((x): x is string => typeof x === 'string'));
  }
}
