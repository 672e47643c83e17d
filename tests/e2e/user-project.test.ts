/**
 * From this repository to a user's own project: bmp installed into a user's folder the way the
 * README says (`npm i <path to bmp>`; bmp is not on the npm registry), `npx bmp init` in a folder
 * whose path has spaces, and the printed next step run exactly as printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bmp, removeDir, ROOT } from '../helpers/project.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** The `Next: ...` line bmp init printed, without its label. */
const nextStep = (stdout: string) => /^Next: (.*)$/m.exec(stdout)?.[1];

describe("a user's own project", () => {
  it('npm i <path>, then npx bmp init "my first project", then the printed next step as printed', () => {
    const work = join(mkdtempSync(join(tmpdir(), 'bmp user ')), 'my work');
    dirs.push(join(work, '..'));
    mkdirSync(work);
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'my-work', private: true }));
    // what the README says: npm links a folder (no registry needed, --offline proves it)
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ROOT], { cwd: work, stdio: 'pipe' });
    const npx = (args: string[]) => spawnSync('npx', ['--no-install', 'bmp', ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(npx(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const init = npx(['init', 'my first project']);
    expect(init.status, init.stderr).toBe(0);
    const next = nextStep(init.stdout);
    expect(next).toBe("cd 'my first project' && npx bmp build");
    const run = spawnSync('sh', ['-c', next!], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Done\. PASS=9 WARN=0 ERROR=0 SKIP=0 TOTAL=9/);
  });

  it('run by path (not on the PATH), the next step names node and this script, quoted as needed', () => {
    const parent = mkdtempSync(join(tmpdir(), 'bmp user '));
    dirs.push(parent);
    const init = bmp(['init', "Bob's shop"], { cwd: parent });
    expect(init.code, init.stderr).toBe(0);
    const next = nextStep(init.stdout)!;
    expect(next).toMatch(/^cd 'Bob'\\''s shop' && (bmp|node \S+bin\.js) build$/);
    const run = spawnSync('sh', ['-c', next], { cwd: parent, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});
