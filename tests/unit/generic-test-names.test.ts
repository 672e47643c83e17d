/**
 * Generic test names as dbt synthesizes them: the test, the model, then each argument (sorted by
 * name, `model` left out) as Python's str() of its parts, non-word runs replaced by `_`.
 */
import { describe, expect, it } from 'vitest';
import { genericTestName } from '../../src/parse/generic-tests.js';

describe('generic test names', () => {
  it("spells booleans, None and mappings as Python's str() does", () => {
    expect(genericTestName('accepted_values', 'orders', { column_name: 'status', values: ['a', 'b'], quote: false }).name).toBe('accepted_values_orders_status__False__a__b');
    expect(genericTestName('not_null', 'orders', { column_name: 'id', flag: null }).name).toBe('not_null_orders_id__None');
    expect(genericTestName('expression_is_true', 'orders', { expression: 'a > 0', config_like: { strict: true } }).name).toBe('expression_is_true_orders_True__a_0');
    // nested values read as Python's repr, cleaned: the same as their JSON would give without booleans
    expect(genericTestName('t', 'm', { arg: [{ k: 'v' }] }).name).toBe('t_m__k_v_');
  });

  it('a name of 64 characters or more gets a short alias with a hash', () => {
    const { name, alias } = genericTestName('accepted_values', 'a_model_with_a_long_name', { column_name: 'status', values: ['placed', 'shipped', 'completed', 'returned'] });
    expect(name.length).toBeGreaterThanOrEqual(64);
    expect(alias).toMatch(/^accepted_values_a_model_with_a_[0-9a-f]{32}$/);
  });
});
