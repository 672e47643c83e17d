/**
 * Packages: `bmp compile` of the 5,000-model wide project as it is, and the same project with
 * dbt_utils 1.3.3 and dbt_date 0.21.0 installed in dbt_packages/ (from ../shared/compat; the suite
 * says so and measures only the plain project when they are absent). Both in the same run,
 * interleaved. Installed packages cost their files' reading and a text scan of their macros: none
 * is compiled unless a model calls it. Goals: ≤ 2.5 s with the packages, ≤ 2 s without.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const name = 'packages';
export const title = 'Compile with installed packages';
export const order = 25;

const ARCHIVES = ['dbt_utils-1.3.3.tar.gz', 'dbt_date-0.21.0.tar.gz'];

function compatDir(repoDir) {
  const candidates = [join(repoDir, '..', 'shared', 'compat')];
  const common = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repoDir, encoding: 'utf8' });
  if (common.status === 0 && common.stdout.trim()) candidates.push(join(common.stdout.trim(), '..', '..', 'shared', 'compat'));
  return candidates.find((c) => ARCHIVES.every((a) => existsSync(join(c, 'packages', a))));
}

export async function run(ctx) {
  const models = ctx.quick ? 1000 : 5000;
  const notes = [];
  const commands = [];
  const rows = [];
  const plain = ctx.project('wide', models).dir;
  const compat = compatDir(ctx.repoDir);
  let withPackages;
  if (compat) {
    withPackages = join(ctx.workDir, 'projects', `wide-${models}-packages`);
    rmSync(withPackages, { recursive: true, force: true });
    cpSync(plain, withPackages, { recursive: true });
    rmSync(join(withPackages, 'target'), { recursive: true, force: true });
    for (const archive of ARCHIVES) {
      const into = join(withPackages, 'dbt_packages', archive.replace(/-[\d.]+\.tar\.gz$/, ''));
      mkdirSync(into, { recursive: true });
      const r = spawnSync('tar', ['xzf', join(compat, 'packages', archive), '-C', into, '--strip-components=1']);
      if (r.status !== 0) throw new Error(`tar ${archive} failed`);
    }
    notes.push(`dbt_utils 1.3.3 and dbt_date 0.21.0 unpacked into ${withPackages}/dbt_packages (their integration_tests folders included, as the archives ship them; bmp reads only each package's own paths).`);
  } else notes.push('../shared/compat is absent: only the project without packages was measured.');

  if (!ctx.bmp.available) return { rows: [{ measure: 'bmp compile', value: `not measured: ${ctx.bmp.reason}`, baseline: '—', ratio: '—', goal: '—', met: null }], notes, commands };

  const argsFor = (dir) => [...ctx.bmp.args, 'compile', '--project-dir', dir, '--profiles-dir', dir];
  // CPU time (user + system) as well as wall time: on a shared machine the wall time mostly measures
  // the other tenants, the CPU time much less so (GNU time, when installed)
  const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const cpuFile = join(ctx.workDir, 'runs', 'packages-cpu.txt');
  mkdirSync(join(ctx.workDir, 'runs'), { recursive: true });
  const timed = (label, dir) =>
    gnuTime ? ctx.time(label, gnuTime, ['-f', '%U %S', '-o', cpuFile, ctx.bmp.cmd, ...argsFor(dir)]) : ctx.time(label, ctx.bmp.cmd, argsFor(dir));
  const cpuOf = () => {
    if (!gnuTime) return undefined;
    const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
    return (user + sys) * 1000;
  };
  const variants = [{ label: 'without packages', dir: plain, goalMs: 2000 }];
  if (withPackages) variants.push({ label: 'with dbt_utils and dbt_date installed', dir: withPackages, goalMs: 2500 });
  // interleaved: one repetition of each in turn, so both see the same load on a shared machine
  const reps = ctx.reps(5);
  const samples = variants.map(() => []);
  const cpu = variants.map(() => []);
  const load = loadavg()[0];
  for (const v of variants) {
    rmSync(join(v.dir, 'target'), { recursive: true, force: true });
    await ctx.time(`bmp-compile-${models}-warm-up`, ctx.bmp.cmd, argsFor(v.dir));
  }
  for (let i = 0; i < reps; i++) {
    for (const [k, v] of variants.entries()) {
      rmSync(join(v.dir, 'target'), { recursive: true, force: true });
      const r = await timed(`bmp-compile-${models}-${k}`, v.dir);
      if (!r.ok) {
        notes.push(`\`bmp compile\` ${v.label} failed: ${ctx.describeFailure(r)}`);
        samples[k] = null;
      } else if (samples[k]) {
        samples[k].push(r.ms);
        const c = cpuOf();
        if (c !== undefined) cpu[k].push(c);
      }
    }
  }
  const stats = samples.map((s) => (s && s.length ? ctx.summarize(s) : null));
  const cpuStats = cpu.map((c) => (c.length ? ctx.summarize(c) : null));
  const loaded = load > cpus().length;
  if (loaded) notes.push(`The machine was shared and loaded (1-min load average ${load.toFixed(1)} on ${cpus().length} cores): wall times measure the other tenants as much as bmp, so the absolute goals are not judged here; compare the two rows of the same run, and their CPU times.`);
  for (const [k, v] of variants.entries()) {
    const s = stats[k];
    const ratio = k > 0 && s && stats[0] ? s.median / stats[0].median : null;
    const c = cpuStats[k];
    const cpuRatio = k > 0 && c && cpuStats[0] ? c.median / cpuStats[0].median : null;
    rows.push({
      measure: `\`bmp compile\`, ${models} models + ${2 * models} tests, ${v.label}`,
      value: s ? `${ctx.fmt.stats(s)}${c ? `; CPU ${ctx.fmt.ms(c.median)}` : ''}` : 'failed',
      baseline: k > 0 ? `the same project without packages: ${stats[0] ? ctx.fmt.stats(stats[0]) : 'failed'}${cpuStats[0] ? `; CPU ${ctx.fmt.ms(cpuStats[0].median)}` : ''}` : '—',
      ratio: ratio ? `${ctx.fmt.ratio(ratio)} wall${cpuRatio ? `, ${ctx.fmt.ratio(cpuRatio)} CPU` : ''} (with ÷ without)` : '—',
      goal: ctx.quick ? '— (quick run)' : `≤ ${v.goalMs / 1000} s`,
      met: ctx.quick || !s || loaded ? null : s.median <= v.goalMs,
    });
    commands.push(`rm -rf ${v.dir}/target; ${ctx.show(ctx.bmp.cmd, argsFor(v.dir))}`);
  }
  return {
    description: `The wide project of the compile suite (\`node bench/generate.mjs wide DIR --models ${models}\`), compiled cold (target/ deleted before each run), once as generated and once with two real packages installed; repetitions interleaved.`,
    rows,
    notes,
    commands,
  };
}
