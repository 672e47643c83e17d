import { describe, expect, it } from 'vitest';
import { CompileError } from '../errors.js';
import { TemplateEngine } from './engine.js';
import { analyzeStatic, renderStatic } from './static-template.js';

function engineWith(files: Record<string, string>): TemplateEngine {
  const e = new TemplateEngine();
  for (const [file, text] of Object.entries(files)) e.addMacroFile({ file, text });
  return e;
}

describe('TemplateEngine', () => {
  it('calls macros from any file by name, and macros see the caller context', () => {
    const e = engineWith({
      'macros/a.sql': "{% macro greet(name) %}hello {{ name }} from {{ this }}{% endmacro %}",
      'macros/b.sql': "{% macro twice(x) %}{{ greet(x) }} {{ greet(x) }}{% endmacro %}",
    });
    expect(e.render({ file: 'm.sql', source: '{{ twice("a") }}' }, { this: 'T1' })).toBe('hello a from T1 hello a from T1');
    expect(e.render({ file: 'm.sql', source: '{{ greet("b") }}' }, { this: 'T2' })).toBe('hello b from T2');
  });

  it('supports return(), {% do %}, kwargs and jinja compat', () => {
    const e = engineWith({
      'macros/r.sql': `{% macro cols(n, prefix='c') %}{% set out = [] %}{% for i in range(n) %}{% do out.append(prefix ~ i) %}{% endfor %}{{ return(out) }}{% endmacro %}`,
    });
    expect(e.render({ file: 'm.sql', source: "{{ cols(3, prefix='x') | join(', ') }}" }, {})).toBe('x0, x1, x2');
    expect(e.render({ file: 'm.sql', source: "{% set d = {'a': 1} %}{% for k, v in d.items() %}{{ k }}={{ v }}{% endfor %}{{ none is none }}" }, {})).toBe('a=1True');
  });

  it('reports undefined macros with a suggestion and the line', () => {
    const e = engineWith({ 'macros/a.sql': '{% macro recency_score(x) %}{{ x }}{% endmacro %}' });
    try {
      e.render({ file: 'models/m.sql', source: 'select 1\n, {{ recency_scor(1) }}' }, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CompileError);
      const c = err as CompileError;
      expect(c.code).toBe('BMP_MACRO_UNDEFINED');
      expect(c.where).toMatchObject({ file: 'models/m.sql', line: 2 });
      expect(c.hint).toContain('recency_score');
    }
  });

  it('rejects wrong macro arguments and duplicate macros', () => {
    const e = engineWith({ 'macros/a.sql': '{% macro f(a, b=1) %}{{ a }}{% endmacro %}' });
    expect(() => e.render({ file: 'm.sql', source: '{{ f(1, 2, 3) }}' }, {})).toThrow(/at most 2 argument/);
    expect(() => e.render({ file: 'm.sql', source: '{{ f(1, c=3) }}' }, {})).toThrow(/no argument 'c'/);
    expect(() => e.addMacroFile({ file: 'macros/b.sql', text: '\n{% macro f() %}{% endmacro %}' })).toThrow(/defined twice: macros\/a.sql:1 and macros\/b.sql:2/);
  });

  it('locates template syntax errors', () => {
    const e = new TemplateEngine();
    try {
      e.render({ file: 'models/bad.sql', source: 'select 1\n{% if x %}\nselect 2' }, {});
      expect.unreachable();
    } catch (err) {
      expect((err as CompileError).code).toBe('BMP_TEMPLATE_SYNTAX');
      expect((err as CompileError).where.file).toBe('models/bad.sql');
    }
  });
});

describe('static fast path', () => {
  it('parses literal calls and renders like nunjucks', () => {
    const src = "{{ config(materialized='table', tags=['a', \"b\"], partition_by={'field': 'x'}) }}\nselect * from {{ ref('a') }} join {{ source('s', 't') }} where x > {{ var('n') }}";
    const a = analyzeStatic(src)!;
    expect(a).toBeDefined();
    const calls = a.segments.filter((s) => typeof s !== 'string');
    expect(calls[0]).toEqual({ fn: 'config', args: [], kwargs: { materialized: 'table', tags: ['a', 'b'], partition_by: { field: 'x' } } });
    const out = renderStatic(a, (c) => (c.fn === 'ref' ? `"main"."${c.args[0]}"` : c.fn === 'source' ? 'S' : c.fn === 'var' ? 5 : ''));
    const e = new TemplateEngine();
    const viaNunjucks = e.render({ file: 'm.sql', source: src }, { config: () => '', ref: (n: string) => `"main"."${n}"`, source: () => 'S', var: () => 5 });
    expect(out).toBe(viaNunjucks);
  });

  it('declines anything else', () => {
    expect(analyzeStatic('{% if x %}{% endif %}')).toBeUndefined();
    expect(analyzeStatic('{{ ref(name) }}')).toBeUndefined();
    expect(analyzeStatic('{{ my_macro() }}')).toBeUndefined();
    expect(analyzeStatic('{{- ref("a") }}')).toBeUndefined();
  });
});
