/**
 * Reading a project's (or a package's) packages files and its name, with dbt's rules: `packages:` in
 * dependencies.yml or packages.yml, never both; `projects:` only in dependencies.yml.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type ErrorLocation } from '../errors.js';
import { DependencyError } from './errors.js';
import { parsePackagesFile, type PackageSpec } from './spec.js';
import { readYamlData, type YamlData } from './yaml-data.js';

export interface SpecFiles {
  /** The file the packages come from (`packages.yml` or `dependencies.yml`), or where they would go. */
  readonly file: 'packages.yml' | 'dependencies.yml';
  readonly specs: readonly PackageSpec[];
  readonly warnings: readonly { readonly message: string; readonly where: ErrorLocation }[];
}

export interface ReadSpecOptions {
  /** Shown as the files' folder in messages ('' for the root project, else e.g. `dbt_packages/x/`). */
  readonly displayPrefix?: string;
  readonly vars?: Readonly<Record<string, unknown>>;
  /** One file's text as it will be (`--add-package`), instead of what is on disk. */
  readonly override?: { readonly file: 'packages.yml' | 'dependencies.yml'; readonly text: string };
}

/**
 * The packages `dir` declares.
 * @throws ConfigError BMP_DEPS_INVALID (packages in both files, projects in packages.yml), BMP_YAML_SYNTAX, and parsePackagesFile's codes
 */
export function readSpecFiles(dir: string, opts: ReadSpecOptions = {}): SpecFiles {
  const prefix = opts.displayPrefix ?? '';
  const readIfExists = (path: string, display: string): YamlData | undefined => {
    if (opts.override && path === join(dir, opts.override.file)) return readYamlData(opts.override.text, display);
    if (!existsSync(path)) return undefined;
    return readYamlData(readFileSync(path, 'utf8'), display);
  };
  const pkgYaml = readIfExists(join(dir, 'packages.yml'), `${prefix}packages.yml`);
  const depYaml = readIfExists(join(dir, 'dependencies.yml'), `${prefix}dependencies.yml`);
  const pkg = pkgYaml && parsePackagesFile(pkgYaml, { fileKind: 'packages.yml', vars: opts.vars });
  const dep = depYaml && parsePackagesFile(depYaml, { fileKind: 'dependencies.yml', vars: opts.vars });
  if (pkg?.hasPackages && dep?.hasPackages) {
    throw new ConfigError('BMP_DEPS_INVALID', `'packages' is in both packages.yml and dependencies.yml: keep one list`, depYaml!.locate(['packages']));
  }
  const warnings: { message: string; where: ErrorLocation }[] = [];
  if (dep?.projects !== undefined && dep.projects !== null) {
    warnings.push({ message: `'projects' (dbt Mesh cross-project refs) is accepted for dbt compatibility but bmp does not act on it`, where: depYaml!.locate(['projects']) });
  }
  if (dep?.hasPackages) return { file: 'dependencies.yml', specs: dep.specs, warnings };
  return { file: 'packages.yml', specs: pkg?.specs ?? [], warnings };
}

/**
 * A package's project name, from its dbt_project.yml (or bmp's project.yml).
 * @throws DependencyError BMP_DEPS_NOT_A_PACKAGE
 */
export function readPackageName(dir: string, label: string, where: ErrorLocation): string {
  const file = ['dbt_project.yml', 'project.yml'].find((f) => existsSync(join(dir, f)));
  if (!file) throw new DependencyError('BMP_DEPS_NOT_A_PACKAGE', `package ${label} has no dbt_project.yml (looked in ${dir})`, where, 'a package is a dbt project: point the entry at the folder holding its dbt_project.yml');
  const yaml = readYamlData(readFileSync(join(dir, file), 'utf8'), `${label}/${file}`);
  const data = yaml.data as Record<string, unknown> | null;
  const name = data && typeof data === 'object' ? data['name'] : undefined;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new DependencyError('BMP_DEPS_NOT_A_PACKAGE', `package ${label}: ${file} needs a 'name' of letters, digits and underscores${name !== undefined ? `, got ${JSON.stringify(name)}` : ''}`, name !== undefined ? yaml.locate(['name'], 'value') : { file: yaml.file });
  }
  return name;
}
