/**
 * Values of secret env vars (names with SECRET, PASSWORD, TOKEN, API_KEY, *_KEY_ID, *_ACCESS_KEY*; dbt's DBT_ENV_SECRET_*) and secret-looking profile
 * keys (the LLM api_key) never reach the terminal or target/: compiled and run SQL, manifest.json,
 * run_results.json, text and JSON logs, --debug SQL, error lines. The data itself is untouched.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bmp, query, removeDir, type CliResult } from '../helpers/project.js';

const SECRETS = {
  MY_API_TOKEN: 'tok-9f8e7d6c5b4a',
  DB_PASSWORD: 'pw-Correct-Horse-42',
  SERVICE_SECRET: 'sec-0a1b2c3d4e5f',
  OPENAI_API_KEY: 'sk-live-112233445566',
} as const;
// not secret by name: stays visible (the masking is not a blanket filter)
const PLAIN = { REGION_NAME: 'eu-west-staging' };
const LLM_KEY = 'sk-llm-literal-778899';

const files: Record<string, string> = {
  'project.yml': [
    'name: sec',
    'profile: sec',
    'vars:',
    `  db_pw: "{{ env_var('DB_PASSWORD') }}"`,
    'models:',
    '  sec:',
    '    +materialized: table',
    '    hooked:',
    `      +post-hook: "create or replace table main.hook_audit as select '{{ env_var(\\"SERVICE_SECRET\\") }}' as s"`,
    '',
  ].join('\n'),
  'profiles.yml': [
    'sec:',
    '  target: dev',
    '  outputs:',
    '    dev:',
    '      type: duckdb',
    '      path: sec.duckdb',
    '      threads: 2',
    `      llm: { provider: offline, api_key: ${LLM_KEY} }`,
    '',
  ].join('\n'),
  // the static fast path
  'models/static_token.sql': `select '{{ env_var("MY_API_TOKEN") }}' as token, '{{ env_var("REGION_NAME") }}' as region\n`,
  // a rendered template: set, var() whose value calls env_var, log()
  'models/rendered.sql': [
    "{% set s = env_var('SERVICE_SECRET') %}",
    "{{ log('connecting with ' ~ s ~ ' and ' ~ env_var('OPENAI_API_KEY'), info=True) }}",
    "select '{{ s }}' as s, '{{ var('db_pw') }}' as pw, '{{ env_var('OPENAI_API_KEY') }}' as k",
    '',
  ].join('\n'),
  'models/hooked/hooked.sql': 'select 1 as x\n',
  // DuckDB's error message quotes the value
  'models/broken.sql': `select cast('{{ env_var("MY_API_TOKEN") }}' as integer) as n\n`,
  // a singular data test compares with the secret: its compiled SQL holds it
  'tests/token_is_set.sql': `select * from {{ ref('static_token') }} where token <> '{{ env_var("MY_API_TOKEN") }}'\n`,
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function project(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-secrets-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries({ ...files, ...extra })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const env = { ...SECRETS, ...PLAIN };
const run = (dir: string, args: readonly string[]): CliResult => bmp([...args, '--project-dir', dir], { env });

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function expectNoSecret(label: string, text: string): void {
  for (const [name, value] of Object.entries({ ...SECRETS, LLM_KEY })) {
    expect(text.includes(value), `${label} contains ${name}`).toBe(false);
  }
}

describe('secrets are masked everywhere bmp writes', () => {
  it('logs (text, JSON, --debug SQL), compiled and run SQL, manifest and run_results', async () => {
    const dir = project();
    const outputs: [string, CliResult][] = [
      ['run --log-format json', run(dir, ['run', '--log-format', 'json'])],
      ['build --debug', run(dir, ['build', '--debug'])],
      ['compile', run(dir, ['compile'])],
      ['ls --output json', run(dir, ['ls', '--output', 'json'])],
      ['show', run(dir, ['show', '-s', 'rendered', '--output', 'json'])],
    ];
    // the broken model fails (exit 1), the rest builds
    expect(outputs[0]![1].code).toBe(1);
    expect(outputs[1]![1].code).toBe(1);
    const all = outputs.map(([, r]) => r.stdout + r.stderr).join('\n');
    for (const [label, r] of outputs) expectNoSecret(label, r.stdout + r.stderr);
    // masked, not dropped: the places that held a value show the mask
    const build = outputs[1]![1].stdout;
    expect(build).toMatch(/connecting with \*\*\*\*\* and \*\*\*\*\*/);
    expect(build).toMatch(/Could not convert string '\*\*\*\*\*' to INT32/);
    // --debug logs every statement, hooks included
    expect(build).toMatch(/create or replace table main\.hook_audit as select '\*\*\*\*\*' as s/);
    expect(all).toContain(PLAIN.REGION_NAME);

    const target = filesUnder(join(dir, 'target'));
    expect(target.map((f) => f.slice(dir.length + 1))).toEqual(
      expect.arrayContaining(['target/manifest.json', 'target/run_results.json', 'target/compiled/sec/models/static_token.sql', 'target/run/sec/models/rendered.sql']),
    );
    for (const f of target) expectNoSecret(f, readFileSync(f, 'utf8'));
    expect(readFileSync(join(dir, 'target/compiled/sec/models/static_token.sql'), 'utf8')).toBe(`select '*****' as token, '${PLAIN.REGION_NAME}' as region\n`);
    expect(readFileSync(join(dir, 'target/compiled/sec/models/rendered.sql'), 'utf8')).toMatch(/select '\*\*\*\*\*' as s, '\*\*\*\*\*' as pw, '\*\*\*\*\*' as k/);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string; compiled_code: string | null }[] };
    expect(results.results.find((r) => r.unique_id === 'model.sec.broken')!.message).toMatch(/'\*\*\*\*\*'/);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_code?: string }> };
    expect(manifest.nodes['model.sec.rendered']!.compiled_code).toMatch(/'\*\*\*\*\*' as pw/);

    // the data is the user's: the database holds the real values, the test on it passed
    const db = join(dir, 'sec.duckdb');
    expect(await query(db, 'select token, region from main.static_token')).toEqual([{ token: SECRETS.MY_API_TOKEN, region: PLAIN.REGION_NAME }]);
    expect(await query(db, 'select s, pw, k from main.rendered')).toEqual([{ s: SECRETS.SERVICE_SECRET, pw: SECRETS.DB_PASSWORD, k: SECRETS.OPENAI_API_KEY }]);
    expect(await query(db, 'select s from main.hook_audit')).toEqual([{ s: SECRETS.SERVICE_SECRET }]);
    expect(results.results.find((r) => r.unique_id === 'test.sec.token_is_set')?.status).toBe('pass');
    expect(readFileSync(join(dir, 'target/compiled/sec/tests/token_is_set.sql'), 'utf8')).toMatch(/where token <> '\*\*\*\*\*'/);
  });

  it('error lines on stderr (exit 2) are masked too', () => {
    const dir = project({
      'models/broken.sql': "{{ exceptions.raise_compiler_error('token ' ~ env_var('MY_API_TOKEN') ~ ' rejected') }}\n",
    });
    const r = run(dir, ['run']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^Compilation Error in model broken \(models\/broken\.sql:1:\d+\): token \*\*\*\*\* rejected \[BMP_RAISED\]$/);
    expectNoSecret('stderr', r.stderr + r.stdout);
    const ref = project({ 'models/broken.sql': "select * from {{ ref(env_var('MY_API_TOKEN')) }}\n" });
    const r2 = run(ref, ['ls']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/depends on '\*\*\*\*\*', which was not found/);
    expectNoSecret('stderr', r2.stderr + r2.stdout);
  });

  it('values with quotes, backslashes, newlines, < and & are masked before any encoding, in every output; dbt\'s secret name patterns count', async () => {
    const awkward = {
      DB_PASSWORD: 'pw"q\\b',
      SERVICE_SECRET: 's<e&c>\nret',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE123',
      AWS_SECRET_ACCESS_KEY: 'aws/sec+ret==',
      DBT_ENV_SECRET_GIT_CREDENTIAL: 'git-cred-4455',
      PARTNER_ACCESS_KEY_V2: 'pak-v2-6677',
      LEGACY_KEY_ID: 'kid-8899',
      GITHUB_TOKEN: 'ghp_\u2028x</script>',
    } as const;
    const lit = (name: string) => `'{{ env_var("${name}") | replace("'", "''") }}'`;
    // dbt's own secret variables cannot be read in a model (next test); the others can
    const inModel = Object.keys(awkward).filter((n) => !n.startsWith('DBT_ENV_SECRET_'));
    const dir = project({
      'project.yml': 'name: sec\nprofile: sec\nmodels:\n  sec:\n    +materialized: table\n',
      'models/static_token.sql': 'select 1 as x\n',
      'models/rendered.sql': inModel.map((n, i) => `${i ? ', ' : 'select '}${lit(n)} as c${i}`).join('') + `\n{{ log('values: ' ~ env_var('DB_PASSWORD') ~ env_var('SERVICE_SECRET'), info=True) }}\n`,
      'models/hooked/hooked.sql': 'select 1 as x\n',
      'models/broken.sql': `select cast(${lit('DB_PASSWORD')} || ${lit('SERVICE_SECRET')} as integer) as n\n`,
      'tests/token_is_set.sql': `select * from {{ ref('rendered') }} where c0 <> ${lit('DB_PASSWORD')}\n`,
    });
    const env2 = { ...env, ...awkward };
    const cli = (args: readonly string[]) => bmp([...args, '--project-dir', dir], { env: env2 });
    const outputs = [cli(['build', '--log-format', 'json', '--debug']), cli(['build', '--debug']), cli(['docs', 'generate']), cli(['compile']), cli(['show', '-s', 'rendered'])];
    expect(outputs[0]!.code).toBe(1);
    expect(outputs[2]!.code, outputs[2]!.stdout + outputs[2]!.stderr).toBe(0);

    // every way a value can be written: raw, JSON-escaped, HTML-script-escaped, with collapsed whitespace
    const forms = (v: string) => [v, JSON.stringify(v).slice(1, -1), JSON.stringify(v).slice(1, -1).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), v.replace(/\s+/g, ' ')];
    const leaks = (text: string) => Object.entries(awkward).flatMap(([name, v]) => (forms(v).some((f) => text.includes(f)) ? [name] : []));
    /** Every string inside a JSON value (decoded), so escaping cannot hide a value. */
    const strings = (x: unknown): string[] => (typeof x === 'string' ? [x] : Array.isArray(x) ? x.flatMap(strings) : x && typeof x === 'object' ? Object.entries(x).flatMap(([k, v]) => [k, ...strings(v)]) : []);

    for (const r of outputs) expect(leaks(r.stdout + r.stderr)).toEqual([]);
    for (const line of outputs[0]!.stdout.split('\n').filter(Boolean)) expect(leaks(strings(JSON.parse(line)).join('\n'))).toEqual([]);
    for (const f of filesUnder(join(dir, 'target'))) {
      const text = readFileSync(f, 'utf8');
      expect(leaks(text), f).toEqual([]);
      if (f.endsWith('.json')) expect(leaks(strings(JSON.parse(text)).join('\n')), f).toEqual([]);
    }
    const html = readFileSync(join(dir, 'target/docs/index.html'), 'utf8');
    const data = JSON.parse(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/.exec(html)![1]!);
    expect(leaks(strings(data).join('\n'))).toEqual([]);
    // masked where they were, not dropped
    expect(strings(data).join('\n')).toContain("'*****' as c0");
    expect(outputs[1]!.stdout).toMatch(/values: \*\*\*\*\*\*\*\*\*\*/);
    // the data is untouched
    const db = join(dir, 'sec.duckdb');
    expect(await query(db, `select c0, c1, c${inModel.indexOf('GITHUB_TOKEN')} as gh from main.rendered`)).toEqual([{ c0: awkward.DB_PASSWORD, c1: awkward.SERVICE_SECRET, gh: awkward.GITHUB_TOKEN }]);

    // the one-line error (line breaks become spaces) masks a value holding a line break
    writeFileSync(join(dir, 'models/raise.sql'), "{{ exceptions.raise_compiler_error('bad ' ~ env_var('SERVICE_SECRET') ~ ' and ' ~ env_var('DB_PASSWORD')) }}\n");
    const err = cli(['ls']);
    expect(err.code).toBe(2);
    expect(err.stderr.trim()).toMatch(/: bad \*\*\*\*\* and \*\*\*\*\* \[BMP_RAISED\]$/);
    expect(leaks(err.stderr + err.stdout)).toEqual([]);
  });

  it("dbt's secret variables (DBT_ENV_SECRET*) are refused in a model, as in dbt, without printing their value", () => {
    const dir = project({ 'models/leaky.sql': "select '{{ env_var(\"DBT_ENV_SECRET_GIT_CREDENTIAL\") }}' as c\n" });
    const r = bmp(['run', '--project-dir', dir], { env: { ...env, DBT_ENV_SECRET_GIT_CREDENTIAL: 'git-cred-4455' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/env_var\('DBT_ENV_SECRET_GIT_CREDENTIAL'\): secret env vars \(DBT_ENV_SECRET\*\) are allowed only in profiles\.yml and packages\.yml.*\[BMP_ENV_VAR_SECRET\]/);
    expect(r.stdout + r.stderr).not.toContain('git-cred-4455');
  });

  it('secret-looking profile keys (the LLM api_key) are masked even when written literally', async () => {
    const { loadConfig, maskSecrets } = await import('../../src/config/index.js');
    const { jinjaYamlSyntax } = await import('../../src/jinja/index.js');
    const dir = project();
    expect(maskSecrets(`Bearer ${LLM_KEY}`)).toBe(`Bearer ${LLM_KEY}`);
    const cfg = await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir });
    expect((cfg.target.llm as { api_key?: string }).api_key).toBe(LLM_KEY);
    expect(maskSecrets(`Bearer ${LLM_KEY}`)).toBe('Bearer *****');
    expect(maskSecrets(`region ${PLAIN.REGION_NAME}`)).toBe(`region ${PLAIN.REGION_NAME}`);
  });
});
