import { describe, expect, it } from 'vitest';
import { HIGHLIGHT_LIMIT, tokenizeSql, type Token } from './highlight.js';

const classes = (tokens: readonly Token[]) => tokens.filter((t) => t.cls).map((t) => [t.cls, t.text]);

describe('tokenizeSql', () => {
  it('marks Jinja, comments, strings, quoted identifiers, numbers and keywords; the runs give back the text', () => {
    const sql = "{{ config(materialized='table') }}\nSELECT \"Id\", 'it''s' AS s, 4.5 -- note\nfrom {{ ref('a') }} /* x */ where n_1 > 10 {% if x %}{# c #}";
    const tokens = tokenizeSql(sql);
    expect(tokens.map((t) => t.text).join('')).toBe(sql);
    expect(classes(tokens)).toEqual([
      ['tj', "{{ config(materialized='table') }}"], ['tk', 'SELECT'], ['ti', '"Id"'], ['ts', "'it''s'"], ['tk', 'AS'],
      ['tn', '4.5'], ['tc', '-- note'], ['tk', 'from'], ['tj', "{{ ref('a') }}"], ['tc', '/* x */'], ['tk', 'where'],
      ['tn', '10'], ['tj', '{% if x %}'], ['tj', '{# c #}'],
    ]);
  });

  it('leaves other identifiers in the plain runs (n_1, orders) and merges neighbouring plain text', () => {
    expect(tokenizeSql('orders o1')).toEqual([{ text: 'orders o1', cls: null }]);
    expect(tokenizeSql('select x')).toEqual([{ text: 'select', cls: 'tk' }, { text: ' x', cls: null }]);
  });

  it('gives nothing for empty code and one plain run past the limit', () => {
    expect(tokenizeSql('')).toEqual([]);
    const long = 'select 1 '.repeat(HIGHLIGHT_LIMIT / 9 + 1);
    expect(tokenizeSql(long)).toEqual([{ text: long, cls: null }]);
  });
});
