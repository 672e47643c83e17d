import { describe, expect, it } from 'vitest';
import { macroCalls, macroResolver } from './macro-deps.js';
import type { MacroDef } from './types.js';

const def = (pkg: string, name: string): [string, MacroDef] => [`macro.${pkg}.${name}`, { uniqueId: `macro.${pkg}.${name}`, name, packageName: pkg, originalFilePath: 'macros/x.sql', line: 1, kind: 'macro', args: [], description: '' }];
const macros = new Map([def('shop', 'cents'), def('shop', 'star'), def('dbt_utils', 'star'), def('dbt_utils', 'pivot'), def('dbt', 'is_incremental')]);
const resolve = macroResolver(macros, 'shop');

describe('macroCalls', () => {
  it('finds calls inside tags only, in order, once each; the root project wins unqualified names', () => {
    const sql = "select cents(x) from t -- cents( outside a tag\n{{ cents('a') }} {% if is_incremental() %}{{ star(ref('a')) }}{% endif %}{{ cents('b') }}";
    expect(macroCalls(sql, resolve)).toEqual(['macro.shop.cents', 'macro.dbt.is_incremental', 'macro.shop.star']);
  });
  it('resolves pkg.name to that package, and never a method of another object to a macro', () => {
    expect(macroCalls("{{ dbt_utils.star(ref('a')) }} {{ dbt_utils.pivot('c', [1]) }}", resolve)).toEqual(['macro.dbt_utils.star', 'macro.dbt_utils.pivot']);
    expect(macroCalls("{{ adapter.cents('x') }} {{ modules.datetime.star() }} {{ unknown_macro() }}", resolve)).toEqual([]);
  });
  it('a call inside a comment is not a call (comments are not rendered)', () => {
    expect(macroCalls("{# {{ cents('a') }} #}{{ star(ref('a')) }}{#- {% if is_incremental() %} -#}", resolve)).toEqual(['macro.shop.star']);
  });
  it('a template without tags calls nothing', () => {
    expect(macroCalls('select cents(1)', resolve)).toEqual([]);
  });
});
