import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { Database } from '../adapters/duckdb/index.js';
import { loadConfig, type LoadOptions } from '../config/index.js';
import { UsageError } from '../errors.js';

export interface DebugReport {
  readonly lines: readonly string[];
  readonly ok: boolean;
}

/** `bmp debug`: project, profile and connection checks, one line each. */
export async function debug(opts: LoadOptions = {}): Promise<DebugReport> {
  const lines: string[] = [];
  let ok = true;
  const cfg = await loadConfig(opts);
  lines.push(`bmp version: 0.1.0`, `node: ${process.version}`, `project: ${cfg.project.name} (${cfg.project.projectDir}/${cfg.project.projectFile})`);
  lines.push(`profile: ${cfg.target.profileName} from ${cfg.target.profilesFile}`, `target: ${cfg.target.name} (type duckdb, schema ${cfg.target.schema}, threads ${cfg.target.threads})`);
  lines.push(`database: ${cfg.target.path}${cfg.target.path !== ':memory:' && !existsSync(cfg.target.path) ? ' (will be created on first run)' : ''}`);
  lines.push(`llm provider: ${cfg.target.llm.provider}`);
  try {
    if (cfg.target.path === ':memory:' || existsSync(cfg.target.path)) {
      const db = await Database.open({ path: cfg.target.path, readOnly: cfg.target.path !== ':memory:', settings: cfg.target.settings });
      const conn = await db.connect();
      const v = await conn.rows<{ v: string }>('select version() as v');
      lines.push(`connection: OK (DuckDB ${v[0]?.v})`);
      db.close();
    } else lines.push('connection: OK (no database file yet)');
  } catch (err) {
    ok = false;
    lines.push(`connection: FAILED: ${(err as Error).message}`);
  }
  for (const w of cfg.warnings) lines.push(`warning: ${w.message}`);
  lines.push(ok ? 'All checks passed!' : 'Some checks failed.');
  return { lines, ok };
}

/** `bmp clean`: removes clean-targets (default: the target path); never the database unless listed. */
export async function clean(opts: LoadOptions = {}): Promise<string[]> {
  const cfg = await loadConfig(opts);
  const dir = cfg.project.projectDir;
  const removed: string[] = [];
  for (const t of cfg.project.cleanTargets) {
    const abs = resolve(dir, t);
    const rel = relative(dir, abs);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) {
      throw new UsageError('BMP_CLEAN_OUTSIDE', `clean-target '${t}' is outside the project folder; refusing to delete it`, { file: cfg.project.projectFile });
    }
    if (existsSync(abs)) {
      await rm(abs, { recursive: true, force: true });
      removed.push(t);
    }
  }
  return removed;
}
