/**
 * run/build open the database while the project is parsed (Warehouse.openEarly). A Ctrl-C in that
 * window exits at once; the database file the invocation created must go with it, and a file the
 * session has taken must stay. Each case is a child process that opens early and calls process.exit
 * (what the CLI's signal handler does), so the timing is deterministic.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempProject, type TempProject } from '../helpers/project.js';

const projects: TempProject[] = [];
afterAll(() => {
  for (const p of projects.splice(0)) p.remove();
});

function exitWhileOpen(dir: string, adopt: boolean): { code: number | null; stderr: string } {
  const url = (p: string) => pathToFileURL(join(ROOT, p)).href;
  const script = `
    const { loadConfig } = await import(${JSON.stringify(url('dist/config/index.js'))});
    const { jinjaYamlSyntax } = await import(${JSON.stringify(url('dist/jinja/index.js'))});
    const { Warehouse } = await import(${JSON.stringify(url('dist/execute/index.js'))});
    const cfg = await loadConfig({ projectDir: ${JSON.stringify(dir)}, yamlSyntax: jinjaYamlSyntax() });
    const early = Warehouse.openEarly(cfg.target, 'write', { threads: 1, projectDir: cfg.project.projectDir, emit: () => {} });
    if (!early) throw new Error('not opened early');
    await early.warehouse;
    ${adopt ? 'early.adopt();' : ''}
    process.exit(130);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

describe('a database opened ahead of the session', () => {
  it('an exit before the session takes it removes the file this invocation created', () => {
    const p = tempProject({ 'models/a.sql': 'select 1 as id' });
    projects.push(p);
    const r = exitWhileOpen(p.dir, false);
    expect(r.code, r.stderr).toBe(130);
    expect(existsSync(p.db)).toBe(false);
    expect(existsSync(`${p.db}.wal`)).toBe(false);
  });

  it('once the session has taken it (or the file was there before), the file stays', async () => {
    const p = tempProject({ 'models/a.sql': 'select 1 as id' });
    projects.push(p);
    expect(exitWhileOpen(p.dir, true).code).toBe(130);
    expect(existsSync(p.db)).toBe(true);
    // a file that existed before is never removed, adopted or not
    expect((await p.run('run')).exitCode).toBe(0);
    expect(exitWhileOpen(p.dir, false).code).toBe(130);
    expect(await p.query('select id from main.a')).toEqual([{ id: 1 }]);
  });
});
