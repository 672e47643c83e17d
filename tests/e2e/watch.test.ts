import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

function start(args: string[]): { cli: Cli; dir: string } {
  const dir = copyFixture('basic');
  dirs.push(dir);
  const cli = bmpAsync([...args, '--project-dir', dir]);
  running.push(cli);
  return { cli, dir };
}

/** Waits until `count` lines of the output (stdout + stderr) match `pattern`; returns the output. */
async function waitFor(cli: Cli, pattern: RegExp, count = 1): Promise<string> {
  for (;;) {
    const out = cli.output();
    // lines, not occurrences: a JSON log line carries its message twice (info.msg and data.msg), as dbt's do
    if (out.split('\n').filter((l) => pattern.test(l)).length >= count) return out;
    if (cli.child.exitCode !== null) throw new Error(`bmp exited (${cli.child.exitCode}) before printing ${pattern}:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The output printed after the `n`th "Waiting for changes" line and up to the next one. */
function cycle(out: string, n: number): string {
  return out.split(/^.*Waiting for changes.*$/m)[n] ?? '';
}

const WAITING = /Waiting for changes/;
const edit = (dir: string, file: string, f: (t: string) => string) => writeFileSync(join(dir, file), f(readFileSync(join(dir, file), 'utf8')));

describe('bmp build --watch', () => {
  it('builds, then rebuilds only what each save changed, survives errors, and exits 0 on Ctrl-C', async () => {
    const { cli, dir } = start(['build', '--watch']);
    let out = await waitFor(cli, WAITING);
    expect(out).toMatch(/Done\. PASS=10 WARN=0 ERROR=0 SKIP=0 TOTAL=10/);
    expect(out).toMatch(/Waiting for changes in macros, models, seeds, tests\/sql \(Ctrl-C to stop\)/);

    // 1. a model: it and its descendants (its tests), nothing upstream
    edit(dir, 'models/marts/customer_totals.sql', (t) => t.replace('count(*) as orders', 'count(*) as orders, 1 as version'));
    out = await waitFor(cli, WAITING, 2);
    let c = cycle(out, 1);
    expect(c).toMatch(/Change detected: models\/marts\/customer_totals\.sql/);
    expect(c).toMatch(/customer_totals changed: rebuilding 4 nodes/);
    expect(c).toMatch(/OK created sql table model main\.customer_totals/);
    expect(c).toMatch(/PASS no_negative_totals/);
    expect(c).not.toMatch(/START .*(stg_orders|raw_orders|raw_customers)/);
    expect(c).toMatch(/Done\. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4/);
    expect(await query(join(dir, 'basic.duckdb'), 'select distinct version from main.customer_totals')).toEqual([{ version: 1 }]);

    // 2. a compile error: one line, and the watch goes on
    writeFileSync(join(dir, 'models/marts/broken.sql'), "select * from {{ ref('stg_order') }}");
    out = await waitFor(cli, WAITING, 3);
    c = cycle(out, 2);
    expect(cli.output()).toMatch(/^Compilation Error in model broken \(models\/marts\/broken\.sql:1\): .*'stg_order'.*\[BMP_REF_UNDEFINED\]$/m);
    expect(c).not.toMatch(/START|Done\./);

    // 3. the fix: the new model runs (it is new since the last good parse), nothing else
    writeFileSync(join(dir, 'models/marts/broken.sql'), "select count(*) as n from {{ ref('stg_orders') }}");
    out = await waitFor(cli, WAITING, 4);
    c = cycle(out, 3);
    expect(c).toMatch(/broken changed: rebuilding 1 node\b/);
    expect(c).toMatch(/OK created sql table model main\.broken/);
    expect(c).toMatch(/TOTAL=1$/m);

    // 4. a burst of saves (macro + properties YAML) is one rebuild; a macro change reaches its callers
    edit(dir, 'macros/cents.sql', (t) => t.replace('as integer', 'as bigint'));
    edit(dir, 'models/schema.yml', (t) => t.replace('description: Orders in cents', 'description: Orders, amounts in cents'));
    appendFileSync(join(dir, 'macros/cents.sql'), '\n');
    out = await waitFor(cli, WAITING, 5);
    c = cycle(out, 4);
    expect(c.match(/Change detected/g)).toHaveLength(1);
    expect(c).toMatch(/Change detected: macros\/cents\.sql, models\/schema\.yml/);
    expect(c).toMatch(/stg_orders changed: rebuilding/);
    expect(c).toMatch(/OK created sql view model main\.stg_orders/);
    expect(c).toMatch(/OK created sql table model main\.customer_totals/);
    expect(c).toMatch(/OK created sql table model main\.broken/);
    expect(c).not.toMatch(/START .*(raw_orders|raw_customers)/);

    // 5. Ctrl-C while waiting: a clean exit
    cli.child.kill('SIGINT');
    const r = await cli.done;
    expect(r.stderr).toMatch(/Stopping the watch/);
    expect(r.code).toBe(0);
  });
});

describe('bmp run --watch', () => {
  it('keeps to the selection, prints JSON lines with --log-format json, and ignores files outside the project paths', async () => {
    const { cli, dir } = start(['run', '--watch', '-s', 'stg_orders', '--log-format', 'json']);
    let out = await waitFor(cli, WAITING);
    const lines = out.trim().split('\n');
    expect(lines.every((l) => JSON.parse(l).info.code)).toBe(true);
    expect(out).toMatch(/"name":"StatsLine"/);

    // outside the selection: nothing runs
    edit(dir, 'models/marts/customer_totals.sql', (t) => `${t}\n-- edited`);
    // not a project file: ignored (no cycle for it)
    writeFileSync(join(dir, 'models/notes.txt'), 'hello');
    writeFileSync(join(dir, 'target/scratch.sql'), 'select 1');
    out = await waitFor(cli, WAITING, 2);
    let c = cycle(out, 1);
    expect(c).toMatch(/customer_totals changed; no selected node depends on it/);
    expect(c).not.toMatch(/"name":"FoundStats"/);
    expect(c).not.toMatch(/notes\.txt|scratch\.sql/);

    // the selected model: it runs alone (run = models only, its tests are not run)
    edit(dir, 'models/staging/stg_orders.sql', (t) => `${t}\n-- edited`);
    out = await waitFor(cli, WAITING, 3);
    c = cycle(out, 2);
    expect(c).toMatch(/stg_orders changed: rebuilding 1 node\b/);
    const finished = c.split('\n').filter((l) => l.includes('"name":"LogModelResult"')).map((l) => JSON.parse(l).data.node_info.node_name);
    expect(finished).toEqual(['stg_orders']);

    // a deleted model: nothing to run, still watching
    rmSync(join(dir, 'models/marts/customer_totals.sql'));
    rmSync(join(dir, 'tests/sql/no_negative_totals.sql'));
    edit(dir, 'models/schema.yml', (t) => t.slice(0, t.indexOf('  - name: customer_totals')));
    out = await waitFor(cli, WAITING, 4);
    expect(cycle(out, 3)).toMatch(/No node changed/);

    cli.child.kill('SIGINT');
    expect((await cli.done).code).toBe(0);
  });
});
