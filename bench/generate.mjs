#!/usr/bin/env node
/**
 * Benchmark project generators (deterministic; no dependencies beyond Node).
 *
 *   chain     N models (default 1,000), model_i = CTAS joining model_{i-1} and model_{i-2};
 *             the first two select from range(). The overhead benchmark's project.
 *   wide      N models (default 5,000) in nested folders (models/area_XX/group_Y/), each refs
 *             1–3 earlier models (seeded PRNG), two generic tests (unique, not_null on `id`) per
 *             model in models/area_XX/group_Y/schema.yml. The compile benchmark's project.
 *   dataform  the same wide graph as a Dataform 3 project (definitions/**.sqlx, assertions
 *             uniqueKey/nonNull), package.json pinning @dataform/core, workflow_settings.yaml
 *             without dataformCoreVersion.
 *   chain-sql the chain's compiled statements, one file per model (what bench/baseline-raw.mjs
 *             runs when no bmp target/run/** is available).
 *
 * CLI:
 *   node bench/generate.mjs chain     DIR [--models 1000] [--rows 100]
 *   node bench/generate.mjs wide      DIR [--models 5000] [--seed 42]
 *   node bench/generate.mjs dataform  DIR [--models 5000] [--seed 42]
 *   node bench/generate.mjs chain-sql DIR [--models 1000] [--rows 100] [--schema main]
 *
 * DIR is emptied first. Generate under /dev/shm: on the repository's disk, creating thousands of
 * files right after deleting thousands is several times slower and would measure the file system.
 */
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bump when generated content changes, so cached projects under /dev/shm are regenerated. */
export const GENERATOR_VERSION = 1;

/** @dataform/core version the Dataform project pins (DESIGN.md). */
export const DATAFORM_CORE_VERSION = '3.0.62';

const MODULUS = 1000003;

// ---------------------------------------------------------------------------------------------
// helpers

/** mulberry32: tiny, fast, deterministic 32-bit PRNG; returns floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function padWidth(n, min) {
  return Math.max(min, String(Math.max(0, n - 1)).length);
}

function writeFile(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function resetDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

function projectYml(name) {
  return `name: ${name}\nprofile: ${name}\nmodel-paths: [models]\n`;
}

function profilesYml(name, dbFile) {
  return [
    `${name}:`,
    `  target: dev`,
    `  outputs:`,
    `    dev:`,
    `      type: duckdb`,
    `      path: ${dbFile}`,
    `      threads: 1`,
    ``,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// chain

/** Name of chain model i for a chain of n models: model_0000 … (at least 4 digits). */
export function chainName(i, n = 1000) {
  return `model_${String(i).padStart(padWidth(n, 4), '0')}`;
}

/**
 * The SELECT of chain model i, with `ref(name)` producing the relation text. Shared by the
 * template (ref → `{{ ref('x') }}`) and the compiled statement (ref → `"main"."x"`), so both
 * forms are the same query by construction.
 */
function chainSelect(i, n, rows, ref) {
  if (i < 2) {
    return [
      `select range as id, (range * ${i + 7}) % ${MODULUS} as v`,
      `from range(${rows})`,
    ].join('\n');
  }
  return [
    `select a.id, (a.v + b.v) % ${MODULUS} as v`,
    `from ${ref(chainName(i - 1, n))} as a`,
    `join ${ref(chainName(i - 2, n))} as b on b.id = a.id`,
  ].join('\n');
}

/** Model file text of chain model i (dbt syntax). */
export function chainModelSql(i, n = 1000, rows = 100) {
  return `{{ config(materialized='table') }}\n${chainSelect(i, n, rows, (m) => `{{ ref('${m}') }}`)}\n`;
}

/**
 * The compiled statement the chain's model i should produce: a CTAS of the model's SELECT with
 * refs resolved to `"schema"."name"`. This is the raw baseline's fallback when bmp's
 * target/run/** files are not available; bench/run.mjs reports whether bmp's own statements
 * match it (ignoring quoting, case and whitespace).
 */
export function chainStatement(i, n = 1000, rows = 100, schema = 'main') {
  const q = (s) => `"${s.replaceAll('"', '""')}"`;
  const select = chainSelect(i, n, rows, (m) => `${q(schema)}.${q(m)}`);
  return `create or replace table ${q(schema)}.${q(chainName(i, n))} as (\n${select}\n);\n`;
}

/** Writes the chain project into dir (emptied first). Returns a description. */
export function generateChain(dir, { models = 1000, rows = 100, name = 'chain' } = {}) {
  if (models < 2) throw new Error('a chain needs at least 2 models');
  dir = resolve(dir);
  resetDir(dir);
  writeFile(join(dir, 'project.yml'), projectYml(name));
  writeFile(join(dir, 'profiles.yml'), profilesYml(name, `${name}.duckdb`));
  mkdirSync(join(dir, 'models'), { recursive: true });
  for (let i = 0; i < models; i++) {
    writeFileSync(join(dir, 'models', `${chainName(i, models)}.sql`), chainModelSql(i, models, rows));
  }
  return { kind: 'chain', dir, models, rows, db: join(dir, `${name}.duckdb`), name };
}

/** Writes the chain's compiled statements, one file per model (sorted names = run order). */
export function generateChainSql(dir, { models = 1000, rows = 100, schema = 'main' } = {}) {
  dir = resolve(dir);
  resetDir(dir);
  for (let i = 0; i < models; i++) {
    writeFileSync(join(dir, `${chainName(i, models)}.sql`), chainStatement(i, models, rows, schema));
  }
  return { kind: 'chain-sql', dir, models, rows, schema };
}

// ---------------------------------------------------------------------------------------------
// wide graph (shared by the bmp and Dataform projects)

/** Name of wide model i: m_00000 … (at least 5 digits). */
export function wideName(i, n = 5000) {
  return `m_${String(i).padStart(padWidth(n, 5), '0')}`;
}

/**
 * The wide DAG: for each model its folder (area_XX/group_Y, 50 models a group, 10 groups an area),
 * its parents (1–3 earlier models; 70 % from the previous 50, else any earlier one), and whether it
 * is a table (every 5th) or a view (the project default). Models 0–2 are roots reading range().
 */
export function wideGraph(n = 5000, seed = 42) {
  const rand = prng(seed);
  const nodes = [];
  for (let i = 0; i < n; i++) {
    const parents = [];
    if (i >= 3) {
      const k = Math.min(i, 1 + Math.floor(rand() * 3));
      while (parents.length < k) {
        const p = rand() < 0.7
          ? i - 1 - Math.floor(rand() * Math.min(i, 50))
          : Math.floor(rand() * i);
        if (!parents.includes(p)) parents.push(p);
      }
    }
    const area = Math.floor(i / 500);
    const group = Math.floor(i / 50) % 10;
    nodes.push({
      i,
      name: wideName(i, n),
      folder: `area_${String(area).padStart(2, '0')}/group_${group}`,
      parents,
      table: i % 5 === 0,
    });
  }
  return nodes;
}

function wideSelect(node, nodes, rows, ref) {
  if (node.parents.length === 0) {
    return `select range as id, (range * ${node.i + 3}) % ${MODULUS} as v\nfrom range(${rows})\n`;
  }
  const sum = node.parents.map((_, k) => `p${k}.v`).join(' + ');
  const lines = [`select`, `    p0.id,`, `    (${sum}) % ${MODULUS} as v`];
  node.parents.forEach((p, k) => {
    const rel = ref(nodes[p].name);
    lines.push(k === 0 ? `from ${rel} as p0` : `left join ${rel} as p${k} on p${k}.id = p0.id`);
  });
  return lines.join('\n') + '\n';
}

/** Model file text of a wide-graph node (dbt syntax). */
export function wideModelSql(node, nodes, rows = 100) {
  const head = node.table ? `{{ config(materialized='table') }}\n` : '';
  return head + wideSelect(node, nodes, rows, (m) => `{{ ref('${m}') }}`);
}

/** SQLX text of a wide-graph node (Dataform syntax). */
export function wideModelSqlx(node, nodes, rows = 100) {
  const head = [
    `config {`,
    `  type: "${node.table ? 'table' : 'view'}",`,
    `  assertions: {`,
    `    uniqueKey: ["id"],`,
    `    nonNull: ["id"]`,
    `  }`,
    `}`,
    ``,
  ].join('\n');
  return head + wideSelect(node, nodes, rows, (m) => `\${ref("${m}")}`);
}

function groupByFolder(nodes) {
  const folders = new Map();
  for (const node of nodes) {
    if (!folders.has(node.folder)) folders.set(node.folder, []);
    folders.get(node.folder).push(node);
  }
  return folders;
}

/** Writes the wide bmp/dbt project into dir (emptied first). */
export function generateWide(dir, { models = 5000, seed = 42, rows = 100, name = 'wide' } = {}) {
  dir = resolve(dir);
  resetDir(dir);
  const nodes = wideGraph(models, seed);
  writeFile(
    join(dir, 'project.yml'),
    projectYml(name) + `models:\n  ${name}:\n    +materialized: view\n`,
  );
  writeFile(join(dir, 'profiles.yml'), profilesYml(name, `${name}.duckdb`));
  for (const [folder, group] of groupByFolder(nodes)) {
    const base = join(dir, 'models', folder);
    mkdirSync(base, { recursive: true });
    const yml = ['version: 2', '', 'models:'];
    for (const node of group) {
      writeFileSync(join(base, `${node.name}.sql`), wideModelSql(node, nodes, rows));
      yml.push(
        `  - name: ${node.name}`,
        `    description: "Generated model ${node.i} (${node.parents.length} parents)."`,
        `    columns:`,
        `      - name: id`,
        `        tests:`,
        `          - unique`,
        `          - not_null`,
      );
    }
    writeFileSync(join(base, 'schema.yml'), yml.join('\n') + '\n');
  }
  const edges = nodes.reduce((s, n) => s + n.parents.length, 0);
  return { kind: 'wide', dir, models, tests: models * 2, edges, seed, name };
}

/** Writes the same wide graph as a Dataform 3 project into dir (definitions/ and settings). */
export function generateDataform(dir, { models = 5000, seed = 42, rows = 100, keepNodeModules = true } = {}) {
  dir = resolve(dir);
  if (keepNodeModules && existsSync(join(dir, 'node_modules'))) {
    // keep the installed @dataform/core (the expensive part); replace everything else
    rmSync(join(dir, 'definitions'), { recursive: true, force: true });
  } else {
    resetDir(dir);
  }
  const nodes = wideGraph(models, seed);
  writeFile(
    join(dir, 'workflow_settings.yaml'),
    [
      'defaultProject: bmp-bench',
      'defaultLocation: US',
      'defaultDataset: main',
      'defaultAssertionDataset: main_assertions',
      '',
    ].join('\n'),
  );
  writeFile(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'bmp-bench-dataform-wide',
        private: true,
        dependencies: { '@dataform/core': DATAFORM_CORE_VERSION },
      },
      null,
      2,
    ) + '\n',
  );
  for (const [folder, group] of groupByFolder(nodes)) {
    const base = join(dir, 'definitions', folder);
    mkdirSync(base, { recursive: true });
    for (const node of group) {
      writeFileSync(join(base, `${node.name}.sqlx`), wideModelSqlx(node, nodes, rows));
    }
  }
  return { kind: 'dataform', dir, models, assertions: models * 2, seed };
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const [kind, dir, ...rest] = argv;
  const opts = {};
  for (let k = 0; k < rest.length; k++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(rest[k]);
    if (!m) throw new Error(`unexpected argument ${rest[k]}`);
    const value = m[2] ?? rest[++k];
    opts[m[1]] = /^\d+$/.test(value) ? Number(value) : value;
  }
  return { kind, dir, opts };
}

const USAGE = `usage: node bench/generate.mjs chain|wide|dataform|chain-sql DIR [--models N] [--seed S] [--rows R] [--schema main]`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { kind, dir, opts } = parseArgs(process.argv.slice(2));
    if (!kind || !dir) throw new Error(USAGE);
    const gen = { chain: generateChain, wide: generateWide, dataform: generateDataform, 'chain-sql': generateChainSql }[kind];
    if (!gen) throw new Error(`unknown kind '${kind}'\n${USAGE}`);
    const t0 = process.hrtime.bigint();
    const info = gen(dir, opts);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(JSON.stringify({ ...info, ms: Math.round(ms) }));
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
}
