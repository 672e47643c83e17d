/**
 * Errors raised inside macros through the real CLI: one located line naming the node and its line,
 * then the chain of macro calls indented under it, innermost first, each with the macro's file and
 * line (a package's macros included). A command that cannot start exits 2 (INTERFACE.md); a node
 * that fails while running exits 1 with the chain under its message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bmp, tempProject, type TempProject } from '../helpers/project.js';

const MACROS = `{% macro outer(x) %}
  select
  {{ inner(x) }}
{% endmacro %}

{% macro inner(x) %}
  {%- if x == 'raise' -%}
    {{ exceptions.raise_compiler_error('bad x: ' ~ x) }}
  {%- elif x == 'undefined' -%}
    {{ nope.attr }}
  {%- elif x == 'method' -%}
    {{ 'abc'.endswith() }}
  {%- elif x == 'query' -%}
    {% set r = run_query('select * from no_such_table') %}
  {%- elif x == 'package' -%}
    {{ helper.deep(x) }}
  {%- endif -%}
  1 as id
{% endmacro %}
`;

const PACKAGE_MACRO = `{% macro deep(x) %}

  {{ exceptions.raise_compiler_error('deep failure: ' ~ x) }}
{% endmacro %}
`;

let p: TempProject;
beforeAll(() => {
  p = tempProject({
    'macros/chain.sql': MACROS,
    'dbt_packages/helper/dbt_project.yml': "name: helper\nversion: '1.0'\nconfig-version: 2\n",
    'dbt_packages/helper/macros/deep.sql': PACKAGE_MACRO,
    'models/fine.sql': 'select 1 as id',
  });
});
afterAll(() => p.remove());

/** Compiles the project with one failing model `m_<kind>` whose line 2 calls outer(kind). */
function compileWith(kind: string) {
  p.write(`models/m_${kind}.sql`, `-- calls a macro that fails\n{{ outer('${kind}') }}\n`);
  try {
    return bmp(['compile', '--project-dir', p.dir, '-s', `m_${kind}`], { env: { HOME: p.dir } });
  } finally {
    p.write(`models/m_${kind}.sql`, 'select 1 as id');
  }
}

describe('an error inside macros: the model and the chain of calls (bmp compile, exit 2)', () => {
  const cases: [kind: string, line: RegExp, innermost: string][] = [
    ['raise', /^Compilation Error in model m_raise \(models\/m_raise\.sql:2:\d+\): bad x: raise \[BMP_RAISED\]$/, "  in macro 'inner' (macros/chain.sql:8)"],
    ['undefined', /^Compilation Error in model m_undefined \(models\/m_undefined\.sql:2:\d+\): 'nope' is undefined \(reading \.attr\) \[BMP_TEMPLATE_UNDEFINED\]$/, "  in macro 'inner' (macros/chain.sql:10)"],
    ['method', /^Compilation Error in model m_method \(models\/m_method\.sql:2:\d+\): .*endswith.*\[BMP_TEMPLATE_TYPE\]$/, "  in macro 'inner' (macros/chain.sql:12)"],
    ['query', /^Compilation Error in model m_query \(models\/m_query\.sql:2:\d+\): run_query failed: .*no_such_table.* \[BMP_RUN_QUERY\]$/, "  in macro 'inner' (macros/chain.sql:14)"],
  ];
  for (const [kind, line, innermost] of cases) {
    it(kind, () => {
      const out = compileWith(kind);
      expect(out.code).toBe(2);
      const lines = out.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(line);
      expect(lines.slice(1)).toEqual([innermost, "  called from macro 'outer' (macros/chain.sql:3)"]);
      expect(out.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    });
  }

  it("a package's macro is named with its file under dbt_packages/", () => {
    const out = compileWith('package');
    expect(out.code).toBe(2);
    expect(out.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^Compilation Error in model m_package \(models\/m_package\.sql:2:\d+\): deep failure: package \[BMP_RAISED\]$/),
      "  in macro 'deep' (dbt_packages/helper/macros/deep.sql:3)",
      "  called from macro 'inner' (macros/chain.sql:16)",
      "  called from macro 'outer' (macros/chain.sql:3)",
    ]);
  });
});

describe('a failing run_query inside a macro while running (bmp run, exit 1)', () => {
  it('the node fails with the chain under its message; the others are built; run_results keeps the chain', async () => {
    p.write('models/m_query.sql', "{{ outer('query') }}\n");
    try {
      const out = bmp(['run', '--project-dir', p.dir], { env: { HOME: p.dir } });
      expect(out.code).toBe(1);
      expect(out.stdout).toMatch(/Compilation Error in model m_query \(models\/m_query\.sql:1:\d+\)\n[^\n]*run_query failed: [^\n]*no_such_table[^\n]*\n {4}in macro 'inner' \(macros\/chain\.sql:14\)\n {4}called from macro 'outer' \(macros\/chain\.sql:3\)\n/);
      const result = p.runResults().results.find((r) => r.unique_id === 'model.p.m_query')!;
      expect(result.status).toBe('error');
      expect(result.message).toContain("in macro 'inner' (macros/chain.sql:14)\n    called from macro 'outer' (macros/chain.sql:3)");
      expect(await p.query('select id from main.fine')).toEqual([{ id: 1 }]);
    } finally {
      p.write('models/m_query.sql', 'select 1 as id');
    }
  });
});
