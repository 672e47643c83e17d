import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../errors.js';
import { folderConfigs, loadConfig, maskSecrets, mergeConfigs, normalizeConfig } from './index.js';
import { jinjaYamlSyntax } from '../jinja/index.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const PROFILE = 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: x.duckdb\n      threads: 3\n';

describe('loadConfig', () => {
  it('reads project.yml and profiles.yml, resolving paths against the project folder', async () => {
    const dir = project({ 'project.yml': 'name: demo\nprofile: p\nvars: {a: 1, b: 2}\n', 'profiles.yml': PROFILE });
    const cfg = await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir, vars: '{b: 3}' });
    expect(cfg.project.name).toBe('demo');
    expect(cfg.project.modelPaths).toEqual(['models']);
    expect(cfg.target).toMatchObject({ name: 'dev', path: join(dir, 'x.duckdb'), schema: 'main', threads: 3, database: 'x', llm: { provider: 'offline' } });
    expect(cfg.vars).toEqual({ a: 1, b: 3 });
  });

  it('falls back to dbt_project.yml and renders env_var in YAML values', async () => {
    process.env['BMP_TEST_THREADS'] = '5';
    process.env['BMP_TEST_API_TOKEN'] = 'sekrit-value';
    const dir = project({
      'dbt_project.yml': 'name: demo\nprofile: p\n',
      'profiles.yml': "p:\n  outputs:\n    dev:\n      type: duckdb\n      threads: \"{{ env_var('BMP_TEST_THREADS') }}\"\n      llm: {provider: ollama, api_key: \"{{ env_var('BMP_TEST_API_TOKEN') }}\"}\n",
    });
    const cfg = await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir });
    expect(cfg.project.projectFile).toBe('dbt_project.yml');
    expect(cfg.target.threads).toBe(5);
    expect(cfg.target.path).toBe(':memory:');
    expect(maskSecrets('key=sekrit-value')).toBe('key=*****');
  });

  it('rejects unknown keys with a suggestion and a location', async () => {
    const dir = project({ 'project.yml': 'name: demo\nprofile: p\nmodel-path: [models]\n', 'profiles.yml': PROFILE });
    await expect(loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir })).rejects.toMatchObject({ code: 'BMP_PROJECT_UNKNOWN_KEY', hint: "did you mean 'model-paths'?", where: { file: 'project.yml', line: 3 } });
    const dir2 = project({ 'project.yml': 'name: demo\nprofile: p\nmodels:\n  demo:\n    staging:\n      materialised: table\n', 'profiles.yml': PROFILE });
    await expect(loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir2 })).rejects.toMatchObject({ code: 'BMP_CONFIG_UNKNOWN_KEY', hint: "did you mean 'materialized'?", where: { line: 6 } });
  });

  it('warns about dbt keys bmp does not act on', async () => {
    const dir = project({ 'project.yml': "name: demo\nprofile: p\nrequire-dbt-version: '>=1.8'\nflags: {}\n", 'profiles.yml': PROFILE });
    const cfg = await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir });
    expect(cfg.warnings.map((w) => w.message)).toEqual([expect.stringContaining("'require-dbt-version'"), expect.stringContaining("'flags'")]);
  });

  it('reports YAML syntax errors at file:line:col', async () => {
    const dir = project({ 'project.yml': 'name: demo\nprofile: [p\n', 'profiles.yml': PROFILE });
    const err = await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('BMP_YAML_SYNTAX');
    expect(err.where.file).toBe('project.yml');
    expect(err.where.line).toBeGreaterThan(1);
  });

  it('refuses an anchor glued to a flow collection, as PyYAML does, and takes a glued comment, as PyYAML does', async () => {
    const dir = project({ 'project.yml': 'name: demo\nprofile: p\nvars:\n  a: &x[1, 2]\n', 'profiles.yml': PROFILE });
    await expect(loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir })).rejects.toMatchObject({ code: 'BMP_YAML_SYNTAX', where: { file: 'project.yml', line: 4 } });
    const dir2 = project({ 'project.yml': 'name: demo\nprofile: p\nvars:\n  a: [1, 2]#two\n  b: "q"#c\n', 'profiles.yml': PROFILE });
    expect((await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir2 })).project.vars).toEqual({ a: [1, 2], b: 'q' });
  });

  it('refuses a list or mapping as a mapping key, as PyYAML does, at its line', async () => {
    for (const [yml, line] of [['name: demo\nprofile: p\nvars:\n  [a, b]: 1\n', 4], ['name: demo\nprofile: p\nvars:\n  ? {a: 1}\n  : 2\n', 4], ['name: demo\nprofile: p\nx: &k [1]\nvars:\n  *k : 2\n', 5], ['name: demo\nprofile: p\nvars:\n  a: [{b: 1}:]\n', 4]] as const) {
      const dir = project({ 'project.yml': yml, 'profiles.yml': PROFILE });
      await expect(loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir })).rejects.toMatchObject({ code: 'BMP_YAML_SYNTAX', message: expect.stringContaining('mapping key'), where: { file: 'project.yml', line } });
    }
    const dir = project({ 'project.yml': 'name: demo\nprofile: p\nvars:\n  ? a\n  : "x]: y"\n', 'profiles.yml': PROFILE });
    expect((await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir })).project.vars).toEqual({ a: 'x]: y' });
  });

  it('errors on a missing profile, target, or bad --vars', async () => {
    const dir = project({ 'project.yml': 'name: demo\nprofile: q\n', 'profiles.yml': PROFILE });
    await expect(loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir })).rejects.toMatchObject({ code: 'BMP_PROFILE_NOT_FOUND' });
    const dir2 = project({ 'project.yml': 'name: demo\nprofile: p\n', 'profiles.yml': PROFILE });
    await expect(loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir2, target: 'prd' })).rejects.toMatchObject({ code: 'BMP_TARGET_NOT_FOUND' });
    await expect(loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir2, vars: '[1, 2]' })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('node config', () => {
  const tree = { '+materialized': 'view', '+tags': ['all'], demo: { staging: { '+materialized': 'table', '+tags': 'stg', stg_x: { materialized: 'incremental' } } } };

  it('walks folder configs with dbt precedence and accumulates tags', () => {
    const layers = folderConfigs(tree, ['demo', 'staging', 'stg_x']);
    const merged = mergeConfigs(...layers, { tags: ['yml'] }, { materialized: 'ephemeral' });
    expect(merged).toEqual({ materialized: 'ephemeral', tags: ['all', 'stg', 'yml'] });
    expect(mergeConfigs(...folderConfigs(tree, ['demo', 'marts', 'm']))).toEqual({ materialized: 'view', tags: ['all'] });
  });

  it('normalizes hyphens and checks value types', () => {
    expect(normalizeConfig({ 'pre-hook': 'select 1', unique_key: 'id' }, {})).toEqual({ pre_hook: ['select 1'], unique_key: ['id'] });
    expect(() => normalizeConfig({ materialised: 'table' }, { file: 'm.sql' })).toThrow(/unknown config 'materialised'/);
    expect(() => normalizeConfig({ incremental_strategy: 'mrege' }, {})).toThrow(ConfigError);
    expect(() => normalizeConfig({ warn_if: 'lots' }, {})).toThrow(/comparison/);
    expect(() => normalizeConfig({ enabled: 'yes' }, {})).toThrow(/true or false/);
  });
});
