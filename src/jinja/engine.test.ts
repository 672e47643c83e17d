import { describe, expect, it } from 'vitest';
import { CompileError } from '../errors.js';
import { TemplateEngine } from './engine.js';
import { MacroRegistry } from './macro-registry.js';
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

  it('reads keyword and positional literals wherever the blanks are, as the engine does', () => {
    const src = "{{config( materialized = 'view' ,\n\ttags=[ 'a' ,'b' ], enabled=True, n=-2)}}{{ var( 'x' , none ) }}{{ ref('p', 'm',) }}{{ config(\u00a0alias='z') }}";
    const calls = analyzeStatic(src)!.segments.filter((s) => typeof s !== 'string');
    expect(calls).toEqual([
      { fn: 'config', args: [], kwargs: { materialized: 'view', tags: ['a', 'b'], enabled: true, n: -2 } },
      { fn: 'var', args: ['x', null], kwargs: {} },
      { fn: 'ref', args: ['p', 'm'], kwargs: {} },
      { fn: 'config', args: [], kwargs: { alias: 'z' } },
    ]);
  });

  it('declines anything else', () => {
    expect(analyzeStatic("{{ config(a == 'b') }}")).toBeUndefined();
    expect(analyzeStatic("{{ ref('a', b='c', 'd') }}")).toBeUndefined();
    expect(analyzeStatic('{{ var(1.0) }}')).toBeUndefined();
    expect(analyzeStatic('{{ var(Truex) }}')).toBeUndefined();
    expect(analyzeStatic('{% if x %}{% endif %}')).toBeUndefined();
    expect(analyzeStatic('{{ ref(name) }}')).toBeUndefined();
    expect(analyzeStatic('{{ my_macro() }}')).toBeUndefined();
    expect(analyzeStatic('{{- ref("a") }}')).toBeUndefined();
  });
});

describe('TemplateEngine with packages', () => {
  function engineWithPackages(): TemplateEngine {
    const registry = new MacroRegistry('shop', { packages: ['utils', 'dates'], dispatch: [{ macroNamespace: 'dates', searchOrder: ['dates'] }] });
    const e = new TemplateEngine(registry);
    e.addMacroFile({ file: 'macros/root.sql', text: "{% macro label(x) %}root:{{ x }}{% endmacro %}{% macro duckdb__kind() %}root-kind{% endmacro %}" });
    e.addMacroFile({ file: 'dbt_packages/utils/macros/u.sql', text: "{% macro label(x) %}utils:{{ x }}{% endmacro %}{% macro helper(x) %}[{{ x }}]{% endmacro %}{% macro wrap(x) %}{{ helper(x) }}{% endmacro %}{% macro kind() %}{{ return(adapter.dispatch('kind', 'utils')()) }}{% endmacro %}{% macro default__kind() %}utils-kind{% endmacro %}" }, 'utils');
    e.addMacroFile({ file: 'dbt_packages/dates/macros/d.sql', text: "{% macro helper(x) %}<{{ x }}>{% endmacro %}{% macro kind() %}{{ return(adapter.dispatch('kind', 'dates')()) }}{% endmacro %}{% macro default__kind() %}dates-kind{% endmacro %}{% macro broken( %}never called{% endmacro %}" }, 'dates');
    e.addMacroFile({ file: 'bmp:x.sql', text: "{% macro dateadd(n) %}{{ return(adapter.dispatch('dateadd', 'dbt')(n)) }}{% endmacro %}{% macro default__dateadd(n) %}+{{ n }}{% endmacro %}" }, 'dbt');
    return e;
  }
  const adapterOf = (e: TemplateEngine) => ({ adapter: { dispatch: (n: string, ns?: string) => e.dispatch(n, ns) } });

  it('calls a package macro through its namespace and keeps same-named macros apart', () => {
    const e = engineWithPackages();
    expect(e.render({ file: 'm.sql', source: "{{ utils.label('a') }} {{ label('b') }} {{ utils.helper(1) }} {{ dates.helper(1) }}" }, {})).toBe('utils:a root:b [1] <1>');
  });

  it("resolves a package macro's unqualified calls in the root project, then its own package, then dbt", () => {
    const e = engineWithPackages();
    // wrap (utils) calls helper: utils' own, though dates has one too and the root node renders
    expect(e.render({ file: 'm.sql', source: '{{ utils.wrap(2) }}' }, {})).toBe('[2]');
    // a package template: the root project's label wins over the package's own
    expect(e.render({ file: 'dbt_packages/utils/models/x.sql', source: "{{ label('c') }} {{ helper(3) }} {{ dateadd(1) }}", packageName: 'utils' }, adapterOf(e))).toBe('root:c [3] +1');
    expect(() => e.render({ file: 'm.sql', source: '{{ helper(4) }}' }, {})).toThrow(/'helper' is undefined/);
  });

  it('dispatches with the default order (root, namespace) or the configured one', () => {
    const e = engineWithPackages();
    const g = adapterOf(e);
    expect(e.render({ file: 'm.sql', source: '{{ utils.kind() }}' }, g)).toBe('root-kind');
    expect(e.render({ file: 'm.sql', source: '{{ dates.kind() }}' }, g)).toBe('dates-kind'); // search_order: [dates]
    expect(e.render({ file: 'm.sql', source: '{{ dbt.dateadd(5) }}' }, g)).toBe('+5');
    expect(() => e.render({ file: 'm.sql', source: "{{ adapter.dispatch('nope', 'utils')() }}" }, g)).toThrow(/no macro named 'nope' found within namespace 'utils'; searched for 'shop.duckdb__nope', 'shop.default__nope', 'utils.duckdb__nope', 'utils.default__nope'/);
  });

  it('compiles a macro only when first called, once', () => {
    const e = engineWithPackages();
    expect(e.render({ file: 'm.sql', source: "{{ utils.label('a') }}{{ utils.label('b') }}" }, {})).toBe('utils:autils:b');
    expect(e.compiledMacroCount).toBe(1);
    // dates.broken has a syntax error; nothing parsed it, so nothing failed
    try {
      e.render({ file: 'm.sql', source: '{{ dates.broken() }}' }, {});
      expect.unreachable();
    } catch (err) {
      expect((err as CompileError).code).toBe('BMP_TEMPLATE_SYNTAX');
      expect((err as CompileError).where.file).toBe('dbt_packages/dates/macros/d.sql');
    }
  });

  it('lets a render replace macros (unit tests) everywhere they are callable', () => {
    const e = engineWithPackages();
    const out = e.render({ file: 'm.sql', source: "{{ label('x') }} {{ utils.label('y') }}" }, {}, { macroOverrides: { label: () => 'L', 'utils.label': () => 'U' } });
    expect(out).toBe('L U');
    expect(e.render({ file: 'm.sql', source: "{{ label('x') }}" }, {})).toBe('root:x');
  });
});

describe('macro names', () => {
  it('calls macros whose names start with an underscore, unqualified and through a namespace', () => {
    const e = new TemplateEngine(new MacroRegistry('shop', { packages: ['utils'] }));
    e.addMacroFile({ file: 'dbt_packages/utils/macros/u.sql', text: '{% macro _private(x) %}<{{ x }}>{% endmacro %}{% macro public(x) %}{{ utils._private(x) }}{{ _private(x) }}{% endmacro %}' }, 'utils');
    expect(e.render({ file: 'm.sql', source: '{{ utils.public(1) }} {{ utils._private(2) }}' }, {})).toBe('<1><1> <2>');
  });
});
