/**
 * Start-up: `bmp ls` on a small project (20 models, 40 tests) against a bare `node -e ""`, i.e.
 * how much bmp adds to Node's own start. Goal: ≤ 0.5 s wall time.
 */
import { readFileSync } from 'node:fs';

export const name = 'startup';
export const title = 'Start-up: bmp ls on a small project';
export const order = 30;

const GOAL_MS = 500;

export async function run(ctx) {
  const models = 20;
  const reps = ctx.reps(10);
  const notes = [];
  const project = ctx.project('wide', models);
  const P = project.dir;
  const nodeArgs = ['-e', ''];
  const lsArgs = [...ctx.bmp.args, 'ls', '--project-dir', P, '--profiles-dir', P];
  const versionArgs = [...ctx.bmp.args, '--version'];

  const node = await ctx.measure({ label: 'node-bare', cmd: ctx.node, args: nodeArgs, reps, warmup: 1 });
  if (node.failure) throw new Error(`node -e "" failed: ${node.failure}`);

  let ls = null;
  let version = null;
  if (ctx.bmp.available) {
    const v = await ctx.measure({ label: 'bmp-version', cmd: ctx.bmp.cmd, args: versionArgs, reps, warmup: 1 });
    if (v.failure) notes.push(`\`bmp --version\` failed: ${v.failure}`);
    else version = v.stats;
    const r = await ctx.measure({ label: 'bmp-ls', cmd: ctx.bmp.cmd, args: lsArgs, reps, warmup: 1 });
    if (r.failure) notes.push(`\`bmp ls\` failed, not timed: ${r.failure}`);
    else {
      ls = r.stats;
      const lines = readFileSync(r.last.stdoutFile, 'utf8').trim().split('\n').filter(Boolean).length;
      notes.push(`\`bmp ls\` printed ${lines} lines (the project has ${models} models and ${2 * models} tests).`);
    }
  }
  const baseline = `\`node -e ""\`: ${ctx.fmt.stats(node.stats)}`;
  const rows = [
    {
      measure: `\`bmp ls\`, ${models}-model project`,
      value: ls ? ctx.fmt.stats(ls) : 'not measured',
      baseline,
      ratio: ls ? `${ctx.fmt.ratio(ls.median / node.stats.median)} (bmp ÷ bare node)` : '—',
      goal: `≤ ${GOAL_MS / 1000} s`,
      met: ls ? ls.median <= GOAL_MS : null,
    },
    {
      measure: '`bmp --version`',
      value: version ? ctx.fmt.stats(version) : 'not measured',
      baseline,
      ratio: version ? `${ctx.fmt.ratio(version.median / node.stats.median)} (bmp ÷ bare node)` : '—',
      goal: '—',
      met: null,
    },
  ];
  return {
    description: `A ${models}-model wide project (\`${project.command}\`). One untimed warm-up run each.`,
    rows,
    notes,
    commands: [`P=${P}`, ctx.show(ctx.bmp.cmd, lsArgs).replaceAll(P, '$P'), ctx.show(ctx.bmp.cmd, versionArgs), ctx.show(ctx.node, nodeArgs)],
  };
}
