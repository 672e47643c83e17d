#!/usr/bin/env node
/**
 * `npm run compat`: runs bmp on the integration projects of the real dbt packages in
 * ../shared/compat (dbt_utils 1.3.3, dbt_date 0.21.0) and writes what passed and what failed, with
 * every failure's reason, into docs/COMPATIBILITY.md (between the `compat:packages` markers).
 *
 * For each package: unpack its archive into a scratch folder, install it into its integration
 * project's dbt_packages/ (with `bmp deps` when this bmp has it, which reads the project's
 * `packages.yml` = `local: ../`; otherwise as `dbt deps` lays a local package out: a link to the
 * package folder), then `bmp build` and read target/run_results.json. dbt_utils' integration
 * profile targets postgres, so it gets a DuckDB profile of the same name; dbt_date's targets DuckDB
 * already. Then the proof that bmp's own versions of dbt_utils' common tests (batched into shared
 * scans) answer as dbt_utils' macros do: the same models and tests built without packages and with
 * dbt_utils installed, every test's status and failure count compared. Nothing here is part of
 * `npm test`; without ../shared/compat it says so and exits 0.
 *
 *   npm run build && npm run compat            # measure, rewrite the table
 *   npm run compat -- --no-write --keep        # print only; keep the scratch folder
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const DOC = join(ROOT, 'docs', 'COMPATIBILITY.md');
const START = '<!-- compat:packages:start -->';
const END = '<!-- compat:packages:end -->';
const args = new Set(process.argv.slice(2));

/** The integration projects measured: archive, the package's name, a DuckDB profile when the project has none. */
const PROJECTS = [
  { archive: 'dbt_utils-1.3.3.tar.gz', name: 'dbt_utils', label: 'dbt_utils 1.3.3', profile: 'integration_tests' },
  { archive: 'dbt_date-0.21.0.tar.gz', name: 'dbt_date', label: 'dbt_date 0.21.0' },
];

function compatDir() {
  const candidates = [join(ROOT, '..', 'shared', 'compat')];
  // from a git worktree, ../shared is next to the main checkout
  const common = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: ROOT, encoding: 'utf8' });
  if (common.status === 0 && common.stdout.trim()) candidates.push(join(common.stdout.trim(), '..', '..', 'shared', 'compat'));
  return candidates.find((c) => existsSync(join(c, 'packages')));
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' }, ...opts });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const bmp = (argv) => run(process.execPath, [BIN, ...argv]);
/** Whether this build has `bmp deps` (it lists the command in its help). */
const hasDeps = () => /^\s+deps\b/m.test(bmp(['--help']).stdout);

function install(project, pkgDir, name) {
  if (hasDeps()) {
    const r = bmp(['deps', '--project-dir', project]);
    if (r.code === 0) return 'bmp deps';
    throw new Error(`bmp deps failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  }
  mkdirSync(join(project, 'dbt_packages'), { recursive: true });
  symlinkSync(pkgDir, join(project, 'dbt_packages', name), 'dir');
  return 'unpacked where dbt deps puts a local package (this bmp has no `deps` command yet)';
}

const firstLine = (text) => String(text ?? '').trim().split('\n').find((l) => l.trim()) ?? '';
/** A result's message on one table line: the summary, then its details (DuckDB's LINE n, the chain of macro calls) after ' · '. */
const wholeMessage = (text) => String(text ?? '').split('\n').map((l) => l.trim()).filter(Boolean).join(' · ');

function measure(compat, scratch, p) {
  const dir = join(scratch, p.name);
  mkdirSync(dir, { recursive: true });
  const tar = run('tar', ['xzf', join(compat, 'packages', p.archive), '-C', dir, '--strip-components=1']);
  if (tar.code !== 0) throw new Error(`tar: ${tar.stderr}`);
  const project = join(dir, 'integration_tests');
  const deps = install(project, dir, p.name);
  const argv = ['build', '--project-dir', project];
  if (p.profile) {
    const profiles = join(scratch, `${p.name}-profiles`);
    mkdirSync(profiles, { recursive: true });
    writeFileSync(join(profiles, 'profiles.yml'), `${p.profile}:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n      path: ${join(scratch, `${p.name}.duckdb`)}\n      threads: 4\n`);
    argv.push('--profiles-dir', profiles);
  }
  const t0 = Date.now();
  const build = bmp(argv);
  const seconds = (Date.now() - t0) / 1000;
  const resultsFile = join(project, 'target', 'run_results.json');
  const results = build.code !== 2 && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')).results : [];
  return { ...p, deps, exitCode: build.code, seconds, stopped: build.code === 2 ? firstLine(build.stderr || build.stdout) : undefined, results };
}

const KINDS = [['model', 'models'], ['seed', 'seeds'], ['test', 'tests']];

/**
 * Failures looked into and found to be DuckDB's, not bmp's: each says why no DuckDB build can pass
 * the node. A rule applies only while the failure still looks as it did when it was looked into (its
 * message matches); any other failure is reported as not explained, so the table never claims an
 * old reason for a new failure.
 */
const EXPLAINED = [
  {
    id: /^test\.dbt_utils_integration_tests\.dbt_utils_equality_data_test_equality_floats_a_ref_data_test_equality_floats_b___8\./,
    message: /^Got 0 results, configured to fail if <1$/,
    why: "the test expects the seeds to differ in the 7th decimal place, but their `column_types` say `float`, which is a 4-byte float in DuckDB (8 bytes in Postgres): both seeds hold the very same values (62.3888186 and 62.3888187 both become 62.38881683 as 4-byte floats), so no DuckDB can find the difference",
  },
  {
    id: /^test\.dbt_utils_integration_tests\.assert_equal_test_width_bucket_actual__expected\./,
    message: /^Got 1 result, configured to fail if != 0$/,
    why: "the seed's `min_value`/`max_value` are `float` (4 bytes in DuckDB): DuckDB casts the FLOAT bucket width 100000 to `numeric(28,6)` as 99999.997952, so `mod(400000, width)` is not 0 and the amount on a bucket edge lands one bucket low (with 8-byte floats, as in Postgres, the same SQL gives the expected bucket; dbt-duckdb's `type_numeric` is the same `numeric(28,6)`)",
  },
];

/** Why a failure is not bmp's, when it was looked into; a skipped node points at what it needed. */
function explain(r) {
  const message = firstLine(r.message);
  const skipped = /^skipped because (?:model|seed|snapshot|test) '([^']+)' failed/.exec(message);
  if (r.status === 'skipped' && skipped) return `needs \`${skipped[1]}\`, which failed (above)`;
  const rule = EXPLAINED.find((e) => (!e.id || e.id.test(r.unique_id)) && e.message.test(String(r.message ?? '')));
  return rule ? rule.why : undefined;
}
const PASSED = new Set(['success', 'pass', 'warn']);

function summarize(m) {
  const counts = {};
  for (const [kind] of KINDS) counts[kind] = { passed: 0, total: 0 };
  for (const r of m.results) {
    const kind = r.unique_id.split('.')[0];
    if (!counts[kind]) continue;
    counts[kind].total++;
    if (PASSED.has(r.status)) counts[kind].passed++;
  }
  const cell = (text) => String(text).replace(/\|/g, '\\|');
  const failures = m.results.filter((r) => !PASSED.has(r.status)).map((r) => ({ id: r.unique_id, status: r.status, reason: cell(wholeMessage(r.message)), why: explain(r) }));
  return { counts, failures };
}

const pct = (c) => (c.total ? `${c.passed}/${c.total} (${((100 * c.passed) / c.total).toFixed(1)}%)` : '0/0');

function markdown(measured, eq, when) {
  const lines = [START, '### Measured: the integration projects of dbt_utils and dbt_date', '', `Measured by \`npm run compat\` (scripts/compat.mjs) on ${when} with this repository's build: each package's own integration project, its package installed into dbt_packages/, then \`bmp build\`. Passed = models and seeds built, tests passed (or warned, as configured).`, ''];
  lines.push('| integration project | installed with | exit code | models passed | seeds passed | tests passed | build time |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const m of measured) {
    const { counts } = summarize(m);
    const cell = (c) => (m.stopped ? 'none ran' : pct(c));
    lines.push(`| ${m.label} | ${m.deps} | ${m.exitCode} | ${cell(counts.model)} | ${cell(counts.seed)} | ${cell(counts.test)} | ${m.seconds.toFixed(1)} s |`);
  }
  for (const m of measured) {
    const { failures } = summarize(m);
    lines.push('', `**${m.label}**: ${m.stopped ? `the build stopped before running anything: \`${m.stopped.replace(/`/g, "'")}\`` : failures.length ? `${failures.length} node(s) did not pass:` : 'every node passed.'}`);
    if (!m.stopped && failures.length) {
      lines.push('', '| node | status | message | why it is not bmp\'s |', '| --- | --- | --- | --- |');
      for (const f of failures) lines.push(`| \`${f.id}\` | ${f.status} | ${f.reason || '(no message)'} | ${f.why ? f.why.replace(/\|/g, '\\|') : '**not explained**'} |`);
    }
  }
  lines.push(...equivalenceMarkdown(eq));
  lines.push('', END);
  return lines.join('\n');
}

function writeDoc(section) {
  const text = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Compatibility with dbt\n\n## Packages\n';
  let out;
  if (text.includes(START) && text.includes(END)) out = text.slice(0, text.indexOf(START)) + section + text.slice(text.indexOf(END) + END.length);
  else if (/^## Packages\s*$/m.test(text)) {
    // at the end of the Packages section, before the next `## ` heading
    const at = text.search(/^## Packages\s*$/m);
    const next = text.slice(at + 1).search(/^## /m);
    const cut = next < 0 ? text.length : at + 1 + next;
    out = `${text.slice(0, cut).trimEnd()}\n\n${section}\n\n${text.slice(cut)}`;
  } else out = `${text.trimEnd()}\n\n## Packages\n\n${section}\n`;
  writeFileSync(DOC, out);
}

/*
 * bmp computes dbt_utils' common tests itself (batched into shared scans where it can) when the
 * project does not install dbt_utils. The same models and tests, built once without packages (bmp's
 * built-ins) and once with dbt_utils installed (dbt_utils' own test macros), must give every test the
 * same status and failure count. Edge cases on purpose: nulls, duplicates, repeated bad values, a
 * group with no values, groups on one side only, whitespace-only strings.
 */
const EQ_ROWS = `select * from (values
  (1, 'a', 10, 1, 7, null, ' ', 'g1'),
  (1, 'a', 20, 2, 7, 'n', '', 'g1'),
  (2, 'x', -5, 9, 7, null, 'v', 'g2'),
  (null, 'x', 500, null, 8, null, 'w', 'g2'),
  (3, '', 30, 8, 7, null, null, 'g3'),
  (4, 'y', null, 3, 7, 'm', 'u', 'g4')
) as t(id, status, amount, parent_id, varied, note, label, grp)`;

const EQ_TESTS = `version: 2
models:
  - name: subject
    tests:
      - expression_is_true: {expression: "amount >= 0"}
      - unique_combination_of_columns: {combination_of_columns: [id, status]}
      - unique_combination_of_columns: {combination_of_columns: [id, status, amount], name: ucc_passing}
      - equal_rowcount: {compare_model: ref('parents'), group_by_columns: [grp], name: er_grouped}
    columns:
      - name: status
        tests:
          - not_accepted_values: {values: ['x', 'y']}
          - not_empty_string
      - name: label
        tests:
          - not_empty_string: {trim_whitespace: false, name: nes_untrimmed}
          - not_empty_string: {name: nes_trimmed}
      - name: amount
        tests:
          - accepted_range: {min_value: 0, max_value: 100}
          - accepted_range: {min_value: 10, max_value: 30, inclusive: false, name: ar_exclusive}
          - accepted_range: {min_value: -10, name: ar_min_only}
          - expression_is_true: {expression: "< 100", name: eit_column}
      - name: varied
        tests:
          - not_constant
          - not_constant: {group_by_columns: [grp], name: nc_grouped}
      - name: note
        tests:
          - at_least_one
          - at_least_one: {group_by_columns: [grp], name: alo_grouped}
          - at_least_one: {group_by_columns: [status, grp], name: alo_grouped_two}
      - name: parent_id
        tests:
          - relationships_where: {to: ref('parents'), field: id, from_condition: "amount > 0"}
          - relationships_where: {to: ref('parents'), field: id, to_condition: "id < 3", name: rw_to_condition}
  - name: empty_subject
    columns:
      - name: note
        tests: [at_least_one, not_constant]
`;

function equivalence(compat, scratch) {
  const project = (label, withDbtUtils) => {
    const dir = join(scratch, `equivalence-${label}`);
    const files = {
      'dbt_project.yml': 'name: eq\nprofile: eq\n',
      'profiles.yml': `eq:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${join(dir, 'eq.duckdb')}\n      threads: 1\n`,
      'models/subject.sql': EQ_ROWS,
      'models/empty_subject.sql': 'select cast(null as varchar) as note where false',
      'models/parents.sql': "select * from (values (1, 'g1'), (2, 'g1'), (3, 'g2'), (5, 'g5')) as t(id, grp)",
      'models/schema.yml': EQ_TESTS,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    if (withDbtUtils) {
      const into = join(dir, 'dbt_packages', 'dbt_utils');
      mkdirSync(into, { recursive: true });
      const tar = run('tar', ['xzf', join(compat, 'packages', 'dbt_utils-1.3.3.tar.gz'), '-C', into, '--strip-components=1']);
      if (tar.code !== 0) throw new Error(`tar: ${tar.stderr}`);
    }
    const build = bmp(['build', '--project-dir', dir, '--profiles-dir', dir]);
    const file = join(dir, 'target', 'run_results.json');
    if (!existsSync(file)) throw new Error(`equivalence build (${label}) wrote no run_results.json: ${firstLine(build.stderr || build.stdout)}`);
    const tests = JSON.parse(readFileSync(file, 'utf8')).results.filter((r) => r.unique_id.startsWith('test.'));
    return new Map(tests.map((r) => [r.unique_id.split('.')[2], { answer: `${r.status} ${r.failures ?? ''}`.trim(), batched: !!r.adapter_response?.batched }]));
  };
  const mine = project('builtin', false);
  const theirs = project('dbt_utils', true);
  const names = [...new Set([...mine.keys(), ...theirs.keys()])].sort();
  const rows = names.map((name) => ({ name, mine: mine.get(name), theirs: theirs.get(name) }));
  return {
    rows,
    same: rows.filter((r) => r.mine && r.theirs && r.mine.answer === r.theirs.answer).length,
    batched: rows.filter((r) => r.mine?.batched).length,
    packageBatched: rows.filter((r) => r.theirs?.batched).length,
  };
}

function equivalenceMarkdown(eq) {
  const lines = ['', "### bmp's built-in tests against dbt_utils' macros, on the same data", ''];
  lines.push(`The same three models and ${eq.rows.length} tests, built once without packages (bmp computes dbt_utils' common tests itself, ${eq.batched} of them in shared scans) and once with dbt_utils 1.3.3 installed (its own test macros, ${eq.packageBatched} batched): **${eq.same} of ${eq.rows.length} tests give the same status and failure count**.`, '');
  lines.push('| test | bmp built-in | dbt_utils 1.3.3 | same |', '| --- | --- | --- | --- |');
  for (const r of eq.rows) lines.push(`| \`${r.name}\` | ${r.mine ? `${r.mine.answer}${r.mine.batched ? ' (batched)' : ''}` : 'absent'} | ${r.theirs?.answer ?? 'absent'} | ${r.mine && r.theirs && r.mine.answer === r.theirs.answer ? 'yes' : '**NO**'} |`);
  return lines;
}

const compat = compatDir();
if (!compat) {
  console.log('compat: ../shared/compat is absent (it holds the dbt_utils and dbt_date archives); nothing measured.');
  process.exit(0);
}
if (!existsSync(BIN)) {
  console.error('compat: dist/cli/bin.js is missing: run `npm run build` first.');
  process.exit(1);
}
const scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bmp-compat-'));
try {
  const measured = PROJECTS.map((p) => measure(compat, scratch, p));
  for (const m of measured) {
    const { counts, failures } = summarize(m);
    console.log(m.stopped ? `${m.label}: exit ${m.exitCode}, nothing ran — stopped: ${m.stopped}` : `${m.label}: exit ${m.exitCode}, models ${pct(counts.model)}, seeds ${pct(counts.seed)}, tests ${pct(counts.test)}`);
    for (const f of failures) console.log(`  ${f.status} ${f.id}: ${f.reason}${f.why ? '' : '  [not explained]'}`);
  }
  const eq = equivalence(compat, scratch);
  console.log(`equivalence: ${eq.same}/${eq.rows.length} tests give the same answer with bmp's built-ins (${eq.batched} batched) and with dbt_utils' macros`);
  for (const r of eq.rows.filter((x) => !(x.mine && x.theirs && x.mine.answer === x.theirs.answer))) console.log(`  DIFFERENT ${r.name}: bmp ${r.mine?.answer ?? 'absent'}, dbt_utils ${r.theirs?.answer ?? 'absent'}`);
  if (!args.has('--no-write')) {
    writeDoc(markdown(measured, eq, new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC'));
    console.log(`wrote ${DOC}`);
  }
} finally {
  if (args.has('--keep')) console.log(`kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
