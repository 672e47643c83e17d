import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { z } from 'zod';
import { projectSkeleton } from '../../src/cli/commands/init.js';
import { NODE_CONFIG_KEYS, PROJECT_KEYS, TARGET_KEYS, normalizeConfigKey } from '../../src/config/index.js';
import { parseLlmSettings } from '../../src/llm/settings.js';
import { ROOT } from '../helpers/project.js';

interface Schema {
  readonly properties?: Record<string, Schema & { description?: string; doNotSuggest?: boolean }>;
  readonly additionalProperties?: Schema | boolean;
  readonly definitions?: Record<string, Schema>;
  readonly description?: string;
}

const read = (name: string): Schema => JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8')) as Schema;
const projectSchema = read('project.schema.json');
const profilesSchema = read('profiles.schema.json');
const configTree = projectSchema.definitions!['configTree']!;
const target = profilesSchema.definitions!['target']!;
const llm = target.properties!['llm']!;

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

describe('schemas/*.schema.json follow src/config/keys.ts', () => {
  it('project.yml: the top-level keys are exactly PROJECT_KEYS', () => {
    expect(sorted(Object.keys(projectSchema.properties!))).toEqual(sorted(Object.keys(PROJECT_KEYS)));
  });

  it('models:/seeds:/... trees: the config keys are exactly NODE_CONFIG_KEYS (every spelling normalizes to one)', () => {
    const keys = Object.keys(configTree.properties!);
    expect(sorted(keys.map(normalizeConfigKey))).toEqual(sorted(Object.keys(NODE_CONFIG_KEYS)));
    // completion offers the `+key` form of each config once
    const offered = keys.filter((k) => !configTree.properties![k]!.doNotSuggest);
    expect(offered.every((k) => k.startsWith('+'))).toBe(true);
    expect(sorted(offered.map(normalizeConfigKey))).toEqual(sorted(Object.keys(NODE_CONFIG_KEYS)));
  });

  it('profiles.yml: the target keys are exactly TARGET_KEYS', () => {
    expect(sorted(Object.keys(target.properties!))).toEqual(sorted(Object.keys(TARGET_KEYS)));
  });

  it("profiles.yml: the llm keys are exactly those the llm settings accept", () => {
    const schemaKeys = Object.keys(llm.properties!);
    for (const key of schemaKeys) expect(() => parseLlmSettings({ provider: 'offline', [key]: undefined })).not.toThrow();
    // an unknown key's error lists every accepted key
    let hint = '';
    try {
      parseLlmSettings({ provider: 'offline', zzzzzzzzzzzzzzzz: 1 });
    } catch (e) {
      hint = (e as { hint?: string }).hint ?? '';
    }
    expect(hint).toMatch(/^keys: /);
    expect(sorted(hint.replace(/^keys: /, '').split(', '))).toEqual(sorted(schemaKeys));
  });

  it('describes every key, so editors show help on hover and completion', () => {
    const undescribed = [
      ...Object.entries(projectSchema.properties!).filter(([, v]) => !v.description).map(([k]) => `project ${k}`),
      ...Object.entries(configTree.properties!).filter(([, v]) => !v.description).map(([k]) => `config ${k}`),
      ...Object.entries(target.properties!).filter(([, v]) => !v.description).map(([k]) => `target ${k}`),
      ...Object.entries(llm.properties!).filter(([, v]) => !v.description).map(([k]) => `llm ${k}`),
    ];
    expect(undescribed).toEqual([]);
  });
});

describe('the schemas accept real projects and reject typos', () => {
  const project = z.fromJSONSchema(projectSchema as never);
  const profiles = z.fromJSONSchema(profilesSchema as never);
  const fixtures = readdirSync(join(ROOT, 'tests/fixtures'));
  const files = (name: string) => [join(ROOT, name), ...fixtures.map((f) => join(ROOT, 'tests/fixtures', f, name))].filter((f) => {
    try {
      readFileSync(f);
      return true;
    } catch {
      return false;
    }
  });

  it.each(files('project.yml'))('%s validates', (file) => {
    const r = project.safeParse(YAML.parse(readFileSync(file, 'utf8')));
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });

  it.each(files('profiles.yml'))('%s validates', (file) => {
    const r = profiles.safeParse(YAML.parse(readFileSync(file, 'utf8')));
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });

  it("bmp init's project.yml and profiles.yml validate and point editors at the schemas", () => {
    const files = projectSkeleton('shop', '../schemas');
    const yml = (p: string) => files.find((f) => f.path === p)!.content;
    expect(yml('project.yml')).toMatch(/^# yaml-language-server: \$schema=\.\.\/schemas\/project\.schema\.json\n/);
    expect(yml('profiles.yml')).toMatch(/^# yaml-language-server: \$schema=\.\.\/schemas\/profiles\.schema\.json\n/);
    expect(project.safeParse(YAML.parse(yml('project.yml'))).success).toBe(true);
    expect(profiles.safeParse(YAML.parse(yml('profiles.yml'))).success).toBe(true);
  });

  it('rejects unknown keys and misspelt configs', () => {
    expect(project.safeParse({ name: 'x', 'model-path': ['models'] }).success).toBe(false);
    expect(project.safeParse({ name: 'x', models: { x: { '+materialised': 'table' } } }).success).toBe(false);
    expect(project.safeParse({ name: 'x', models: { x: { '+materialized': 'table', staging: { '+tags': ['a'], 'pre-hook': 'select 1' } } } }).success).toBe(true);
    expect(project.safeParse({ name: 'x', models: { x: { '+incremental_strategy': 'upsert' } } }).success).toBe(false);
    expect(profiles.safeParse({ p: { target: 'dev', outputs: { dev: { type: 'duckdb', pth: 'x.duckdb' } } } }).success).toBe(false);
    expect(profiles.safeParse({ p: { target: 'dev', outputs: { dev: { type: 'postgres' } } } }).success).toBe(false);
    expect(profiles.safeParse({ p: { outputs: { dev: { type: 'duckdb', llm: { provider: 'ollama', modle: 'x' } } } } }).success).toBe(false);
  });
});
