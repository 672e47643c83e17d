/**
 * Incremental models and partitioned tables at 1M source rows.
 *
 * 1. Build cost: each incremental model is built with `--full-refresh`, then 1% new rows arrive
 *    and it is built incrementally; both figures are the model's `execution_time` in
 *    target/run_results.json of the same benchmark run (median over the repetitions).
 *    Goal: incremental ≤ 5% of the full refresh.
 * 2. Zone maps: a query filtered to the current month on the month-partitioned (clustered) table
 *    vs an unclustered copy: row groups whose min/max overlap the filter (pragma_storage_info) and
 *    rows the scan read (DuckDB's profiler, operator_rows_scanned).
 * 3. Partition pruning on the external layout: the same month through the view over
 *    hive-partitioned Parquet, filtered on the partition column vs on the timestamp alone
 *    (EXPLAIN ANALYZE's "Scanning Files" / "Total Files Read").
 *
 * The DuckDB work of the suite itself (creating the source, appending rows, profiling queries)
 * runs in child processes (a helper script written to the work folder), so this runner never
 * holds the database file while bmp runs.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const name = 'incremental';
export const title = 'Incremental models and partitioned tables at 1M rows';
export const order = 40;

const GOAL = 0.05;

const INC_MODELS = {
  inc_append: {
    strategy: 'append',
    config: "incremental_strategy='append'",
    filter: 'where seq > (select max(seq) from {{ this }})',
  },
  inc_merge: {
    strategy: 'merge',
    config: "incremental_strategy='merge', unique_key='id'",
    filter: 'where seq > (select max(seq) from {{ this }})',
  },
  inc_merge_recent: {
    strategy: 'merge + incremental_predicates',
    config:
      "incremental_strategy='merge', unique_key='id', partition_by={'field': 'created_at', 'granularity': 'month'}, " +
      "incremental_predicates=[\"DBT_INTERNAL_DEST.created_at >= date_trunc('month', current_date) - interval 1 month\"]",
    filter: 'where seq > (select max(seq) from {{ this }})',
  },
  inc_delete_insert: {
    strategy: 'delete+insert',
    config: "incremental_strategy='delete+insert', unique_key='id'",
    filter: 'where seq > (select max(seq) from {{ this }})',
  },
  // delete+insert's common non-unique key: a day. The batch is every row of the days the new rows
  // fall on, and the step replaces those days (the days repeat on both sides: a join of the
  // target with the batch's rows rather than its keys grows with rows per day squared)
  inc_delete_insert_day: {
    strategy: 'delete+insert by day (a key repeated on both sides)',
    config: "incremental_strategy='delete+insert', unique_key='created_day'",
    extra: 'cast(created_at as date) as created_day',
    // it rewrites whole days, as insert_overwrite rewrites a month: no ≤ 5% goal, the row says what it reaches
    goal: false,
    filter: "where created_at >= (select date_trunc('day', min(created_at)) from {{ source('raw', 'events') }} where seq > (select max(seq) from {{ this }}))",
  },
  inc_overwrite: {
    strategy: 'insert_overwrite (month partitions)',
    config: "incremental_strategy='insert_overwrite', partition_by={'field': 'created_at', 'granularity': 'month'}",
    // the months of the new rows, fetched at compile time (run_query) so the scan can skip older row groups
    filter:
      "{% set lo = run_query(\"select strftime(date_trunc('month', min(created_at)), '%Y-%m-%d') from \" ~ source('raw', 'events') ~ \" where seq > (select max(seq) from \" ~ this ~ \")\")[0][0] %}" +
      "where created_at >= timestamp '{{ lo }}'",
  },
  inc_microbatch: {
    strategy: 'microbatch (day batches, lookback 1)',
    config: "incremental_strategy='microbatch', event_time='created_at', batch_size='day', lookback=1, begin=var('begin')",
    filter: '',
  },
};

/** The model body: a little real work per row (a join-free projection with hashing and a window-free derivation). */
function modelSql(m) {
  return `{{ config(materialized='incremental', tags=['inc'], ${m.config}) }}
select id, user_id, kind, round(amount * 1.19, 2) as amount_gross, created_at, seq,
       md5(kind || ':' || user_id) as kind_user, amount > 100 as is_large${m.extra ? `, ${m.extra}` : ''}
from {{ source('raw', 'events') }}
{% if is_incremental() %}${m.filter}{% endif %}
`;
}

const HELPER = (repoDir) => `// written by bench/suites/incremental.mjs
import { DuckDBInstance } from ${JSON.stringify(pathToFileURL(join(repoDir, 'node_modules/@duckdb/node-api/lib/index.js')).href)};
import { readFileSync } from 'node:fs';
const [cmd, db, ...args] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db, cmd === 'inspect' ? { access_mode: 'READ_ONLY' } : {});
const c = await inst.connect();
const rows = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
// created_at spreads over the 24 months before now; the current month is the latest partition
const SPREAD = "(timestamp '" + new Date().toISOString().slice(0, 10) + "' - interval 730 day)";
if (cmd === 'create') {
  const n = Number(args[0]);
  await c.run('create schema if not exists raw');
  await c.run(\`create or replace table raw.events as
    select range as id, (hash(range) % 50000)::integer as user_id, ['view', 'click', 'buy', 'share'][1 + (hash(range + 1) % 4)::integer] as kind,
           round((hash(range + 2) % 100000) / 100.0, 2) as amount,
           \${SPREAD} + to_seconds((hash(range + 3) % (730 * 86400))::bigint) as created_at, range as seq
    from range(\${n}) order by created_at\`);
} else if (cmd === 'append') {
  const n = Number(args[0]);
  // new events of the current month (1% of the source), with new ids and sequence numbers
  await c.run(\`insert into raw.events
    select m.id + 1 + range, (hash(range) % 50000)::integer, 'buy', round((hash(range + 2) % 100000) / 100.0, 2),
           date_trunc('month', current_date)::timestamp + to_seconds((hash(range + 3) % greatest(1, epoch(current_date::timestamp - date_trunc('month', current_date)::timestamp)::bigint))::bigint),
           m.seq + 1 + range
    from range(\${n}), (select max(id) as id, max(seq) as seq from raw.events) m\`);
} else if (cmd === 'inspect') {
  const lo = (await rows("select strftime(date_trunc('month', current_date), '%Y-%m-%d %H:%M:%S') as lo, strftime(date_trunc('month', current_date) + interval 1 month, '%Y-%m-%d %H:%M:%S') as hi, strftime(current_date, '%Y-%m') as label"))[0];
  const filter = \`created_at >= timestamp '\${lo.lo}' and created_at < timestamp '\${lo.hi}'\`;
  const out = { month: lo.label };
  await c.run("set enable_profiling = 'json'");
  await c.run("set profiling_output = '" + args[0] + "'");
  await c.run(\`set custom_profiling_settings = '{"OPERATOR_ROWS_SCANNED": "true", "OPERATOR_CARDINALITY": "true"}'\`);
  const scanned = () => {
    const j = JSON.parse(readFileSync(args[0], 'utf8'));
    let n = 0;
    const walk = (x) => { n += Number(x.operator_rows_scanned ?? 0); for (const ch of x.children ?? []) walk(ch); };
    walk(j);
    return n;
  };
  for (const t of ['events_clustered', 'events_unclustered']) {
    const [res] = await rows(\`select count(*) as n from main.\${t} where \${filter}\`);
    const rs = scanned();
    await c.run("set enable_profiling = 'no_output'");
    const groups = await rows(\`select row_group_id as g, min(regexp_extract(stats, 'Min: ([^,]+),', 1)) as mn, max(regexp_extract(stats, 'Max: ([^\\\\]]+)\\\\]', 1)) as mx
      from pragma_storage_info('\${t}') where column_name = 'created_at' and stats like '%Min:%' group by 1\`);
    const overlap = groups.filter((g) => g.mn < lo.hi && g.mx >= lo.lo).length;
    const [{ total }] = await rows(\`select count(*) as total from main.\${t}\`);
    out[t] = { rows: res.n, rowsScanned: rs, total, rowGroups: groups.length, rowGroupsOverlapping: overlap };
    await c.run("set enable_profiling = 'json'");
  }
  await c.run('pragma disable_profiling');
  await c.run('reset custom_profiling_settings');
  const files = async (where) => {
    const plan = (await rows(\`explain analyze select count(*) as n from main.events_ext where \${where}\`)).map((r) => r.explain_value).join('\\n');
    const m = /Scanning Files"?:\\s*"?(\\d+)\\/(\\d+)/.exec(plan);
    const read = /Total Files Read"?:\\s*"?(\\d+)/.exec(plan);
    return { scanning: m ? Number(m[1]) : null, of: m ? Number(m[2]) : null, read: read ? Number(read[1]) : null };
  };
  out.external = {
    partitionFilter: await files(\`created_at_month = '\${lo.label}'\`),
    timestampFilter: await files(filter),
  };
  console.log(JSON.stringify(out));
}
c.closeSync();
inst.closeSync();
`;

function writeProject(dir) {
  const files = {
    'project.yml': 'name: incbench\nprofile: incbench\nmodel-paths: [models]\n',
    'profiles.yml': 'incbench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: bench.duckdb\n      threads: 1\n',
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: events\n        config:\n          event_time: created_at\n',
    'models/events_clustered.sql': "{{ config(materialized='table', partition_by={'field': 'created_at', 'granularity': 'month'}) }}\nselect * from {{ source('raw', 'events') }}\n",
    'models/events_unclustered.sql': "{{ config(materialized='table') }}\nselect * from {{ source('raw', 'events') }} order by hash(id)\n",
    'models/events_ext.sql': "{{ config(materialized='external', location='lake/events', partition_by={'field': 'created_at', 'granularity': 'month'}) }}\nselect * from {{ source('raw', 'events') }}\n",
  };
  for (const [n, m] of Object.entries(INC_MODELS)) files[`models/${n}.sql`] = modelSql(m);
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

function execTimes(file) {
  const rr = JSON.parse(readFileSync(file, 'utf8'));
  const out = {};
  for (const r of rr.results ?? []) {
    const n = String(r.unique_id).split('.').pop();
    out[n] = { t: Number(r.execution_time), status: r.status, rows: r.adapter_response?.rows_affected ?? null, message: r.message };
  }
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export async function run(ctx) {
  const sourceRows = ctx.quick ? 200_000 : 1_000_000;
  const newRows = Math.round(sourceRows / 100);
  const reps = ctx.reps(3);
  const notes = [];
  const dir = join(ctx.workDir, 'incremental');
  const begin = new Date(Date.now() - 731 * 86_400_000).toISOString().slice(0, 10);
  writeProject(dir);
  const helper = join(dir, 'helper.mjs');
  writeFileSync(helper, HELPER(ctx.repoDir));
  const db = join(dir, 'bench.duckdb');
  const helperRun = async (label, ...args) => {
    const r = await ctx.time(label, ctx.node, [helper, ...args], { cwd: dir });
    if (!r.ok) throw new Error(`${label} failed: ${ctx.describeFailure(r)}`);
    return r;
  };
  ctx.log(`  creating raw.events with ${sourceRows} rows`);
  await helperRun('create-source', 'create', db, String(sourceRows));
  const vars = `{begin: '${begin}'}`;
  const base = [...ctx.bmp.args, 'run', '--project-dir', dir, '--vars', vars];
  const b = ctx.bmp.display;
  const v = `--vars "${vars}"`;
  const commands = [
    `D=${dir}`,
    `node $D/helper.mjs create $D/bench.duckdb ${sourceRows}`,
    `${b} run --project-dir $D ${v} -s events_clustered events_unclustered events_ext`,
    `${b} run --project-dir $D ${v} -s tag:inc --full-refresh   # full refresh; times from $D/target/run_results.json`,
    `node $D/helper.mjs append $D/bench.duckdb ${newRows}`,
    `${b} run --project-dir $D ${v} -s tag:inc   # incremental`,
    `node $D/helper.mjs inspect $D/bench.duckdb $D/profile.json`,
  ];
  if (!ctx.bmp.available) return { description: 'bmp not available', rows: [], notes, commands };

  // 1. clustered / unclustered / external copies of the source (built once)
  const layout = await ctx.time('bmp-layouts', ctx.bmp.cmd, [...base, '-s', 'events_clustered', 'events_unclustered', 'events_ext']);
  if (!layout.ok) throw new Error(`bmp run (layouts) failed: ${ctx.describeFailure(layout)}`);
  const layoutTimes = execTimes(join(dir, 'target/run_results.json'));

  // 2. full refresh vs incremental after 1% new rows, per model, `reps` times
  const full = {};
  const inc = {};
  for (let k = 0; k < reps; k++) {
    const f = await ctx.time('bmp-full-refresh', ctx.bmp.cmd, [...base, '-s', 'tag:inc', '--full-refresh']);
    if (!f.ok) throw new Error(`bmp run --full-refresh failed: ${ctx.describeFailure(f)}`);
    const ft = execTimes(join(dir, 'target/run_results.json'));
    await helperRun('append', 'append', db, String(newRows));
    const i = await ctx.time('bmp-incremental', ctx.bmp.cmd, [...base, '-s', 'tag:inc']);
    if (!i.ok) throw new Error(`bmp run (incremental) failed: ${ctx.describeFailure(i)}`);
    const it = execTimes(join(dir, 'target/run_results.json'));
    for (const n of Object.keys(INC_MODELS)) {
      (full[n] ??= []).push(ft[n].t);
      (inc[n] ??= []).push(it[n].t);
    }
    ctx.log(`    rep ${k + 1}/${reps}: full ${ctx.fmt.ms(f.ms)}, incremental ${ctx.fmt.ms(i.ms)} (whole processes)`);
    if (k === reps - 1) notes.push(`Last incremental run's messages: ${Object.keys(INC_MODELS).map((n) => `${n}: ${it[n].message}`).join('; ')}.`);
  }
  const rows = Object.entries(INC_MODELS).map(([n, m]) => {
    const fm = median(full[n]) * 1000;
    const im = median(inc[n]) * 1000;
    const ratio = im / fm;
    return {
      measure: `${m.strategy} (\`${n}\`): incremental after +1% rows`,
      value: ctx.fmt.ms(im),
      baseline: `full refresh: ${ctx.fmt.ms(fm)}`,
      ratio: `${(ratio * 100).toFixed(1)}% of full`,
      goal: m.goal === false ? '—' : `≤ ${GOAL * 100}%`,
      met: m.goal === false ? null : ratio <= GOAL,
    };
  });

  // 3. zone maps and partition pruning
  const profile = join(dir, 'profile.json');
  const ins = await helperRun('inspect', 'inspect', db, profile);
  const figures = JSON.parse(readFileSync(ins.stdoutFile, 'utf8').trim().split('\n').pop());
  const c = figures.events_clustered;
  const u = figures.events_unclustered;
  rows.push(
    {
      measure: `current month (${figures.month}) on the month-clustered table: row groups that can match`,
      value: `${c.rowGroupsOverlapping} of ${c.rowGroups}`,
      baseline: `unclustered copy: ${u.rowGroupsOverlapping} of ${u.rowGroups}`,
      ratio: `${((c.rowGroupsOverlapping / Math.max(1, u.rowGroupsOverlapping)) * 100).toFixed(1)}% of the row groups`,
      goal: 'a small fraction',
      met: c.rowGroupsOverlapping * 4 <= u.rowGroupsOverlapping,
    },
    {
      measure: `same query: rows scanned (EXPLAIN ANALYZE profile, ${c.rows} matching)`,
      value: `${c.rowsScanned.toLocaleString('en-US')} of ${c.total.toLocaleString('en-US')}`,
      baseline: `unclustered: ${u.rowsScanned.toLocaleString('en-US')} of ${u.total.toLocaleString('en-US')}`,
      ratio: `${((c.rowsScanned / Math.max(1, u.rowsScanned)) * 100).toFixed(1)}% of the rows`,
      goal: 'a small fraction',
      met: c.rowsScanned * 4 <= u.rowsScanned,
    },
    {
      measure: 'external hive layout: Parquet files read for the current month (filter on created_at_month)',
      value: `${figures.external.partitionFilter.read} of ${figures.external.partitionFilter.of}`,
      baseline: `filter on created_at only: ${figures.external.timestampFilter.read ?? '?'} files opened (row groups then skipped by Parquet statistics)`,
      ratio: '—',
      goal: '1 file per month',
      met: figures.external.partitionFilter.read === 1,
    },
  );
  notes.push(
    `Source: raw.events, ${sourceRows.toLocaleString('en-US')} rows over the 24 months before today, stored in arrival (created_at) order as an event log would be; events_unclustered is a copy in random order (\`order by hash(id)\`); each repetition adds ${newRows.toLocaleString('en-US')} rows (1%) of the current month with new ids. ` +
      `Figures are each model's \`execution_time\` from target/run_results.json (threads: 1), median of ${reps}; the full refresh is measured first in each repetition, so the source grows by 1% per repetition.`,
    `The layouts were built once: events_clustered ${ctx.fmt.ms(layoutTimes.events_clustered.t * 1000)}, events_unclustered ${ctx.fmt.ms(layoutTimes.events_unclustered.t * 1000)}, events_ext ${ctx.fmt.ms(layoutTimes.events_ext.t * 1000)}.`,
    'insert_overwrite re-computes and rewrites the whole current month (about 1/24 of the table plus the new rows), so its cost follows the partition size, not the batch: with month partitions it cannot reach 5%. ' +
      'merge and delete+insert on an unpartitioned table (inc_merge, inc_delete_insert) run a batch of new keys, as here, as ONE statement from the model\'s SELECT, in autocommit: the SELECT computed once (a materialized CTE) and inserted, if no key is NULL, no key repeats (merge), no target row matches a batch row (a join DuckDB prunes by the batch\'s key range, as the new keys lie outside the table\'s) and (delete+insert) the table has no unique index; otherwise the statement raises before writing a row. A merge whose batch matches target rows then runs as ONE MERGE from the SELECT (refused in turn on a NULL or repeated key); other refusals run the keyed way: a transaction with the batch as a temp table, one query over it (NULL and repeated keys, the match probe, unique indexes), then the merge, or the delete and the insert. Under on_schema_change ignore the columns come from the catalog bmp read at start (no describe). A batch with updates computes the SELECT twice (the refused insert, then the MERGE or the keyed step). ' +
      'inc_merge_recent (partition_by) still takes the keyed way, as its partition metadata is counted from the batch table; a merge whose probe finds no match runs the plain insert (the message stays MERGE n). On this shared 2-core machine figures vary by ±30% between runs. ' +
      'The microbatch full refresh runs one transaction per day (731 batches): that per-batch cost is what interval tracking saves on later runs.',
    `Raw profile figures: ${JSON.stringify(figures)}.`,
  );
  if (!existsSync(profile)) notes.push('(the profiler wrote no JSON)');
  return {
    description:
      'Incremental models built incrementally after 1% new rows vs rebuilt with `--full-refresh`, all in the same benchmark run; then what a filter on the current month reads on a month-clustered table, an unclustered copy, and the hive-partitioned external layout.',
    rows,
    notes,
    commands,
  };
}
