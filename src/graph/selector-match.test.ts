import { describe, expect, it } from 'vitest';

import { fnmatch, fqnMatches, hasGlob } from './selector-match.js';
import { SELECTOR_METHODS, isMethodName } from './selector-methods.js';

describe('fnmatch', () => {
  it.each([
    ['stg_orders', 'stg_*', true],
    ['stg_orders', 'stg_', false],
    ['a.b.c', '*', true],
    ['a.b.c', 'a.*', true],
    ['abc', 'a?c', true],
    ['abbc', 'a?c', false],
    ['orders', '[oc]*', true],
    ['orders', '[!o]*', false],
    ['customers', '[!o]*', true],
    ['{a}', '{a}', true],
    ['a{b,c}', 'a{b,c}*', true],
    ['ab', 'a{b,c}*', false],
    ['!x', '!*', true],
    ['models/stg/a.sql', 'models/*.sql', false],
    ['models/stg/a.sql', 'models/**/*.sql', true],
    ['models/a.sql', 'models/**/a.sql', true],
    ['.hidden', '*', true],
  ] as const)('%s against %s is %s', (name, pattern, expected) => {
    expect(fnmatch(name, pattern)).toBe(expected);
  });

  it('tells glob patterns from plain names', () => {
    const patterns = ['a*', 'a?', '[a]', 'a.b', 'a{b}'];
    expect(patterns.map(hasGlob)).toEqual([true, true, true, false, false]);
  });
});

describe('fqnMatches (dbt is_selected_node)', () => {
  const fqn = ['shop', 'marts', 'finance', 'revenue'];
  it.each([
    ['revenue', true],
    ['shop', true],
    ['shop.marts', true],
    ['shop.marts.finance.revenue', true],
    ['marts', false],
    ['shop.finance', false],
    ['shop.marts.*', true],
    ['shop.*.revenue', true],
    ['shop.mar*', true],
    ['shop.marts.finance.revenue.extra', false],
  ] as const)('%s → %s', (selector, expected) => {
    expect(fqnMatches(fqn, selector)).toBe(expected);
  });

  it('flattens dotted fqn segments', () => {
    expect(fqnMatches(['shop', 'a.b'], 'shop.a')).toBe(true);
    expect(fqnMatches([], 'x')).toBe(false);
  });
});

describe('SELECTOR_METHODS', () => {
  it('holds the dbt method names', () => {
    expect(Object.keys(SELECTOR_METHODS).sort()).toEqual(
      [
        'access',
        'config',
        'exposure',
        'file',
        'fqn',
        'group',
        'metric',
        'package',
        'path',
        'resource_type',
        'result',
        'saved_query',
        'semantic_model',
        'source',
        'source_status',
        'state',
        'tag',
        'test_name',
        'test_type',
        'unit_test',
        'version',
      ].sort(),
    );
    expect(isMethodName('tag')).toBe(true);
    expect(isMethodName('toString')).toBe(false);
  });
});
