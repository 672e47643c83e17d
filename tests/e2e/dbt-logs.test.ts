/**
 * dbt's structured logging: `--log-format json` lines as dbt writes them (dbt's event names and codes
 * for the same meanings, `info` and `data`), every error included, the log file under logs/
 * (`--log-path`, `--log-format-file`, `--log-level-file`), `--log-level`, `-q`, and global flags
 * given before the command or through DBT_/BMP_ environment variables. Real CLI, real DuckDB files.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_CATALOGUE } from '../../src/report/index.js';
import { bmp, copyFixture, removeDir } from '../helpers/project.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const fixture = () => {
  const dir = copyFixture('interop');
  dirs.push(dir);
  return dir;
};

interface JsonLine {
  info: { name: string; code: string; msg: string; level: string; ts: string; invocation_id: string; pid: number; thread: string; category: string; extra: Record<string, string> };
  data: Record<string, any>;
}
const lines = (stdout: string): JsonLine[] => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonLine);

/** dbt's own codes for the events bmp writes (dbt-core's types.py / core_types.proto, dbt-adapters, dbt-common). */
const DBT_CODES: Record<string, string> = {
  MainReportVersion: 'A001',
  MainReportArgs: 'A002',
  FoundStats: 'W006',
  ConcurrencyLine: 'Q027',
  LogStartLine: 'Q011',
  LogModelResult: 'Q012',
  LogTestResult: 'Q007',
  LogSeedResult: 'Q016',
  LogSnapshotResult: 'Q015',
  NodeStart: 'Q024',
  NodeFinished: 'Q025',
  SkippingDetails: 'Q034',
  CommandCompleted: 'Q039',
  SQLQuery: 'E016',
  SQLQueryStatus: 'E017',
  FinishedRunningStats: 'E047',
  EndOfRunSummary: 'Z030',
  StatsLine: 'Z023',
  RunResultError: 'Z024',
  RunResultFailure: 'Z022',
  MainEncounteredError: 'Z002',
  MainStackTrace: 'Z003',
  NoNodesForSelectionCriteria: 'M030',
  Formatting: 'Z017',
  Note: 'Z050',
  ListCmdOut: 'Z049',
  JinjaLogInfo: 'I062',
};

describe('the event catalogue', () => {
  it("uses dbt's code for each dbt name, and codes dbt never uses for bmp-only events", () => {
    for (const [name, code] of Object.entries(DBT_CODES)) expect(EVENT_CATALOGUE[name as keyof typeof EVENT_CATALOGUE]?.code, name).toBe(code);
    const codes = Object.values(EVENT_CATALOGUE).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    // names bmp gives its own warnings (lenient's), and dbt 1.10 names whose code bmp could not check
    const bmpNames = new Set(['KeyNotActedOn', 'UnknownWarningName', 'CustomKeyInConfigDeprecation', 'WEOIncludeExcludeDeprecation', 'SelectExcludeIgnoredWithSelectorWarning']);
    for (const [name, { code }] of Object.entries(EVENT_CATALOGUE)) {
      // dbt's prefixes are A D E I M P Q W Z (and T for its tests); bmp's events (Bmp*) get B codes
      if (name.startsWith('Bmp') || bmpNames.has(name)) expect(code, name).toMatch(/^B\d{3}$/);
      else expect(code, name).toMatch(/^[ADEIMPQWZ]\d{3}$/);
    }
  });
});

describe('--log-format json', () => {
  it("writes one dbt event per line: info (name, code, msg, level, ts, invocation_id, pid, thread, category, extra) and data", () => {
    const dir = fixture();
    const r = bmp(['build', '--project-dir', dir, '--log-format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const events = lines(r.stdout);
    for (const e of events) {
      expect(Object.keys(e.info).sort()).toEqual(['category', 'code', 'extra', 'invocation_id', 'level', 'msg', 'name', 'pid', 'thread', 'ts']);
      expect(e.info.code).toBe(EVENT_CATALOGUE[e.info.name as keyof typeof EVENT_CATALOGUE].code);
      expect(e.info.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(['debug', 'info', 'warn', 'error']).toContain(e.info.level);
    }
    // one invocation id on every line, the one run_results.json records
    const ids = new Set(events.map((e) => e.info.invocation_id));
    expect(ids.size).toBe(1);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    expect([...ids][0]).toBe(results.metadata.invocation_id);
    const names = events.map((e) => e.info.name);
    expect(names[0]).toBe('MainReportVersion');
    for (const n of ['FoundStats', 'ConcurrencyLine', 'LogStartLine', 'LogModelResult', 'LogTestResult', 'LogSeedResult', 'LogSnapshotResult', 'EndOfRunSummary', 'StatsLine']) expect(names, n).toContain(n);
    // debug-level events stay out of the console at the default level
    expect(names).not.toContain('NodeStart');
    const orders = events.find((e) => e.info.name === 'LogModelResult' && e.data.node_info.unique_id === 'model.jaffle.orders')!;
    expect(orders.info.msg).toMatch(/OK created sql table model main\.orders/);
    expect(orders.data).toMatchObject({ status: 'success', node_info: { node_name: 'orders', resource_type: 'model', materialized: 'table', node_status: 'success', node_relation: { database: 'jaffle', schema: 'main', alias: 'orders', relation_name: '"jaffle"."main"."orders"' } } });
    expect(orders.info.thread).toMatch(/^Thread-\d+ \(worker\)$/);
    const test = events.find((e) => e.info.name === 'LogTestResult')!;
    expect(test.data).toMatchObject({ status: 'pass', num_failures: 0 });
    expect(events.find((e) => e.info.name === 'StatsLine')!.data).toEqual({ stats: { pass: 18, warn: 0, error: 0, skip: 0, total: 18 } });
  });

  it('with --debug (or --log-level debug): NodeStart, NodeFinished with the run result, SQLQuery and its SQLQueryStatus', () => {
    const dir = fixture();
    for (const args of [['--debug', 'seed'], ['seed', '--log-level', 'debug']]) {
      const r = bmp([...args, '--project-dir', dir, '--log-format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const events = lines(r.stdout);
      const finished = events.find((e) => e.info.name === 'NodeFinished')!;
      expect(finished.info).toMatchObject({ code: 'Q025', level: 'debug', msg: 'Finished running node seed.jaffle.raw_orders' });
      expect(finished.data.run_result).toMatchObject({ status: 'success', adapter_response: { rows_affected: 4 } });
      expect(events.some((e) => e.info.name === 'NodeStart' && e.data.node_info.unique_id === 'seed.jaffle.raw_orders')).toBe(true);
      expect(events.some((e) => e.info.name === 'SQLQuery' && /raw\.customers/.test(e.data.sql))).toBe(true);
      // each statement that succeeded: its status on the same connection, before that connection's next statement
      const sql = events.filter((e) => e.info.name === 'SQLQuery' || e.info.name === 'SQLQueryStatus');
      const statuses = sql.filter((e) => e.info.name === 'SQLQueryStatus');
      expect(statuses.length).toBeGreaterThan(5);
      for (const s of statuses) {
        expect(s.info).toMatchObject({ code: 'E017', level: 'debug' });
        expect(s.info.msg).toMatch(/^SQL status: OK in \d+\.\d{3} seconds$/);
        expect(s.data).toMatchObject({ status: 'OK', elapsed: expect.any(Number), node_info: {} });
        const before = sql.slice(0, sql.indexOf(s)).filter((e) => e.data.conn_name === s.data.conn_name).at(-1)!;
        expect(before.info.name).toBe('SQLQuery');
      }
      expect(events.at(-1)!.info.name).toBe('CommandCompleted');
      expect(events.at(-1)!.data).toMatchObject({ command: 'bmp seed', success: true });
    }
  });

  it('a failing node: its result at error level, then RunResultError with the message; exit 1', () => {
    const dir = fixture();
    expect(bmp(['seed', '--project-dir', dir]).code).toBe(0);
    writeFileSync(join(dir, 'models/marts/orders.sql'), 'select * from {{ ref(\'stg_orders\') }} where no_such_column = 1');
    const r = bmp(['run', '--project-dir', dir, '--log-format', 'json']);
    expect(r.code).toBe(1);
    const events = lines(r.stdout);
    const result = events.find((e) => e.info.name === 'LogModelResult' && e.data.node_info.node_name === 'orders')!;
    expect(result.info.level).toBe('error');
    expect(result.data.status).toBe('error');
    const error = events.find((e) => e.info.name === 'RunResultError')!;
    expect(error.info).toMatchObject({ code: 'Z024', level: 'error' });
    expect(error.data.msg).toMatch(/no_such_column/);
    expect(events.some((e) => e.info.name === 'SkippingDetails' && e.data.node_name === 'customers')).toBe(true);
  });

  it('errors that stop the command (exit 2) are JSON too: bad config, bad arguments', () => {
    const dir = fixture();
    writeFileSync(join(dir, 'models/marts/orders.sql'), "select * from {{ ref('stg_ordrs') }}");
    const r = bmp(['run', '--project-dir', dir, '--log-format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    const error = lines(r.stdout).find((e) => e.info.name === 'MainEncounteredError')!;
    expect(error.data.exc).toMatch(/BMP_REF_UNDEFINED/);
    const usage = bmp(['run', '--project-dir', dir, '--threads', 'many', '--log-format', 'json']);
    expect(usage.code).toBe(2);
    expect(lines(usage.stdout).map((e) => [e.info.name, e.info.level])).toContainEqual(['MainEncounteredError', 'error']);
  });
});

describe('the log file', () => {
  it('logs/dbt.log: debug lines with level and thread, a separator per invocation', () => {
    const dir = fixture();
    expect(bmp(['seed', '--project-dir', dir]).code).toBe(0);
    expect(bmp(['seed', '--project-dir', dir]).code).toBe(0);
    const log = readFileSync(join(dir, 'logs/dbt.log'), 'utf8');
    expect(log.match(/^={30} \d\d:\d\d:\d\d\.\d{6} \| [0-9a-f-]{36} ={30}$/gm)).toHaveLength(2);
    expect(log).toMatch(/^\d\d:\d\d:\d\d\.\d{6} \[info \] \[MainThread\]: Running with bmp=/m);
    expect(log).toMatch(/^\d\d:\d\d:\d\d\.\d{6} \[debug\] \[Thread-\d \(\]: Began running node seed\.jaffle\.raw_orders$/m);
    expect(log).toMatch(/\[debug\] \[MainThread\]: Command `bmp seed` succeeded/);
  });

  it('--log-path, --log-format-file json, --log-level-file', () => {
    const dir = fixture();
    const logs = mkdtempSync(join(tmpdir(), 'bmp-logs-'));
    dirs.push(logs);
    expect(bmp(['seed', '--project-dir', dir, '--log-path', logs, '--log-format-file', 'json', '--log-level-file', 'info']).code).toBe(0);
    expect(existsSync(join(dir, 'logs'))).toBe(false);
    const events = lines(readFileSync(join(logs, 'dbt.log'), 'utf8'));
    expect(events.map((e) => e.info.name)).toContain('LogSeedResult');
    expect(events.filter((e) => e.info.level === 'debug')).toEqual([]);
  });

  it('an error that stops the command is in the file as well as on stderr', () => {
    const dir = fixture();
    writeFileSync(join(dir, 'models/marts/orders.sql'), "select * from {{ ref('stg_ordrs') }}");
    const r = bmp(['run', '--project-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/BMP_REF_UNDEFINED/);
    expect(readFileSync(join(dir, 'logs/dbt.log'), 'utf8')).toMatch(/\[error\] \[MainThread\]: Encountered an error:\nCompilation Error in model orders/);
  });
});

describe('console level and global flags', () => {
  it('-q prints only errors; --log-level warn hides info', () => {
    const dir = fixture();
    const quiet = bmp(['-q', 'build', '--project-dir', dir]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
    writeFileSync(join(dir, 'models/marts/orders.sql'), 'select no_such_column');
    const failing = bmp(['run', '--quiet', '--project-dir', dir]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/ERROR creating sql table model main\.orders/);
    expect(failing.stdout).not.toMatch(/OK created|Running with|Found /);
    const warn = bmp(['seed', '--project-dir', dir, '--log-level', 'warn']);
    expect(warn.stdout).toBe('');
  });

  it('print() is dbt\'s PrintEvent: shown under -q, dropped by --no-print (and DBT_PRINT=false)', () => {
    const dir = fixture();
    // as in dbt, a template also renders while the project is parsed: `execute` keeps print() to the run
    writeFileSync(join(dir, 'models/printing.sql'), "{% if execute %}{{ print('hello from print') }}{% endif %}\nselect 1 as x\n");
    const count = (out: string) => out.split('\n').filter((l) => l === 'hello from print').length;
    expect(count(bmp(['run', '-s', 'printing', '--project-dir', dir]).stdout)).toBe(1);
    expect(bmp(['-q', 'run', '-s', 'printing', '--project-dir', dir]).stdout).toBe('hello from print\n');
    expect(count(bmp(['--no-print', 'run', '-s', 'printing', '--project-dir', dir]).stdout)).toBe(0);
    expect(count(bmp(['run', '-s', 'printing', '--project-dir', dir], { env: { DBT_PRINT: 'false' } }).stdout)).toBe(0);
    const events = lines(bmp(['run', '-s', 'printing', '--project-dir', dir, '--log-format', 'json']).stdout);
    expect(events.find((e) => e.info.name === 'PrintEvent')).toMatchObject({ info: { code: 'Z052', msg: 'hello from print' } });
  });

  it('global flags work before the command and through DBT_ variables; BMP_ wins over DBT_; the command line over both', () => {
    const dir = fixture();
    const before = bmp(['--log-format', 'json', 'seed', '--project-dir', dir]);
    expect(lines(before.stdout).length).toBeGreaterThan(3);
    const fromEnv = bmp(['seed', '--project-dir', dir], { env: { DBT_LOG_FORMAT: 'json' } });
    expect(lines(fromEnv.stdout).map((e) => e.info.name)).toContain('LogSeedResult');
    const bmpWins = bmp(['seed', '--project-dir', dir], { env: { DBT_LOG_FORMAT: 'json', BMP_LOG_FORMAT: 'text' } });
    expect(bmpWins.stdout).toMatch(/^\d\d:\d\d:\d\d {2}Running with bmp=/);
    const cliWins = bmp(['seed', '--project-dir', dir, '--log-format', 'text'], { env: { DBT_LOG_FORMAT: 'json' } });
    expect(cliWins.stdout).not.toMatch(/^\{/m);
    const quietEnv = bmp(['seed', '--project-dir', dir], { env: { DBT_QUIET: 'true' } });
    expect(quietEnv.stdout).toBe('');
    const debugEnv = bmp(['seed', '--project-dir', dir], { env: { DBT_DEBUG: '1' } });
    expect(debugEnv.stdout).toMatch(/On connection \d+: /);
    const bad = bmp(['seed', '--project-dir', dir], { env: { DBT_QUIET: 'maybe' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/DBT_QUIET="maybe" is not a boolean.*\[BMP_CLI_ARGUMENT\]/);
  });

  it("dbt's flags that have nothing to change in bmp are accepted; --use-colors, --log-format debug, --fail-fast before the command", () => {
    const dir = fixture();
    const noEffect = ['--partial-parse', '--no-partial-parse', '--static-parser', '--use-experimental-parser', '--version-check', '--write-json', '--populate-cache', '--cache-selected-only', '--introspect', '--log-cache-events', '--send-anonymous-usage-stats', '--printer-width', '120'];
    const r = bmp([...noEffect, 'seed', '--project-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(bmp(['--use-colors', 'seed', '--project-dir', dir]).stdout).toMatch(/\x1b\[32m/);
    expect(bmp(['--no-use-colors', 'seed', '--project-dir', dir]).stdout).not.toMatch(/\x1b\[/);
    expect(bmp(['--log-format', 'debug', 'seed', '--project-dir', dir]).stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{6} \[info \] \[MainThread\]: Running with bmp=/m);
    writeFileSync(join(dir, 'models/marts/orders.sql'), 'select no_such_column');
    const fast = bmp(['-x', 'build', '--project-dir', dir]);
    expect(fast.code).toBe(1);
    expect(fast.stdout).toMatch(/skipped: --fail-fast|SKIP/);
  });

  it('DBT_PROJECT_DIR and DBT_TARGET_PATH (and --target-path) as dbt reads them', () => {
    const dir = fixture();
    const r = bmp(['seed'], { cwd: tmpdir(), env: { DBT_PROJECT_DIR: dir, DBT_TARGET_PATH: 'elsewhere' } });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'elsewhere/run_results.json'))).toBe(true);
    expect(bmp(['compile', '--project-dir', dir, '--target-path', 'other']).code).toBe(0);
    expect(existsSync(join(dir, 'other/manifest.json'))).toBe(true);
    // an absolute target path is that folder, not a folder of that name inside the project
    const abs = join(dir, '..', `${basename(dir)}-abs-target`);
    const compiled = bmp(['compile', '--project-dir', dir, '--target-path', abs]);
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(existsSync(join(abs, 'manifest.json'))).toBe(true);
    expect(compiled.stdout).toContain(`to ${abs}/compiled`);
    expect(existsSync(join(dir, abs))).toBe(false);
    rmSync(abs, { recursive: true, force: true });
  });
});
