import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { loadConfig, type ConfigOptions } from '../config/index.js';
import { UsageError } from '../errors.js';
import { jinjaYamlSyntax } from '../jinja/index.js';

export interface CleanReport {
  /** clean-targets removed whole, as written in the project file. */
  readonly removed: readonly string[];
  /** clean-targets emptied around the database they hold. */
  readonly emptied: readonly string[];
  /** The database files kept (relative to the project folder): the profile's database and its WAL. */
  readonly kept: readonly string[];
}

/**
 * `bmp clean`: removes the clean-targets (default: the target path). It never deletes the
 * profile's database or its WAL: a target holding them is emptied around them, and the file listed
 * itself is kept. Every target is checked before anything is deleted.
 * @throws UsageError BMP_CLEAN_OUTSIDE (outside the project folder, or the folder itself),
 *   BMP_CLEAN_PROTECTED (a model, macro, seed, test, snapshot, analysis or docs path, or a folder holding one)
 */
export async function clean(opts: ConfigOptions = {}): Promise<CleanReport> {
  const cfg = await loadConfig({ ...opts, yamlSyntax: jinjaYamlSyntax() });
  const { project } = cfg;
  const dir = project.projectDir;
  const where = { file: project.projectFile };
  const sources: [string, readonly string[]][] = [
    ['model-paths', project.modelPaths],
    ['macro-paths', project.macroPaths],
    ['seed-paths', project.seedPaths],
    ['test-paths', project.testPaths],
    ['snapshot-paths', project.snapshotPaths],
    ['analysis-paths', project.analysisPaths],
    ['docs-paths', project.docsPaths],
  ];
  const targets = project.cleanTargets.map((t) => {
    const abs = resolve(dir, t);
    const rel = relative(dir, abs);
    if (!rel) throw new UsageError('BMP_CLEAN_OUTSIDE', `clean-target '${t}' is the project folder itself; refusing to delete it`, where);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError('BMP_CLEAN_OUTSIDE', `clean-target '${t}' is outside the project folder; refusing to delete it`, where);
    for (const [key, paths] of sources) {
      for (const p of paths) {
        const src = resolve(dir, p);
        if (src === abs) throw new UsageError('BMP_CLEAN_PROTECTED', `clean-target '${t}' is the project's ${key} entry '${p}'; refusing to delete it`, where);
        if (isInside(src, abs)) throw new UsageError('BMP_CLEAN_PROTECTED', `clean-target '${t}' holds the project's ${key} entry '${p}'; refusing to delete it`, where);
      }
    }
    return { name: t, abs };
  });

  const db = cfg.target.path;
  const keep = db === ':memory:' || db.startsWith('md:') ? [] : [resolve(db), `${resolve(db)}.wal`];
  const removed: string[] = [];
  const emptied: string[] = [];
  const kept = new Set<string>();
  for (const { name, abs } of targets) {
    if (!existsSync(abs)) continue;
    const inside = keep.filter((k) => k === abs || isInside(k, abs));
    if (!inside.length) {
      await rm(abs, { recursive: true, force: true });
      removed.push(name);
      continue;
    }
    await removeAllBut(abs, new Set(inside));
    for (const k of inside) if (existsSync(k)) kept.add(relative(dir, k));
    if (!inside.includes(abs)) emptied.push(name);
  }
  return { removed, emptied, kept: [...kept] };
}

/** True when `path` lies strictly inside `folder`. */
function isInside(path: string, folder: string): boolean {
  return path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** Removes `path` (a file or folder), except the files in `keep` and the folders that lead to them. */
async function removeAllBut(path: string, keep: ReadonlySet<string>): Promise<void> {
  if (keep.has(path)) return;
  if (![...keep].some((k) => isInside(k, path))) {
    await rm(path, { recursive: true, force: true });
    return;
  }
  // a folder on the way to a kept file (symbolic links are removed as links, never followed)
  for (const entry of await readdir(path)) await removeAllBut(join(path, entry), keep);
}
