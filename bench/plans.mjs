#!/usr/bin/env node
/**
 * Where DuckDB's plan for a model is worse than its SQL: runs each model of a project that was just
 * fully built again, in build order, on a scratch copy of its database, and prints per model its time
 * and process CPU, the checkpoint work it leaves behind, its row groups, and every join with the
 * rows each side really produced (the build side is DuckDB's right child: a build side larger than
 * the probe side usually means a bad cardinality guess), plus the CTEs DuckDB materialized.
 *
 *   node bench/plans.mjs --project-dir DIR [--db FILE] [--select model,...] [--threads 2]
 *
 * DIR must hold a full (not incremental) `bmp build`: the models' statements are read from
 * target/run/ and the database (default DIR/biological_memory.duckdb, or BMP_DB_PATH) is copied to
 * a scratch file first, so the project's own file is never touched. Statements with bound
 * parameters (bmp's bookkeeping) are skipped. Checkpoint work left behind is usually part-filled
 * row groups that the final checkpoint merges and compresses again, on one thread at the end of a
 * run (2026-12-03: memory_replay, 0.24 s at 1M; docs/BENCHMARKS.md, thirteenth session).
 *
 * A diagnostic for work on the pipeline's SQL: it reports no goal and is not part of `npm run bench`.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'yaml';

const opts = { projectDir: '', db: process.env.BMP_DB_PATH ?? '', select: [], threads: '2' };
const argv = process.argv.slice(2);
for (let k = 0; k < argv.length; k++) {
  const a = argv[k];
  if (a === '--project-dir') opts.projectDir = resolve(argv[++k]);
  else if (a === '--db') opts.db = resolve(argv[++k]);
  else if (a === '--select') opts.select = argv[++k].split(',');
  else if (a === '--threads') opts.threads = argv[++k];
  else {
    console.error(`plans: unexpected argument ${a}`);
    process.exit(2);
  }
}
if (!opts.projectDir) {
  console.error('plans: --project-dir is required');
  process.exit(2);
}
const manifestPath = join(opts.projectDir, 'target', 'manifest.json');
const source = opts.db || join(opts.projectDir, 'biological_memory.duckdb');
if (!existsSync(manifestPath) || !existsSync(source)) {
  console.error(`plans: needs a built project (${manifestPath}) and its database (${source})`);
  process.exit(2);
}
if (existsSync(`${source}.wal`)) {
  console.error(`plans: ${source}.wal exists: open the database once (or finish the run) so it is checkpointed`);
  process.exit(2);
}

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const project = manifest.metadata.project_name;
const models = Object.values(manifest.nodes).filter((n) => n.resource_type === 'model' && n.package_name === project);
const byId = new Map(models.map((n) => [n.unique_id, n]));

// build order: a model after every model it depends on
const ordered = [];
const seen = new Set();
const visit = (n) => {
  if (seen.has(n.unique_id)) return;
  seen.add(n.unique_id);
  for (const d of n.depends_on?.nodes ?? []) if (byId.has(d)) visit(byId.get(d));
  ordered.push(n);
};
for (const n of [...models].sort((a, b) => a.unique_id.localeCompare(b.unique_id))) visit(n);

// the statements of a file in target/run: bmp writes one per paragraph, each ending with ';'
const statements = (text) => text.split(/;\s*\n(?=\S)/).map((s) => s.trim().replace(/;$/, '')).filter(Boolean);
const creates = (s) => /^create\s+or\s+replace\s+(temp\s+)?table\b/i.test(s);

const scratchDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bmp-plans-'));
const scratch = join(scratchDir, 'plans.duckdb');
const profile = join(scratchDir, 'profile.json');

const cardinality = (n) => Number(n.operator_cardinality ?? n.cardinality ?? 0);
function walk(node, found) {
  const type = node.operator_type ?? node.operator_name ?? '';
  if (/JOIN/.test(type) && node.children?.length === 2) {
    found.joins.push({
      type: `${type} ${node.extra_info?.['Join Type'] ?? ''}`.trim(),
      probe: cardinality(node.children[0]),
      build: cardinality(node.children[1]),
      seconds: Number(node.operator_timing ?? 0),
      on: JSON.stringify(node.extra_info?.Conditions ?? '').slice(0, 70),
    });
  }
  if (type === 'CTE') found.ctes.push(`${node.extra_info?.['CTE Name'] ?? '?'}`);
  for (const child of node.children ?? []) walk(child, found);
}

let instance;
let conn;
const rows = async (sql) => (await conn.runAndReadAll(sql)).getRowObjects();
try {
  copyFileSync(source, scratch);
  instance = await DuckDBInstance.create(scratch, { threads: opts.threads });
  conn = await instance.connect();
  // the profile's settings that change what a write costs
  for (const [name, value] of Object.entries(readProfileSettings(opts.projectDir))) {
    try {
      await conn.run(`set global ${name} = '${String(value).replace(/'/g, "''")}'`);
    } catch {
      // a setting this check does not need (or cannot set here)
    }
  }
  for (const node of ordered) {
    if (opts.select.length && !opts.select.includes(node.name)) continue;
    const file = join(opts.projectDir, 'target', 'run', project, node.original_file_path);
    if (!existsSync(file)) continue;
    const all = statements(readFileSync(file, 'utf8'));
    // views and the like: already in the copied database as the build left them
    if (!all.some(creates)) continue;
    const found = { joins: [], ctes: [] };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const s of all) {
      if (/\$\d/.test(s)) continue;
      if (!creates(s)) {
        await conn.run(s);
        continue;
      }
      await conn.run(`pragma enable_profiling = 'json'`);
      await conn.run(`pragma profiling_output = '${profile}'`);
      await conn.run(`pragma profiling_mode = 'detailed'`);
      await conn.run(s);
      await conn.run('pragma disable_profiling');
      walk(JSON.parse(readFileSync(profile, 'utf8')), found);
    }
    const ms = performance.now() - t0;
    const used = process.cpuUsage(cpu0);
    const groups = await rows(
      `select row_group_id, max(count) as n from pragma_storage_info('${node.schema}.${node.alias}') where column_id = 0 group by row_group_id order by row_group_id`,
    );
    const c0 = performance.now();
    await conn.run('checkpoint');
    const checkpointMs = performance.now() - c0;
    // part-filled: a row group before the last that holds fewer rows than the fullest one
    const full = Math.max(...groups.map((g) => Number(g.n)));
    const part = groups.slice(0, -1).filter((g) => Number(g.n) < full).length;
    console.log(
      `${node.name}: ${ms.toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms; checkpoint after it ${checkpointMs.toFixed(0)} ms; ` +
        `${groups.length} row groups${part ? `, ${part} part-filled before the last` : ''}` +
        (found.ctes.length ? `; materialized CTEs: ${found.ctes.join(', ')}` : ''),
    );
    for (const j of found.joins) {
      if (j.probe + j.build < 10000) continue;
      console.log(`  ${j.build > j.probe ? 'build > probe' : '             '}  ${j.type}  probe ${j.probe}  build ${j.build}  ${j.seconds.toFixed(3)} s  ${j.on}`);
    }
  }
} finally {
  conn?.closeSync?.();
  instance?.closeSync?.();
  rmSync(scratchDir, { recursive: true, force: true });
}

/** The DuckDB settings of the project's profile (its default target's `settings:`), if any. */
function readProfileSettings(dir) {
  const path = join(dir, 'profiles.yml');
  if (!existsSync(path)) return {};
  const profileName = existsSync(join(dir, 'project.yml')) ? parse(readFileSync(join(dir, 'project.yml'), 'utf8'))?.profile : undefined;
  const profiles = parse(readFileSync(path, 'utf8')) ?? {};
  const profile = profiles[profileName] ?? Object.values(profiles).find((p) => p?.outputs);
  return profile?.outputs?.[profile.target]?.settings ?? {};
}
