/**
 * Jinja2 semantics through the template engine as bmp uses it: macros registered from files,
 * parse-time rendering, values crossing into JavaScript functions, the static fast path, and the
 * errors each BMP_TEMPLATE_* code stands for.
 */
import { describe, expect, it } from 'vitest';
import { BmpError } from '../errors.js';
import { TemplateEngine } from './engine.js';
import { analyzeStatic, renderStatic } from './static-template.js';

function engineWith(files: Record<string, string>): TemplateEngine {
  const e = new TemplateEngine();
  for (const [file, text] of Object.entries(files)) e.addMacroFile({ file, text });
  return e;
}

function errorOf(fn: () => unknown): BmpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BmpError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('macros from macro files', () => {
  it('take extra arguments when their body reads varargs / kwargs, and forward them', () => {
    const e = engineWith({
      'macros/a.sql': "{% macro inner(a, b, c='z') %}{{ a }}{{ b }}{{ c }}{% endmacro %}\n{% macro outer() %}{{ inner(*varargs, **kwargs) }}|{{ varargs }}|{{ kwargs }}{% endmacro %}",
    });
    expect(e.render({ file: 'm.sql', source: "{{ outer(1, 2, c=3) }}" }, {})).toBe("123|(1, 2)|{'c': 3}");
  });

  it('can be named with a leading underscore, as dbt_utils does', () => {
    const e = engineWith({ 'macros/_h.sql': '{% macro _is_thing(x) %}{{ x is string }}{% endmacro %}' });
    expect(e.render({ file: 'm.sql', source: "{{ _is_thing('a') }} {{ _is_thing(1) }}" }, {})).toBe('True False');
  });

  it('keep integral floats as floats; JavaScript functions get plain numbers', () => {
    const e = engineWith({ 'macros/f.sql': '{% macro show(x) %}{{ x }}{% endmacro %}' });
    const seen: unknown[] = [];
    const out = e.render({ file: 'm.sql', source: '{{ show(4 / 2) }} {{ js(4 / 2, k=1.0) }}' }, { js: (...a: unknown[]) => (seen.push(...a), 'js') });
    expect(out).toBe('2.0 js');
    expect(seen[0]).toBe(2);
    expect((seen[1] as Record<string, unknown>)['k']).toBe(1);
  });

  it("answer Jinja2's macro attributes (name, arguments, catch_kwargs, catch_varargs, caller); a JavaScript-only one is undefined, not an error", () => {
    const e = engineWith({ 'macros/a.sql': "{% macro adder(a, b=2) %}{{ a + b }}{% endmacro %}\n{% macro wrap() %}{{ caller() }}{{ kwargs }}{% endmacro %}" });
    expect(e.render({ file: 'm.sql', source: '{{ adder.name }} {{ adder.arguments }} {{ adder.catch_kwargs }} {{ adder.catch_varargs }} {{ adder.caller }}' }, {})).toBe("adder ('a', 'b') False False False");
    expect(e.render({ file: 'm.sql', source: '{{ wrap.caller }} {{ wrap.catch_kwargs }} {{ wrap.arguments }}' }, {})).toBe('True True ()');
    expect(e.render({ file: 'm.sql', source: '{{ adder.callee is defined }}' }, {})).toBe('False');
  });

  it('return() gives the macro a value of any type', () => {
    const e = engineWith({ 'macros/r.sql': "{% macro cols() %}{{ return(['a', 'b']) }}{% endmacro %}" });
    expect(e.render({ file: 'm.sql', source: '{{ cols() }} {{ cols()|length }}' }, {})).toBe("['a', 'b'] 2");
    expect(e.callMacro('cols', [])).toEqual(['a', 'b']);
  });
});

describe('objects from JavaScript', () => {
  it('a namespace object made with getters or a Proxy answers attributes and items; Object.prototype members are not keys', () => {
    const byGetter = Object.defineProperty({}, 'm', { get: () => () => 'g', enumerable: false });
    const byProxy = new Proxy({}, { get: (_t, k) => (k === 'm' ? () => 'p' : undefined) });
    const out = new TemplateEngine().render({ file: 'm.sql', source: "{{ a.m() }} {{ b.m() }} {{ b['m']() }} [{{ a.toString }}{{ a['constructor'] }}]" }, { a: byGetter, b: byProxy });
    expect(out).toBe('g p p []');
  });
});

describe('parse-time rendering (dbt parse-time Undefined)', () => {
  const source = "{{ config(materialized='table') }}select {{ model.config.meta.owner }}{{ run_query('x').columns[0].values() }}";
  it('lookups and calls on what the parse context cannot answer are undefined', () => {
    const e = new TemplateEngine();
    expect(e.render({ file: 'm.sql', source }, { config: () => '', run_query: () => null }, { parsing: true })).toBe('select ');
  });
  it('the same template raises when compiled', () => {
    const e = new TemplateEngine();
    const err = errorOf(() => e.render({ file: 'models/m.sql', source }, { config: () => '', run_query: () => null }));
    expect(err.code).toBe('BMP_TEMPLATE_UNDEFINED');
    expect(err.message).toBe("'model' is undefined (reading .config)");
    expect(err.where).toMatchObject({ file: 'models/m.sql', line: 1 });
  });
  it('calling an unknown name is an error even at parse', () => {
    const e = new TemplateEngine();
    expect(errorOf(() => e.render({ file: 'm.sql', source: '{{ nope() }}' }, {}, { parsing: true })).code).toBe('BMP_MACRO_UNDEFINED');
  });
});

describe('the static fast path', () => {
  it('prints values as the engine does (None, lists) and drops the trailing newline', () => {
    const src = "select {{ var('a') }}, {{ var('b') }}, {{ var('c') }}\n";
    const vars: Record<string, unknown> = { a: null, b: [1, 'x'], c: true };
    const stat = analyzeStatic(src)!;
    const viaStatic = renderStatic(stat, (c) => vars[String(c.args[0])]);
    const viaEngine = new TemplateEngine().render({ file: 'm.sql', source: src }, { var: (k: string) => vars[k] });
    expect(viaStatic).toBe("select None, [1, 'x'], True");
    expect(viaEngine).toBe(viaStatic);
  });

  it('reads \\r\\n and a lone \\r as \\n, as the engine does (a file written on Windows stays on the fast path)', () => {
    const src = "select 1,\r\n{{ var('a') }}\rx\r\n";
    const stat = analyzeStatic(src)!;
    expect(stat).toBeDefined();
    const viaStatic = renderStatic(stat, () => 2);
    expect(viaStatic).toBe('select 1,\n2\nx');
    expect(new TemplateEngine().render({ file: 'm.sql', source: src }, { var: () => 2 })).toBe(viaStatic);
  });

  it('leaves integral float literals and escapes to the engine', () => {
    expect(analyzeStatic("{{ var('x', 1.0) }}")).toBeUndefined();
    expect(analyzeStatic("{{ var('x', 1.5) }}")).toBeDefined();
    expect(analyzeStatic("{{ ref('a\\d') }}")).toBeUndefined();
    // the engine passes 1.0 to JavaScript's var() as the number 1 (see 'JavaScript functions get plain numbers')
    expect(new TemplateEngine().render({ file: 'm.sql', source: "{{ var('x', 1.0) }} {{ var('y', '\\d') }} {{ 1.0 }}" }, { var: (_k: string, d: unknown) => d })).toBe('1 \\d 1.0');
  });
});

describe('errors: one code per kind, located at the line', () => {
  const cases: [string, string, string][] = [
    ['BMP_TEMPLATE_SYNTAX', 'a\n{{ [1, 2) }}', "unexpected ')'"],
    ['BMP_TEMPLATE_UNDEFINED', 'a\n{{ nope.attr }}', "'nope' is undefined"],
    ['BMP_TEMPLATE_TYPE', "a\n{{ 1 + 'x' }}", "unsupported operand type(s) for +: 'int' and 'str'"],
    ['BMP_TEMPLATE_VALUE', 'a\n{{ 1 // 0 }}', 'integer division or modulo by zero'],
    ['BMP_TEMPLATE_UNSUPPORTED', 'a\n{{ (-1) ** 0.5 }}', 'complex number'],
  ];
  for (const [code, source, message] of cases) {
    it(code, () => {
      const err = errorOf(() => new TemplateEngine().render({ file: 'models/x.sql', source }, {}));
      expect(err.code).toBe(code);
      expect(err.message).toContain(message);
      expect(err.where).toMatchObject({ file: 'models/x.sql', line: 2 });
    });
  }

  it('an error raised inside macros names them, innermost first, with the line in each macro file', () => {
    const e = engineWith({
      'macros/inner.sql': '{% macro inner(x) %}\n  select\n  {{ x.nope.deeper }}\n{% endmacro %}',
      'macros/outer.sql': '\n\n{% macro outer() %}{{ inner({}) }}{% endmacro %}',
    });
    const err = errorOf(() => e.render({ file: 'models/m.sql', source: 'select 1\n{{ outer() }}' }, {}));
    expect(err.code).toBe('BMP_TEMPLATE_UNDEFINED');
    expect(err.where).toMatchObject({ file: 'models/m.sql', line: 2 });
    expect(err.message).toBe("'x.nope' is undefined (reading .deeper)");
    expect(err.details).toBe("in macro 'inner' (macros/inner.sql:3)\ncalled from macro 'outer' (macros/outer.sql:3)");
  });

  it('an error in the body of a {% call %} block names the body, the macro that called caller() and the line of the {% call %}', () => {
    const e = engineWith({
      'macros/wrap.sql': '{% macro wrap() %}\n  {{ caller() }}\n{% endmacro %}',
      'macros/user.sql': '{% macro user() %}\n  {% call wrap() %}\n    {{ [].pop() }}\n  {% endcall %}\n{% endmacro %}',
    });
    const err = errorOf(() => e.render({ file: 'models/m.sql', nodeId: 'model.p.m', source: '{{ user() }}' }, {}));
    expect(err.where).toMatchObject({ file: 'models/m.sql', line: 1, nodeId: 'model.p.m' });
    expect(err.details).toBe("in the body of a {% call %} block (macros/user.sql:3)\ncalled from macro 'wrap' (macros/wrap.sql:2)\ncalled from macro 'user' (macros/user.sql:2)");
  });

  it('wrong arguments to a macro called from a macro: located at the model, the chain names the calling line', () => {
    const e = engineWith({
      'macros/callee.sql': '{% macro callee(a) %}{{ a }}{% endmacro %}',
      'macros/caller.sql': '{% macro calling() %}\n\n  {{ callee(1, 2) }}\n{% endmacro %}',
    });
    const err = errorOf(() => e.render({ file: 'models/m.sql', nodeId: 'model.p.m', source: 'select\n{{ calling() }}' }, {}));
    expect(err.code).toBe('BMP_MACRO_ARGS');
    expect(err.where).toMatchObject({ file: 'models/m.sql', line: 2, nodeId: 'model.p.m' });
    expect(err.details).toBe("in macro 'calling' (macros/caller.sql:3)");
  });

  it('an error inside a loop body reports the line of the failing statement on every iteration', () => {
    const err = errorOf(() => new TemplateEngine().render({ file: 'x.sql', source: '{% for i in [1, 0] %}\n{{ 1 }}\n{{ 1 // i }}\n{% endfor %}' }, {}));
    expect(err.where.line).toBe(3);
  });
});
