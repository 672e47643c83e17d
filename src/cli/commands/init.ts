import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../../errors.js';
import type { CommandRegistrar } from '../command.js';
import { packageRoot } from '../package-root.js';

export interface SkeletonFile {
  /** Relative to the project folder, forward slashes. */
  readonly path: string;
  readonly content: string;
}

/** `My-Shop` → `my_shop`: project names are identifiers (letters, digits, underscores). */
export function projectNameFor(folder: string): string {
  const name = basename(resolve(folder)).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'my_project';
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/**
 * The files `bmp init` writes: project.yml, profiles.yml (a DuckDB file inside the project folder),
 * a seed, two models using a macro, their properties with tests, a singular test, .gitignore.
 * `schemaDir` is the folder holding bmp's JSON Schemas, relative to the project (for editors).
 */
export function projectSkeleton(name: string, schemaDir?: string): SkeletonFile[] {
  const schema = (file: string) => (schemaDir ? `# yaml-language-server: $schema=${schemaDir}/${file}\n` : '');
  return [
    {
      path: 'project.yml',
      content: `${schema('project.schema.json')}name: ${name}
version: '1.0.0'
profile: ${name}

model-paths: [models]
macro-paths: [macros]
seed-paths: [seeds]
test-paths: [tests]
target-path: target          # compiled SQL, manifest.json, run_results.json
clean-targets: [target]

vars:
  min_order_cents: 0

models:
  ${name}:
    +materialized: view
    example:
      +tags: [example]
`,
    },
    {
      path: 'profiles.yml',
      content: `${schema('profiles.schema.json')}${name}:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: ${name}.duckdb      # relative to the project folder
      schema: main
      threads: 4
`,
    },
    {
      path: 'seeds/raw_orders.csv',
      content: `order_id,customer,amount,status
1,ada,12.50,completed
2,ada,7.25,completed
3,grace,30.00,shipped
4,alan,4.99,placed
5,grace,15.00,returned
`,
    },
    {
      path: 'macros/to_cents.sql',
      content: `{# Dollars (a decimal) to whole cents. #}
{% macro to_cents(column) -%}
  cast(round({{ column }} * 100) as integer)
{%- endmacro %}
`,
    },
    {
      path: 'models/example/stg_orders.sql',
      content: `-- One row per order, amounts in cents.
select
    order_id,
    customer,
    {{ to_cents('amount') }} as amount_cents,
    status
from {{ ref('raw_orders') }}
where {{ to_cents('amount') }} >= {{ var('min_order_cents') }}
`,
    },
    {
      path: 'models/example/customer_totals.sql',
      content: `{{ config(materialized='table') }}
-- Orders and spend per customer.
select
    customer,
    count(*) as orders,
    sum(amount_cents) as total_cents
from {{ ref('stg_orders') }}
where status <> 'returned'
group by customer
`,
    },
    {
      path: 'models/example/schema.yml',
      content: `version: 2

models:
  - name: stg_orders
    description: One row per order, with the amount in cents.
    columns:
      - name: order_id
        description: The order's key.
        data_tests: [unique, not_null]
      - name: status
        data_tests:
          - accepted_values:
              values: [placed, shipped, completed, returned]

  - name: customer_totals
    description: Orders and spend per customer, returns left out.
    columns:
      - name: customer
        data_tests: [unique, not_null]
      - name: total_cents
        description: Sum of the customer's order amounts, in cents.
`,
    },
    {
      path: 'tests/assert_totals_not_negative.sql',
      content: `-- A singular test: the rows it returns are failures.
select *
from {{ ref('customer_totals') }}
where total_cents < 0
`,
    },
    {
      path: '.gitignore',
      content: `target/
*.duckdb
*.duckdb.wal
logs/
`,
    },
  ];
}

/**
 * Writes a new project into `dir` (created when missing).
 * @throws UsageError BMP_INIT_EXISTS when `dir` already holds a project or any file the skeleton
 *   would write (nothing is written then).
 */
export function initProject(dir: string, name = projectNameFor(dir)): { dir: string; name: string; files: string[] } {
  const abs = resolve(dir);
  const existing = ['project.yml', 'dbt_project.yml'].find((f) => existsSync(join(abs, f)));
  if (existing) {
    throw new UsageError('BMP_INIT_EXISTS', `'${dir}' already holds a project`, { file: join(dir, existing) }, 'bmp init never overwrites a project; pick a new folder name');
  }
  const files = projectSkeleton(name, schemaDirFrom(abs));
  const clash = files.find((f) => existsSync(join(abs, f.path)));
  if (clash) {
    throw new UsageError('BMP_INIT_EXISTS', `'${join(dir, clash.path)}' already exists`, { file: join(dir, clash.path) }, 'bmp init never overwrites files; pick a new folder name');
  }
  for (const f of files) {
    const target = join(abs, f.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content, { flag: 'wx' });
  }
  return { dir: abs, name, files: files.map((f) => f.path) };
}

/** The shipped schemas folder, relative to the new project (absolute when on another drive). */
function schemaDirFrom(projectDir: string): string | undefined {
  const shipped = join(packageRoot(), 'schemas');
  if (!existsSync(shipped)) return undefined;
  const rel = relative(projectDir, shipped);
  return (rel && !rel.startsWith(sep) ? rel : shipped).split(sep).join('/');
}

/** A path as a shell reads it: as is when plain, else quoted (POSIX single quotes; double quotes on Windows). */
export function shellQuote(path: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(path)) return path;
  return process.platform === 'win32' ? `"${path.replace(/"/g, '""')}"` : `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * How to run this bmp again from a shell, so printed next steps work as printed: `bmp` when that
 * name on the PATH is this installation (`npx bmp` when the PATH has it from a node_modules/.bin,
 * as under npx), else node with this script's path.
 */
export function bmpCommand(): string {
  const self = process.argv[1];
  if (!self) return 'bmp';
  let real: string;
  try {
    real = realpathSync(self);
  } catch {
    return 'bmp';
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const exe of process.platform === 'win32' ? ['bmp.cmd', 'bmp.exe', 'bmp'] : ['bmp']) {
      try {
        // a node_modules/.bin on the PATH is npx's (or npm run's), there only while it runs: npx again
        if (realpathSync(join(dir, exe)) === real) return /node_modules[\\/]\.bin[\\/]?$/.test(dir) ? 'npx bmp' : 'bmp';
      } catch {
        // not there
      }
    }
  }
  return `node ${shellQuote(real)}`;
}

/** Registers init command(s) (named in src/cli/commands/index.ts). */
export const initCommand: CommandRegistrar = (program, ctx) => {
  program
    .command('init')
    .description('create a new project (project.yml, profiles.yml, example models, tests, a macro, a seed) in a new folder')
    .argument('[name]', 'folder to create; the project is named after it (default: the current folder)')
    .action((name: string | undefined) => {
      // `bmp init ''` (an unset shell variable) must not mean the current folder
      if (name !== undefined && !name.trim()) throw new UsageError('BMP_CLI_ARGUMENT', 'the project name is empty', {}, 'bmp init NAME creates the folder NAME');
      const dir = name ?? '.';
      const r = initProject(dir);
      ctx.output('Note', `Created project '${r.name}' in ${r.dir}:`, undefined, true);
      for (const f of r.files) ctx.output('Note', `  ${f}`, undefined, true);
      ctx.output('Note', '', undefined, true);
      ctx.output('Note', `Next: ${name ? `cd ${shellQuote(name)} && ` : ''}${bmpCommand()} build`, undefined, true);
    });
};
