/**
 * Installed packages: every folder of `packages-install-path` (default `dbt_packages/`) that holds a
 * `dbt_project.yml` is a project of its own, laid out as `dbt deps` leaves it
 * (`dbt_packages/<name from its dbt_project.yml>/`). bmp loads what is installed, as dbt does; which
 * packages get installed is `bmp deps`'s business.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError } from '../errors.js';
import { buildProject, readProjectFile, type ConfigWarning, type ProjectConfig, type ProjectLoadOptions } from './project.js';

/** The name of dbt's own macro namespace (`dbt.dateadd`): no package may take it. */
export const GLOBAL_NAMESPACE = 'dbt';

/**
 * Loads the projects installed under the root project's `packages-install-path`, sorted by name.
 * A folder without a project file is skipped (dbt does the same).
 * Their project files render as the root's does (`--vars`, env_var, target).
 * @throws ConfigError BMP_PACKAGE_DUPLICATE when two folders hold the same project name, or one takes
 *   the root project's name or `dbt`; any error of reading or rendering a project file, located in the package.
 */
export async function loadPackages(root: ProjectConfig, warnings: ConfigWarning[], render: ProjectLoadOptions): Promise<ProjectConfig[]> {
  const base = join(root.projectDir, root.packagesInstallPath);
  let entries: string[];
  try {
    entries = readdirSync(base).sort();
  } catch {
    return []; // nothing installed
  }
  const byName = new Map<string, ProjectConfig>();
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    const dir = join(base, entry);
    // a local package may be a symbolic link to its folder: follow it
    if (!isDirectory(dir) || !['dbt_project.yml', 'project.yml'].some((f) => existsSync(join(dir, f)))) continue;
    const shownDir = relative(root.projectDir, dir) || '.';
    const project = buildProject(await readProjectFile(dir, warnings, { asPackage: true, displayDir: shownDir }), warnings, render);
    const file = `${shownDir}/${project.projectFile}`;
    const prev = byName.get(project.name);
    if (prev) {
      throw new ConfigError('BMP_PACKAGE_DUPLICATE', `two installed packages are named '${project.name}': ${relative(root.projectDir, prev.projectDir)} and ${relative(root.projectDir, dir)}`, { file }, `remove one of them from ${root.packagesInstallPath}/`);
    }
    if (project.name === root.name || project.name === GLOBAL_NAMESPACE) {
      throw new ConfigError('BMP_PACKAGE_DUPLICATE', `the installed package in ${relative(root.projectDir, dir)} is named '${project.name}', which is ${project.name === GLOBAL_NAMESPACE ? "dbt's own macro namespace" : 'the root project'}`, { file });
    }
    byName.set(project.name, project);
  }
  return [...byName.values()];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
