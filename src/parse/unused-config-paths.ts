import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isConfigKey, warningAt, YamlFile, type ConfigTree, type ConfigWarning, type ProjectConfig } from '../config/index.js';
import { didYouMean } from '../errors.js';

/** The sections of the project file whose folder paths are checked against the nodes' fqns. */
const SECTIONS = [
  ['models', 'model'],
  ['seeds', 'seed'],
  ['snapshots', 'snapshot'],
] as const;

export type ResourceFqns = Readonly<Record<(typeof SECTIONS)[number][1], readonly (readonly string[])[]>>;

/**
 * dbt's UnusedResourceConfigPath: a folder path under `models:`/`seeds:`/`snapshots:` of the root
 * project file that no node's fqn (enabled or disabled, any package) starts with configures nothing,
 * usually a misspelt folder or package name. One warning per path, at its line.
 */
export function unusedConfigPaths(project: ProjectConfig, fqns: ResourceFqns): ConfigWarning[] {
  const unused: { section: string; path: string[]; siblings: Set<string> }[] = [];
  for (const [section, type] of SECTIONS) {
    const tree = project[section];
    if (!tree || !Object.keys(tree).length) continue;
    // every fqn prefix, and the names found under each (for a suggestion)
    const prefixes = new Set<string>();
    const children = new Map<string, Set<string>>();
    for (const fqn of fqns[type]) {
      let key = '';
      for (const part of fqn) {
        let names = children.get(key);
        if (!names) children.set(key, (names = new Set()));
        names.add(part);
        prefixes.add((key = key ? `${key}\u0000${part}` : part));
      }
    }
    const walk = (level: ConfigTree, path: string[]) => {
      for (const [key, value] of Object.entries(level)) {
        if (!value || typeof value !== 'object' || Array.isArray(value) || key.startsWith('+') || isConfigKey(key)) continue;
        const sub = [...path, key];
        if (prefixes.has(sub.join('\u0000'))) walk(value as ConfigTree, sub);
        else unused.push({ section, path: sub, siblings: children.get(path.join('\u0000')) ?? new Set() });
      }
    };
    walk(tree, []);
  }
  if (!unused.length) return [];
  const file = project.projectFile;
  let yaml: YamlFile | undefined;
  try {
    yaml = YamlFile.parse(readFileSync(join(project.projectDir, file), 'utf8'), file);
  } catch {
    yaml = undefined; // it parsed a moment ago; without it the warnings are located at the file only
  }
  return unused.map(({ section, path, siblings }) => {
    const dotted = [section, ...path].join('.');
    const last = path[path.length - 1]!;
    // YAML 1.1 (dbt's reader, and bmp's) reads an unquoted yes/no/on/off key as a boolean
    const boolKey = last === 'true' || last === 'false' ? ` (an unquoted yes/no/on/off key reads as ${last}, as dbt reads it: quote a folder named so)` : '';
    const kind = section.slice(0, -1);
    const suggestion = didYouMean(last, siblings);
    return warningAt(
      'UnusedResourceConfigPath',
      'BMP_CONFIG_PATH_UNUSED',
      `'${dotted}' in ${file} configures nothing: no ${kind} is in that ${path.length === 1 ? 'package' : 'folder'}${boolKey}; dbt warns and ignores it too: correct the ${path.length === 1 ? 'package' : 'folder'} name${suggestion ? ` (${suggestion})` : ''} or remove the entry`,
      yaml ? yaml.locate([section, ...path]) : { file },
      dotted,
    );
  });
}
