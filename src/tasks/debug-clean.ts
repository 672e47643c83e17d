import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Database } from '../adapters/duckdb/index.js';
import { loadConfig, profilesDirOf, type ConfigOptions } from '../config/index.js';
import { jinjaYamlSyntax } from '../jinja/index.js';

export interface DebugReport {
  readonly lines: readonly string[];
  readonly ok: boolean;
}

/**
 * `debug --config-dir`: where profiles.yml is read from, as dbt says it (its OpenCommand), without
 * loading the project.
 */
export function configDir(opts: Pick<ConfigOptions, 'projectDir' | 'profilesDir'> = {}): string {
  const dir = profilesDirOf({ profilesDir: opts.profilesDir, projectDir: resolve(opts.projectDir ?? '.') });
  const open = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'start' : 'xdg-open';
  return `To view your profiles.yml file, run:\n\n${open} ${dir}`;
}

/** `bmp debug`: project, profile and connection checks, one line each. */
export async function debug(opts: ConfigOptions = {}): Promise<DebugReport> {
  const lines: string[] = [];
  let ok = true;
  const cfg = await loadConfig({ ...opts, yamlSyntax: jinjaYamlSyntax() });
  lines.push(`bmp version: 0.1.0`, `node: ${process.version}`, `project: ${cfg.project.name} (${cfg.project.projectDir}/${cfg.project.projectFile})`);
  lines.push(`profile: ${cfg.target.profileName} from ${cfg.target.profilesFile}`, `target: ${cfg.target.name} (type duckdb, schema ${cfg.target.schema}, threads ${cfg.target.threads})`);
  lines.push(`database: ${cfg.target.path}${cfg.target.path !== ':memory:' && !existsSync(cfg.target.path) ? ' (will be created on first run)' : ''}`);
  lines.push(`llm provider: ${cfg.target.llm.provider}`);
  try {
    if (cfg.target.path === ':memory:' || existsSync(cfg.target.path)) {
      const db = await Database.open({ path: cfg.target.path, readOnly: cfg.target.path !== ':memory:', settings: cfg.target.settings });
      const conn = await db.connect();
      const v = await conn.adapter.version();
      lines.push(`connection: OK (DuckDB ${v})`);
      db.close();
    } else {
      // no file yet: check the settings on an in-memory database, so a typo in `settings:` fails
      // here rather than at the first run
      const db = await Database.open({ path: ':memory:', settings: cfg.target.settings });
      db.close();
      lines.push('connection: OK (no database file yet; settings accepted)');
    }
  } catch (err) {
    ok = false;
    lines.push(`connection: FAILED: ${(err as Error).message}`);
  }
  for (const w of cfg.warnings) lines.push(`warning: ${w.message}`);
  lines.push(ok ? 'All checks passed!' : 'Some checks failed.');
  return { lines, ok };
}
