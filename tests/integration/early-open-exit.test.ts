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

describe('the events of opening ahead', () => {
  async function openAhead(dir: string) {
    const { loadConfig } = await import('../../src/config/index.js');
    const { jinjaYamlSyntax } = await import('../../src/jinja/index.js');
    const { Warehouse } = await import('../../src/execute/index.js');
    const cfg = await loadConfig({ projectDir: dir, yamlSyntax: jinjaYamlSyntax() });
    type Seen = { type: string; sql?: string; connection?: number };
    const events: Seen[] = [];
    const early = Warehouse.openEarly(cfg.target, 'write', { threads: 1, projectDir: cfg.project.projectDir, emit: (e) => events.push(e as Seen) });
    if (!early) throw new Error('not opened early');
    return { early, events };
  }

  it('are held until the session takes the database (the catalog queries are reported where they were when opening followed the parse), then pass at once', async () => {
    const p = tempProject({ 'models/a.sql': 'select 1 as id' });
    projects.push(p);
    const { early, events } = await openAhead(p.dir);
    const w = await early.warehouse;
    expect(events).toEqual([]);
    early.adopt();
    const opened = events.filter((e) => e.type === 'sql').map((e) => e.sql);
    expect(opened.length).toBeGreaterThan(0);
    // each statement and its status
    expect(events.filter((e) => e.type === 'sql.status').length).toBe(opened.length);
    expect(2 * opened.length).toBe(events.length);
    await w.conns[0]!.query('select 42 as answer');
    expect(events.length).toBe(2 * opened.length + 2);
    expect(events.at(-2)).toMatchObject({ type: 'sql', sql: 'select 42 as answer' });
    expect(events.at(-1)).toMatchObject({ type: 'sql.status', connection: w.conns[0]!.id });
    w.close();
  });

  it('are reported when the invocation stops before the session takes the database', async () => {
    const p = tempProject({ 'models/a.sql': 'select 1 as id' });
    projects.push(p);
    const { early, events } = await openAhead(p.dir);
    await early.warehouse;
    expect(events).toEqual([]);
    await early.discard();
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'sql' || e.type === 'sql.status')).toBe(true);
    expect(existsSync(p.db)).toBe(false);
  });
});
