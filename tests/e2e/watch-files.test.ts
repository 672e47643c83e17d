/**
 * `--watch` keeps seeing files however editors save them: atomic saves (a temp file renamed over
 * the original, as Sublime, Emacs and `sed -i` do; JetBrains' rename dance), folders created after
 * the watch started, and files and folders deleted (and created again).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bmpAsync, copyFixture, query, removeDir } from '../helpers/project.js';

type Cli = ReturnType<typeof bmpAsync>;
const running: Cli[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) {
    if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await c.done;
  }
  for (const d of dirs.splice(0)) removeDir(d);
});

const WAITING = /Waiting for changes/g;

async function waitFor(cli: Cli, count: number): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const out = cli.output();
    if ((out.match(WAITING)?.length ?? 0) >= count) return out.split(/^.*Waiting for changes.*$/m)[count - 1] ?? '';
    if (cli.child.exitCode !== null) throw new Error(`bmp exited (${cli.child.exitCode}):\n${out}`);
    if (Date.now() - t0 > 30_000) throw new Error(`no cycle ${count} after 30 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Writes `text` to a temp file beside `path`, then renames it over `path` (a new inode). */
function atomicSave(path: string, text: string): void {
  writeFileSync(`${path}.swp~`, text);
  renameSync(`${path}.swp~`, path);
}

/** JetBrains' safe write: the new text to a temp, the original aside, the temp into place, the original deleted. */
function jetbrainsSave(path: string, text: string): void {
  writeFileSync(`${path}___jb_tmp___`, text);
  renameSync(path, `${path}___jb_old___`);
  renameSync(`${path}___jb_tmp___`, path);
  unlinkSync(`${path}___jb_old___`);
}

describe('watch survives how files are saved, created and deleted', () => {
  it('atomic saves, sed -i, a new folder, deleted files and a folder deleted and created again', async () => {
    const dir = copyFixture('basic');
    dirs.push(dir);
    const db = join(dir, 'basic.duckdb');
    const cli = bmpAsync(['build', '--watch', '--project-dir', dir]);
    running.push(cli);
    await waitFor(cli, 1);
    const model = join(dir, 'models/marts/customer_totals.sql');
    const original = readFileSync(model, 'utf8');
    const version = async () => (await query(db, 'select distinct version from main.customer_totals'))[0]?.['version'];
    const withVersion = (v: number) => original.replace('count(*) as orders', `count(*) as orders, ${v} as version`);

    // 1-3. the same file saved by rename three times over: every save is seen
    atomicSave(model, withVersion(1));
    expect(await waitFor(cli, 2)).toMatch(/customer_totals changed: rebuilding \d+ nodes?/);
    expect(await version()).toBe(1);
    jetbrainsSave(model, withVersion(2));
    expect(await waitFor(cli, 3)).toMatch(/customer_totals changed: rebuilding \d+ nodes?/);
    expect(await version()).toBe(2);
    expect(spawnSync('sed', ['-i', 's/2 as version/3 as version/', model]).status).toBe(0);
    expect(await waitFor(cli, 4)).toMatch(/customer_totals changed: rebuilding \d+ nodes?/);
    expect(await version()).toBe(3);

    // 4. a folder created after the watch started, with a model in it
    mkdirSync(join(dir, 'models/reports/weekly'), { recursive: true });
    writeFileSync(join(dir, 'models/reports/weekly/order_count.sql'), "select count(*) as n from {{ ref('stg_orders') }}\n");
    expect(await waitFor(cli, 5)).toMatch(/order_count changed: rebuilding 1 node/);
    // and a file saved in it later
    atomicSave(join(dir, 'models/reports/weekly/order_count.sql'), "select count(*) + 0 as n from {{ ref('stg_orders') }}\n");
    expect(await waitFor(cli, 6)).toMatch(/order_count changed: rebuilding 1 node/);

    // 5. a deleted file is noticed (its node is gone, nothing else runs)
    unlinkSync(join(dir, 'models/reports/weekly/order_count.sql'));
    expect(await waitFor(cli, 7)).toMatch(/Change detected: models\/reports\/weekly\/order_count\.sql[\s\S]*No node changed/);

    // 6. the whole folder deleted (it holds no project file now: a cycle or none), then created again
    // with a new model: still watched
    rmSync(join(dir, 'models/reports'), { recursive: true });
    await new Promise((r) => setTimeout(r, 1500));
    const settled = cli.output().match(WAITING)!.length;
    mkdirSync(join(dir, 'models/reports'), { recursive: true });
    writeFileSync(join(dir, 'models/reports/again.sql'), 'select 7 as n\n');
    expect(await waitFor(cli, settled + 1)).toMatch(/again changed: rebuilding 1 node/);
    expect(await query(db, 'select n from main.again')).toEqual([{ n: 7 }]);
    atomicSave(join(dir, 'models/reports/again.sql'), 'select 8 as n\n');
    expect(await waitFor(cli, settled + 2)).toMatch(/again changed: rebuilding 1 node/);
    expect(await query(db, 'select n from main.again')).toEqual([{ n: 8 }]);

    cli.child.kill('SIGINT');
    expect((await cli.done).code).toBe(0);
  });
});
