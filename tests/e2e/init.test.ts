import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, query, removeDir, ROOT } from '../helpers/project.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'bmp-init-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

describe('bmp init', () => {
  it('creates a project that bmp build passes, with its database inside the project folder', async () => {
    const parent = tempDir();
    const r = bmp(['init', 'my-shop'], { cwd: parent });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Created project 'my_shop' in .*my-shop:$/m);
    // the next step names a bmp the shell can find: `bmp` when it is on the PATH, else node and this script
    expect(r.stdout).toMatch(/Next: cd my-shop && (bmp|node \S+bin\.js) build$/m);
    const dir = join(parent, 'my-shop');
    for (const f of ['project.yml', 'profiles.yml', 'models/example/stg_orders.sql', 'models/example/customer_totals.sql', 'models/example/schema.yml', 'macros/to_cents.sql', 'seeds/raw_orders.csv', 'tests/assert_totals_not_negative.sql', '.gitignore']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    // editors find the shipped schemas from the comment on the first line
    const schemaLine = readFileSync(join(dir, 'project.yml'), 'utf8').split('\n')[0]!;
    const schemaPath = schemaLine.replace('# yaml-language-server: $schema=', '');
    expect(existsSync(join(dir, schemaPath))).toBe(true);
    expect(join(dir, schemaPath)).toBe(join(ROOT, 'schemas/project.schema.json'));

    const build = bmp(['build'], { cwd: dir });
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/Found 1 seed, 2 models, 6 data tests/);
    expect(build.stdout).toMatch(/Done\. PASS=9 WARN=0 ERROR=0 SKIP=0 TOTAL=9/);
    expect(await query(join(dir, 'my_shop.duckdb'), 'select customer, orders, total_cents from main.customer_totals order by customer')).toEqual([
      { customer: 'ada', orders: 2, total_cents: 1975 },
      { customer: 'alan', orders: 1, total_cents: 499 },
      { customer: 'grace', orders: 1, total_cents: 3000 },
    ]);
  });

  it('initializes the current folder when no name is given, naming the project after it', () => {
    const parent = tempDir();
    const dir = join(parent, '2nd Project');
    bmp(['init', '2nd Project'], { cwd: parent });
    expect(readFileSync(join(dir, 'project.yml'), 'utf8')).toMatch(/^name: _2nd_project$/m);

    const here = tempDir();
    writeFileSync(join(here, 'README.md'), 'mine');
    const r = bmp(['init'], { cwd: here });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Next: (bmp|node \S+bin\.js) build$/m);
    expect(readFileSync(join(here, 'README.md'), 'utf8')).toBe('mine');
    expect(existsSync(join(here, 'project.yml'))).toBe(true);
  });

  it('refuses to overwrite an existing project or file (exit 2, nothing written)', () => {
    const parent = tempDir();
    expect(bmp(['init', 'shop'], { cwd: parent }).code).toBe(0);
    writeFileSync(join(parent, 'shop/models/example/stg_orders.sql'), 'select 42 as mine');
    const again = bmp(['init', 'shop'], { cwd: parent });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^Usage Error \(shop\/project\.yml\): 'shop' already holds a project .*\[BMP_INIT_EXISTS\]$/m);
    expect(readFileSync(join(parent, 'shop/models/example/stg_orders.sql'), 'utf8')).toBe('select 42 as mine');

    // a dbt project counts too
    const dbt = join(parent, 'dbt');
    mkdirSync(dbt);
    writeFileSync(join(dbt, 'dbt_project.yml'), 'name: jaffle\n');
    const r = bmp(['init'], { cwd: dbt });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dbt_project\.yml.*\[BMP_INIT_EXISTS\]/);
    expect(existsSync(join(dbt, 'project.yml'))).toBe(false);

    // a clashing file stops it before anything is written
    const other = join(parent, 'other');
    mkdirSync(join(other, 'models/example'), { recursive: true });
    writeFileSync(join(other, 'models/example/schema.yml'), 'version: 2\n');
    const clash = bmp(['init', 'other'], { cwd: parent });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/'other\/models\/example\/schema\.yml' already exists .*\[BMP_INIT_EXISTS\]/);
    expect(existsSync(join(other, 'project.yml'))).toBe(false);
  });
});
