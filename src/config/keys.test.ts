import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { CONFIG_KEYS, checkStrategyConfig, classifyConfigKey, finalizeConfig, folderConfigs, nearMisses, normalizeConfig, validateConfigTree, type CustomKeyUse } from './index.js';

describe('near misses of a resource type keys (errors) vs custom keys (kept, warned)', () => {
  // [key as written (normalized), resource type, expected]
  it.each([
    // typos: one slip per six letters of the known key, same first letter
    ['materialised', 'model', ['materialized']],
    ['matrialzed', 'model', ['materialized']], // two slips in twelve letters
    ['materialzied', 'model', ['materialized']], // a swap of neighbours counts once
    ['uniqe_key', 'model', ['unique_key']],
    ['unique_keys', 'snapshot', ['unique_key']],
    ['tag', 'seed', ['tags']],
    ['enable', 'source', ['enabled']],
    ['delimeter', 'seed', ['delimiter']],
    ['Materialized', 'model', ['materialized']], // case only
    ['incremental_stratgy', 'model', ['incremental_strategy']],
    ['check_col', 'snapshot', ['check_cols']],
    ['severty', 'test', ['severity']],
    // not typos: too far, another first letter, or a real key elsewhere
    ['event_type', 'model', []], // 2 edits from the 10-letter event_time: one allowed
    ['materialization', 'model', []],
    ['beta', 'model', []], // one edit from meta, but another first letter
    ['index', 'model', []], // 2 edits from indexes
    ['owner', 'model', []],
    ['sla_hours', 'model', []],
    ['data_owner', 'seed', []],
  ] as const)('%s on a %s', (key, type, expected) => {
    expect(nearMisses(key, CONFIG_KEYS[type])).toEqual(expected);
    const cls = classifyConfigKey(key, type);
    expect(cls.kind).toBe(expected.length ? 'typo' : 'custom');
  });

  it('another resource type key or another adapter key is never a typo', () => {
    expect(classifyConfigKey('severity', 'model')).toEqual({ kind: 'custom', origin: 'other-type', ownerTypes: ['test'] });
    expect(classifyConfigKey('strategy', 'model')).toMatchObject({ kind: 'custom', origin: 'other-type', ownerTypes: ['snapshot'] });
    expect(classifyConfigKey('partitioned_by', 'model')).toEqual({ kind: 'custom', origin: 'other-adapter' }); // not a misspelt partition_by
    expect(classifyConfigKey('cluster_by', 'model')).toMatchObject({ kind: 'custom', origin: 'other-adapter' });
    expect(classifyConfigKey('batch_size', 'seed')).toEqual({ kind: 'known' }); // dbt's NodeConfig: seeds know it
    expect(classifyConfigKey('unique_key', 'unit_test')).toMatchObject({ kind: 'custom', origin: 'other-type' });
  });
});

describe('config values are checked per resource type and strategy', () => {
  const at = { file: 'x.yml', line: 3 };
  const uses: CustomKeyUse[] = [];
  const check = (resourceType: 'model' | 'seed' | 'test' | 'snapshot') => ({ resourceType, onCustomKey: (u: CustomKeyUse) => uses.push(u) });

  it("keeps a seed's batch_size as it is; a microbatch model's is checked on its final config", () => {
    expect(normalizeConfig({ batch_size: 200 }, at, undefined, check('seed'))).toEqual({ batch_size: 200 });
    expect(normalizeConfig({ batch_size: 200 }, at, undefined, check('model'))).toEqual({ batch_size: 200 });
    const view = finalizeConfig({ batch_size: 200 }, 'view');
    expect(() => checkStrategyConfig(view, at)).not.toThrow();
    const micro = finalizeConfig({ materialized: 'incremental', incremental_strategy: 'microbatch', batch_size: 200 }, 'view');
    expect(() => checkStrategyConfig(micro, at)).toThrow(/config 'batch_size' must be one of hour, day, month, year, got 200/);
    expect(() => checkStrategyConfig(finalizeConfig({ materialized: 'incremental', incremental_strategy: 'microbatch', batch_size: 'day', lookback: -1 }, 'view'), at)).toThrow(/lookback/);
  });

  it('checks a key only where it means something: warn_if on tests, strategy on snapshots', () => {
    expect(() => normalizeConfig({ warn_if: 'lots' }, at, undefined, check('test'))).toThrow(/comparison/);
    expect(normalizeConfig({ warn_if: 'lots' }, at, undefined, check('model'))).toEqual({ warn_if: 'lots' });
    expect(() => normalizeConfig({ strategy: 'timestmp' }, at, undefined, check('snapshot'))).toThrow(expect.objectContaining({ code: 'BMP_CONFIG_INVALID_VALUE', hint: "did you mean 'timestamp'?" }));
    expect(normalizeConfig({ strategy: 'anything' }, at, undefined, check('model'))).toEqual({ strategy: 'anything' });
    expect(() => normalizeConfig({ enabled: 'false' }, at, undefined, check('seed'))).toThrow(expect.objectContaining({ hint: expect.stringContaining('as_bool') }));
  });

  it('reports each custom key with where it was written, and keeps its value', () => {
    uses.length = 0;
    expect(normalizeConfig({ owner: 'ops', severity: 'warn', '+sla-hours': 4 }, at, (k) => ({ file: 'm.sql', line: k.length }), check('model'))).toEqual({ owner: 'ops', severity: 'warn', sla_hours: 4 });
    expect(uses.map((u) => [u.key, u.normalized, u.origin, u.where.line])).toEqual([
      ['owner', 'owner', 'custom', 5],
      ['severity', 'severity', 'other-type', 8],
      ['+sla-hours', 'sla_hours', 'custom', 10],
    ]);
    expect(() => normalizeConfig({ uniqe_key: 'id' }, at, undefined, check('model'))).toThrow(ConfigError);
  });
});

describe('project.yml trees', () => {
  const locate = (p: (string | number)[]) => ({ file: 'dbt_project.yml', line: p.length });

  it('a bare key with a value is a config (dbt rule): custom keys are kept, near misses fail', () => {
    const uses: CustomKeyUse[] = [];
    const tree = { demo: { '+owner': 'ops', staging: { team: 'growth', '+materialized': 'view', empty_folder: null } } };
    validateConfigTree(tree, locate, 'models', { onCustomKey: (u) => uses.push(u) });
    expect(uses.map((u) => [u.key, u.bare, u.resourceType])).toEqual([
      ['+owner', false, 'model'],
      ['team', true, 'model'],
    ]);
    expect(folderConfigs(tree, ['demo', 'staging', 'm'], 'model')).toEqual([{}, { owner: 'ops' }, { team: 'growth', materialized: 'view' }]);
    expect(() => validateConfigTree({ demo: { staging: { materialised: 'table' } } }, locate, 'models')).toThrow(/unknown config 'materialised' under 'models' \(a folder would be a mapping\)/);
    expect(() => validateConfigTree({ demo: { '+batch_size': 200 } }, locate, 'seeds')).not.toThrow();
    expect(() => validateConfigTree({ demo: { '+severity': 'loud' } }, locate, 'tests')).toThrow(/severity/);
  });
});
