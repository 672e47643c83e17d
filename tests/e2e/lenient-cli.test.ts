/**
 * dbt 1.10's leniency through the real CLI (issue #19), on tests/fixtures/lenient: custom config
 * keys kept with one warning per key, near misses still errors, properties of absent or disabled
 * nodes warned about (their tests disabled), YAML rendered natively (as_bool & co, --vars in
 * dbt_project.yml and profiles.yml), and --warn-error / --warn-error-options promoting warnings by name.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bmp, copyFixture, query, removeDir, type CliResult } from '../helpers/project.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function fixture(): string {
  const dir = copyFixture('lenient');
  dirs.push(dir);
  return dir;
}

function run(dir: string, args: readonly string[]): CliResult {
  return bmp([...args, '--project-dir', dir], { env: { HOME: dir, BMP_PROFILES_DIR: '', DBT_PROFILES_DIR: '' } });
}

function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file} changed nothing`);
  writeFileSync(path, next);
}

const warnings = (stdout: string) => stdout.split('\n').filter((l) => l.includes('[WARNING]')).map((l) => l.replace(/^\d\d:\d\d:\d\d\s+/, ''));
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { config: Record<string, unknown> }>; disabled: Record<string, unknown> };

describe('a project that leans on dbt 1.10 leniency builds, with warnings a user can act on', () => {
  it('builds (exit 0): each warning says file:line, what dbt does, what to do, and its name', async () => {
    const dir = fixture();
    const r = run(dir, ['build']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const w = warnings(r.stdout);
    const expected: RegExp[] = [
      /^\[WARNING\] dbt_project\.yml:14: custom config '\+owner' on models is kept in the config \(config\.get\('owner'\) reads it, manifest\.json has it\); dbt 1\.10 keeps it too and warns that custom keys belong under meta: move it under meta .* \[CustomKeyInConfigDeprecation\]$/,
      /^\[WARNING\] dbt_project\.yml:22: config '\+partitioned_by' on models belongs to other dbt adapters and does nothing on DuckDB; .*: remove it, or .* \[CustomKeyInConfigDeprecation\]$/,
      /^\[WARNING\] dbt_project\.yml:23: custom config 'sla_hours' on models .* \(write it '\+sla_hours': dbt 1\.10 deprecates configs without '\+' in dbt_project\.yml\) \[CustomKeyInConfigDeprecation\]$/,
      /^\[WARNING\] models\/schema\.yml:28: properties for model 'claim_summary', which does not exist; dbt warns and ignores the entry: add models\/\.\.\.\/claim_summary\.sql, correct the name, or remove the entry \[NoNodeForYamlKey\]$/,
      /^\[WARNING\] models\/schema\.yml:32: 2 tests of model 'claim_summary' depend on a node that was not found, so they are disabled, as dbt does: fix the name or remove the tests \[NodeNotFoundOrDisabled\]$/,
      /^\[WARNING\] models\/schema\.yml:35: properties for macro 'cents_to_dollars', which was not found; dbt warns and ignores the entry: .* \[MacroNotFoundForPatch\]$/,
      /^\[WARNING\] tests\/assert_members_exist\.sql:1: test 'assert_members_exist' depends on 'member_dim', which was not found, so the test is disabled, as dbt does: fix the reference or remove the test \[NodeNotFoundOrDisabled\]$/,
      /^\[WARNING\] models\/schema\.yml:12: test 'relationships_stg_claims_member_id__member_id__ref_members_' depends on 'members', which was not found, so the test is disabled, as dbt does: .* \[NodeNotFoundOrDisabled\]$/,
      /^\[WARNING\] models\/schema\.yml:6: custom config 'contains_pii' on models .* \[CustomKeyInConfigDeprecation\]$/,
      /^\[WARNING\] models\/staging\/stg_claims\.sql:1: custom config 'review_cadence' on models .* \[CustomKeyInConfigDeprecation\]$/,
    ];
    expect(w).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(w[i]).toMatch(re));
    // nothing about the seed's batch_size: on a seed it is an ordinary value (dbt's NodeConfig field)
    expect(r.stdout).not.toMatch(/batch_size/);

    // custom keys are kept: in the manifest and through config.get() in templates
    const m = manifest(dir);
    expect(m.nodes['model.lenient.stg_claims']!.config).toMatchObject({ owner: 'data-platform', review_cadence: 'weekly', contains_pii: false });
    expect(m.nodes['model.lenient.claims_by_member']!.config).toMatchObject({ owner: 'data-platform', sla_hours: 4, partitioned_by: ['claim_month'], materialized: 'table' });
    expect(m.nodes['seed.lenient.raw_claims']!.config['batch_size']).toBe(200);
    expect(await query(join(dir, 'lenient.duckdb'), 'select member_id, owner, sla_hours, review_cadence from main.claims_by_member order by member_id')).toEqual([
      { member_id: 10, owner: 'data-platform', sla_hours: 4, review_cadence: 'none' },
      { member_id: 11, owner: 'data-platform', sla_hours: 4, review_cadence: 'none' },
    ]);

    // the disabled model (var only --vars can set in dbt_project.yml) and every test that cannot run are disabled, not run
    expect(Object.keys(m.disabled).map((id) => id.replace(/\.[0-9a-f]{10}$/, '')).sort()).toEqual([
      'model.lenient.dq_denied_claims',
      'test.lenient.assert_members_exist',
      'test.lenient.not_null_claim_summary_member_id',
      'test.lenient.relationships_stg_claims_member_id__member_id__ref_members_',
      'test.lenient.unique_claim_summary_member_id',
      'test.lenient.unique_dq_denied_claims_claim_id',
    ]);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
    expect(results.results.map((x) => x.unique_id).filter((id) => /claim_summary|dq_denied|members/.test(id))).toEqual([]);
    expect(r.stdout).toMatch(/Done\. PASS=7 WARN=0 ERROR=0 SKIP=0 TOTAL=7/);
  });

  it('--vars reach dbt_project.yml and profiles.yml: the disabled folder is enabled, its tests run', () => {
    const dir = fixture();
    const r = run(dir, ['build', '--vars', '{enable_data_quality: true, threads: 1}']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Concurrency: 1 threads/);
    expect(r.stdout).toMatch(/OK created sql view model main\.dq_denied_claims/);
    expect(r.stdout).toMatch(/PASS unique_dq_denied_claims_claim_id/);
    expect(Object.keys(manifest(dir).disabled)).not.toContain('model.lenient.dq_denied_claims');
  });

  it('near misses of a model config stay errors with the suggestion; a real custom key is not one', () => {
    const dir = fixture();
    edit(dir, 'dbt_project.yml', '      sla_hours: 4\n', '      sla_hours: 4\n      +event_type: claim\n');
    const ok = run(dir, ['compile']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/\[WARNING\] dbt_project\.yml:24: custom config '\+event_type' on models/);
    edit(dir, 'dbt_project.yml', '+event_type: claim', '+materialzed: table');
    const bad = run(dir, ['compile']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("Config Error (dbt_project.yml:24:7): unknown config '+materialzed' under 'models' (did you mean '+materialized'?) [BMP_CONFIG_UNKNOWN_KEY]");
    edit(dir, 'dbt_project.yml', '      +materialzed: table\n', '');
    edit(dir, 'models/staging/stg_claims.sql', "review_cadence='weekly'", "uniqe_key='claim_id'");
    const inFile = run(dir, ['compile']);
    expect(inFile.code).toBe(2);
    expect(inFile.stderr.trim()).toBe("Config Error in model stg_claims (models/staging/stg_claims.sql:1): unknown config 'uniqe_key' (did you mean 'unique_key'?) [BMP_CONFIG_UNKNOWN_KEY]");
  });

  it("as_bool of text that is not True/False fails as in dbt, located at the value; a microbatch model's batch_size is checked", () => {
    const dir = fixture();
    edit(dir, 'dbt_project.yml', "{{ var('enable_staging', true) | as_bool }}", "{{ 'true' | as_bool }}");
    const r = run(dir, ['build']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^Config Error \(dbt_project\.yml:17:\d+\): could not convert value 'true' into type 'bool' \(as_bool reads True or False .*\) \[BMP_YAML_TEMPLATE\]$/);
    expect(existsSync(join(dir, 'lenient.duckdb'))).toBe(false);

    const dir2 = fixture();
    writeFileSync(join(dir2, 'models/marts/claims_batches.sql'), "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='t', begin='2024-01-01', batch_size=200) }}\nselect 1 as x, now() as t\n");
    const micro = run(dir2, ['compile']);
    expect(micro.code).toBe(2);
    expect(micro.stderr.trim()).toBe("Config Error in model claims_batches (models/marts/claims_batches.sql): config 'batch_size' must be one of hour, day, month, year, got 200 [BMP_CONFIG_INVALID_VALUE]");
  });
});

describe('--warn-error and --warn-error-options promote warnings by name (exit 2, nothing built)', () => {
  it('--warn-error makes the first warning the error, located', () => {
    const dir = fixture();
    const r = run(dir, ['build', '--warn-error']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^Warning as Error \(dbt_project\.yml:14\): custom config '\+owner' on models .* \[CustomKeyInConfigDeprecation\] \(CustomKeyInConfigDeprecation is an error by --warn-error\) \[BMP_WARN_ERROR\]$/);
    expect(r.stdout).not.toMatch(/START/);
    expect(existsSync(join(dir, 'lenient.duckdb'))).toBe(false);
  });

  it('error: [names] promotes those; the others are still shown', () => {
    const dir = fixture();
    const r = run(dir, ['build', '--warn-error-options', '{"error": ["NoNodeForYamlKey"]}']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^Warning as Error \(models\/schema\.yml:28\): properties for model 'claim_summary', which does not exist; .* \[NoNodeForYamlKey\] \(NoNodeForYamlKey is an error by --warn-error-options\) \[BMP_WARN_ERROR\]$/);
    expect(warnings(r.stdout).filter((l) => l.includes('[CustomKeyInConfigDeprecation]'))).toHaveLength(5);
  });

  it('error: all with warn: [...] keeps those warnings; silence drops them', () => {
    const dir = fixture();
    const warn = ['CustomKeyInConfigDeprecation', 'NoNodeForYamlKey', 'NodeNotFoundOrDisabled', 'MacroNotFoundForPatch'];
    const r = run(dir, ['build', '--warn-error-options', JSON.stringify({ error: 'all', warn, silence: ['CustomKeyInConfigDeprecation'] })]);
    expect(r.code, r.stderr).toBe(0);
    const w = warnings(r.stdout);
    expect(w.some((l) => l.includes('CustomKeyInConfigDeprecation'))).toBe(false);
    expect(w.filter((l) => l.includes('[NoNodeForYamlKey]'))).toHaveLength(1);
  });

  it("dbt 1.7's include/exclude still work, with dbt 1.10's deprecation warning", () => {
    const dir = fixture();
    const r = run(dir, ['compile', '--warn-error-options', '{include: [MacroNotFoundForPatch]}']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/\[WARNING\]: --warn-error-options uses 'include', which dbt 1\.8 renamed 'error'; dbt 1\.10 still reads it and warns: write 'error' \[WEOIncludeExcludeDeprecation\]/);
    expect(r.stderr.trim()).toMatch(/^Warning as Error \(models\/schema\.yml:35\): properties for macro 'cents_to_dollars'.*\[BMP_WARN_ERROR\]$/);
  });

  it('the project file can set them (flags:), the command line wins; bad options are usage errors', () => {
    const dir = fixture();
    writeFileSync(join(dir, 'dbt_project.yml'), readFileSync(join(dir, 'dbt_project.yml'), 'utf8') + '\nflags:\n  warn_error_options:\n    error: [NodeNotFoundOrDisabled]\n');
    const byFlags = run(dir, ['compile']);
    expect(byFlags.code).toBe(2);
    expect(byFlags.stderr.trim()).toMatch(/\[NodeNotFoundOrDisabled\] \(NodeNotFoundOrDisabled is an error by flags: warn_error_options\) \[BMP_WARN_ERROR\]$/);
    expect(run(dir, ['compile', '--warn-error-options', '{"error": []}']).code).toBe(0);

    const both = run(dir, ['compile', '--warn-error', '--warn-error-options', '{"error": "all"}']);
    expect(both.code).toBe(2);
    expect(both.stderr.trim()).toBe(`Usage Error: --warn-error and --warn-error-options cannot be used together (as in dbt) (--warn-error-options '{"error": "all"}' is --warn-error) [BMP_WARN_ERROR_OPTIONS]`);
    const typo = run(dir, ['compile', '--warn-error-options', '{"error": ["NoNodeForYamlKeys"]}']);
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim()).toBe("Usage Error: --warn-error-options: 'NoNodeForYamlKeys' is not a warning name (did you mean 'NoNodeForYamlKey'?) [BMP_WARN_ERROR_OPTIONS]");
  });

  it('the JSON log names each warning as dbt does (info.name), and a selection matching nothing can be an error', () => {
    const dir = fixture();
    const r = run(dir, ['compile', '--log-format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { info: { name: string; level: string }; data: { file?: string; line?: number } });
    const noNode = events.find((e) => e.info.name === 'NoNodeForYamlKey')!;
    expect(noNode).toMatchObject({ info: { level: 'warn' }, data: { file: 'models/schema.yml', line: 28 } });
    const none = run(dir, ['build', '-s', 'no_such_model', '--warn-error-options', '{"error": ["NoNodesForSelectionCriteria"], "silence": ["CustomKeyInConfigDeprecation"]}']);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toMatch(/^Warning as Error: the selection criterion 'no_such_model' does not match any enabled nodes; .*\[NoNodesForSelectionCriteria\] .*\[BMP_WARN_ERROR\]$/);
  });

  it('a warning test fails when LogTestResult is an error (exit 1), as dbt does with --warn-error', () => {
    const dir = fixture();
    edit(dir, 'models/schema.yml', '        data_tests: [unique, not_null]\n', "        data_tests:\n          - unique\n          - not_null\n          - accepted_values:\n              values: [1, 2]\n              config: {severity: warn}\n");
    const plain = run(dir, ['build', '-s', '+stg_claims']);
    expect(plain.code, plain.stdout).toBe(0);
    expect(plain.stdout).toMatch(/WARN accepted_values_stg_claims_claim_id__1__2 \.+ \[WARN 1 in/);
    const strict = run(dir, ['build', '-s', '+stg_claims', '--warn-error-options', '{"error": ["LogTestResult"]}']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/FAIL accepted_values_stg_claims_claim_id__1__2 \.+ \[FAIL 1 in/);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string }[] };
    const t = results.results.find((x) => x.unique_id.startsWith('test.lenient.accepted_values_stg_claims_claim_id__1__2.'))!;
    expect(t.status).toBe('fail');
    expect(t.message).toMatch(/failing because LogTestResult is an error by --warn-error-options/);
  });
});

describe('every command renders project and profile YAML with the same Jinja2 semantics as run', () => {
  it("debug, clean and llm cache stats open the database a Python-style profile names ('%s' % ...)", () => {
    const dir = fixture();
    edit(dir, 'profiles.yml', 'path: lenient.duckdb', `path: "{{ '%s.duckdb' % 'python_style' }}"`);
    expect(run(dir, ['seed']).code).toBe(0);
    expect(existsSync(join(dir, 'python_style.duckdb'))).toBe(true);
    const debug = run(dir, ['debug']);
    expect(debug.code, debug.stdout + debug.stderr).toBe(0);
    expect(debug.stdout).toMatch(/database: .*python_style\.duckdb$/m);
    const stats = run(dir, ['llm', 'cache', 'stats']);
    expect(stats.stdout + stats.stderr).toMatch(/python_style\.duckdb/);
    expect(stats.stdout + stats.stderr).not.toMatch(/\bnan\b|NaN/);
    const clean = run(dir, ['clean']);
    expect(clean.code).toBe(0);
    expect(existsSync(join(dir, 'python_style.duckdb'))).toBe(true);
  });
});
