/**
 * How `ref()`, `source()` and `doc()` find their target across the root project and its packages,
 * as dbt does it: a package name given → only that package; otherwise the root project first, then
 * the package of the node that asks, then any other package.
 */
import type { Manifest } from './types.js';

/** Package → name → unique id of a model, seed or snapshot (what `ref()` can name). */
export type RefIndex = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The packages to search, in order; `undefined` stands for "any package". */
export function packagesToSearch(rootPackage: string, nodePackage: string, targetPackage?: string): readonly (string | undefined)[] {
  if (targetPackage !== undefined) return [targetPackage];
  return rootPackage === nodePackage ? [rootPackage, undefined] : [rootPackage, nodePackage, undefined];
}

/**
 * The name a ref looks up in a {@link RefIndex}: the model's name, or `name.v<version>` for
 * `ref('name', v=...)` (a versioned model's name alone means its latest version).
 */
export function refKey(name: string, version?: unknown): string {
  return version === undefined || version === null ? name : `${name}.v${String(version)}`;
}

/**
 * The unique id `ref(name)` / `ref(pkg, name)` means from a node of `fromPackage`, or undefined.
 *
 * ### Examples
 * ```ts
 * resolveRefId(index, 'shop', 'dbt_utils', 'dates');          // the root's 'dates' if it has one
 * resolveRefId(index, 'shop', 'shop', 'dates', 'dbt_utils');  // 'model.dbt_utils.dates'
 * ```
 */
export function resolveRefId(index: RefIndex, rootPackage: string, fromPackage: string, name: string, targetPackage?: string): string | undefined {
  for (const pkg of packagesToSearch(rootPackage, fromPackage, targetPackage)) {
    if (pkg !== undefined) {
      const id = index.get(pkg)?.get(name);
      if (id) return id;
      continue;
    }
    for (const names of index.values()) {
      const id = names.get(name);
      if (id) return id;
    }
  }
  return undefined;
}

/** The unique id `source(sourceName, table)` means from a node of `fromPackage`, or undefined. */
export function resolveSourceId(manifest: Pick<Manifest, 'projectName' | 'sources'>, fromPackage: string, sourceName: string, table: string): string | undefined {
  for (const pkg of packagesToSearch(manifest.projectName, fromPackage)) {
    if (pkg !== undefined) {
      const id = `source.${pkg}.${sourceName}.${table}`;
      if (manifest.sources.has(id)) return id;
      continue;
    }
    for (const s of manifest.sources.values()) if (s.sourceName === sourceName && s.name === table) return s.uniqueId;
  }
  return undefined;
}

/** The unique id of `doc(name)` (or `doc(pkg, name)`) from a node of `fromPackage`, or undefined. */
export function resolveDocId(manifest: Pick<Manifest, 'projectName' | 'docs'>, fromPackage: string, name: string, targetPackage?: string): string | undefined {
  for (const pkg of packagesToSearch(manifest.projectName, fromPackage, targetPackage)) {
    if (pkg !== undefined) {
      const id = `doc.${pkg}.${name}`;
      if (manifest.docs.has(id)) return id;
      continue;
    }
    for (const d of manifest.docs.values()) if (d.name === name) return d.uniqueId;
  }
  return undefined;
}
