/**
 * Compile: `bmp compile` of the generated wide project (5,000 and 1,000 models, two generic tests
 * each) against `dataform compile DIR --json` of the same graph (Dataform CLI 3.0.69, core 3.0.62,
 * offline after one `dataform install`). Goals: 5,000 models ≤ 2 s and ≥ 25× faster than Dataform;
 * 1,000 models ≥ 20× faster.
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const name = 'compile';
export const title = 'Compile: bmp compile vs dataform compile';
export const order = 20;

const GOALS = { 5000: { speedup: 25, maxMs: 2000 }, 1000: { speedup: 20 } };

function countFiles(dir, ext) {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += countFiles(p, ext);
    else if (e.name.endsWith(ext)) n++;
  }
  return n;
}

function checkDataformOutput(file, models) {
  let j;
  try {
    j = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { ok: false, detail: `output is not JSON (${err.message}): ${readFileSync(file, 'utf8').slice(0, 300)}` };
  }
  const tables = j.tables?.length ?? 0;
  const assertions = j.assertions?.length ?? 0;
  const errors = j.graphErrors?.compilationErrors?.length ?? 0;
  const ok = tables === models && assertions === 2 * models && errors === 0;
  return { ok, detail: `${tables} tables/views, ${assertions} assertions, ${errors} compilation errors, ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB of JSON` };
}

async function one(ctx, models, notes, commands) {
  const wide = ctx.project('wide', models);
  const dfProject = ctx.project('dataform', models);
  const df = ctx.dataform();
  df.installProject(dfProject.dir);

  // Dataform: slow, so few repetitions (1 at 5,000 models)
  const dfReps = ctx.quick || models >= 5000 ? 1 : 2;
  const dfOut = join(ctx.workDir, 'runs', `dataform-compile-${models}.json`);
  // --timeout: the CLI's default (60 s) is shorter than a 5,000-model compile takes here
  const dfArgs = ['compile', dfProject.dir, '--json', '--timeout=30m'];
  ctx.log(`  dataform compile, ${models} models × ${dfReps} (slow)`);
  const dfRun = await ctx.measure({ label: `dataform-compile-${models}`, cmd: df.bin, args: dfArgs, reps: dfReps, stdoutFile: dfOut });
  let dfStats = dfRun.stats;
  if (dfRun.failure) {
    notes.push(`\`dataform compile\` (${models} models) failed: ${dfRun.failure}`);
    dfStats = null;
  } else {
    if (models >= 5000) notes.push('`dataform compile` runs with `--timeout=30m`: its default timeout (60 s) stops a 5,000-model compile on this machine.');
    const check = checkDataformOutput(dfOut, models);
    notes.push(`Dataform output at ${models} models: ${check.detail}${check.ok ? '' : ' — NOT the expected graph'}.`);
  }

  // bmp: cold compile each time (target/ deleted), one untimed warm-up
  const P = wide.dir;
  const bmpArgs = [...ctx.bmp.args, 'compile', '--project-dir', P, '--profiles-dir', P];
  let bmpStats = null;
  if (ctx.bmp.available) {
    ctx.log(`  bmp compile, ${models} models`);
    const run = await ctx.measure({
      label: `bmp-compile-${models}`,
      cmd: ctx.bmp.cmd,
      args: bmpArgs,
      reps: ctx.reps(5),
      warmup: 1,
      before: () => rmSync(join(P, 'target'), { recursive: true, force: true }),
    });
    if (run.failure) notes.push(`\`bmp compile\` (${models} models) failed, not timed: ${run.failure}`);
    else {
      bmpStats = run.stats;
      const compiled = countFiles(join(P, 'target', 'compiled'), '.sql');
      notes.push(`bmp wrote ${compiled} .sql files under target/compiled at ${models} models (expected ${models} models + ${2 * models} tests = ${3 * models}).`);
    }
  }

  commands.push(
    `rm -rf ${P}/target; ${ctx.show(ctx.bmp.cmd, bmpArgs)}`,
    `${ctx.show(df.bin, dfArgs)} > ${dfOut}`,
  );
  const goal = GOALS[models];
  const speedup = bmpStats && dfStats ? dfStats.median / bmpStats.median : null;
  const met = speedup == null || !goal ? null : speedup >= goal.speedup && (goal.maxMs == null || bmpStats.median <= goal.maxMs);
  return {
    measure: `\`bmp compile\`, ${models} models + ${2 * models} tests`,
    value: bmpStats ? ctx.fmt.stats(bmpStats) : 'not measured',
    baseline: `dataform compile: ${dfStats ? ctx.fmt.stats(dfStats) : 'failed'}`,
    ratio: speedup ? `${ctx.fmt.ratio(speedup)} faster (Dataform ÷ bmp)` : '—',
    goal: goal ? `${goal.maxMs ? `≤ ${goal.maxMs / 1000} s and ` : ''}≥ ${goal.speedup}× faster` : '— (quick run)',
    met,
  };
}

export async function run(ctx) {
  const sizes = ctx.quick ? [1000] : [5000, 1000];
  const notes = [];
  const commands = [];
  const rows = [];
  for (const models of sizes) rows.push(await one(ctx, models, notes, commands));
  const df = ctx.dataform();
  return {
    description:
      `The wide project: models in nested folders (models/area_XX/group_Y/), each ref-ing 1–3 earlier ` +
      `models (seeded), every 5th a table, the rest views, with \`unique\` and \`not_null\` on \`id\` ` +
      `declared in each folder's schema.yml; generated by \`node bench/generate.mjs wide DIR --models N\`. ` +
      `The same graph as a Dataform project (SQLX, \`\${ref()}\`, assertions uniqueKey/nonNull) by ` +
      `\`node bench/generate.mjs dataform DIR --models N\`, compiled offline by @dataform/cli ${df.version} ` +
      `(installed in ${df.dir}, outside the repository) with @dataform/core ${ctx.gen.DATAFORM_CORE_VERSION} ` +
      `installed by one \`dataform install\`. bmp compiles cold: target/ is deleted before each run.`,
    rows,
    notes,
    commands,
  };
}
