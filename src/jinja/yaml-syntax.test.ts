/**
 * YAML values rendered natively (dbt's NativeSandboxEnvironment) with the template engine's Jinja2
 * semantics handed to the config layer's renderer: dbt's native rules still hold (runtime values keep
 * their type, folded constants are text, the four filters), and the language is Jinja2's, not
 * nunjucks' JavaScript.
 */
import { describe, expect, it } from 'vitest';
import { cliVarFunction, NativeRenderer, yamlEnvVar } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { jinjaYamlSyntax } from './yaml-syntax.js';

const where = { file: 'dbt_project.yml', line: 3, column: 9 };
const r = new NativeRenderer({ var: cliVarFunction({ flag: true, n: 7, s: 'MixedCase', list: ['a', 'b'] }, 'dbt_project.yml'), env_var: yamlEnvVar, target: { name: 'dev', threads: 4 } }, jinjaYamlSyntax());

describe('YAML values with Jinja2 semantics', () => {
  it.each([
    // dbt's native rules, as with the default syntax
    ["{{ var('flag') }}", true],
    ["{{ var('n') + 1 }}", 8],
    ["{{ var('list') }}", ['a', 'b']],
    ['{{ target.threads }}', 4],
    ['{{ 2 + 2 }}', '4'],
    ['{{ false }}', 'False'],
    ["{{ var('missing', false) | as_bool }}", false],
    ["{{ '[1, 2]' | as_native }}", [1, 2]],
    ["{{ var('n') | as_text }}", '7'],
    ["x_{{ var('n') }}", 'x_7'],
    ["{{ var('flag') }}/{{ var('missing', none) }}", 'True/None'],
    ["{{ var('n') }}\n", 7],
    // Jinja2's language: Python methods, operators and values
    ["{{ var('s').lower() }}", 'mixedcase'],
    ["{{ env_var('BMP_SURELY_UNSET_FOR_TEST', 'dev').upper() }}", 'DEV'],
    ["{{ '%s_%s' % (var('s'), var('n')) }}", 'MixedCase_7'],
    ["{{ var('list') + ['c'] }}", ['a', 'b', 'c']],
    ["schema_{{ var('list') }}", "schema_['a', 'b']"],
    ["{{ var('s').startswith('Mixed') }}", true],
    ["{{ var('n') // 2 }}", 3],
    ["{{ var('list')[-1] }}", 'b'],
    ["{{ var('s')[:5] }}", 'Mixed'],
    ["{% set ns = namespace(k=0) %}{% for x in var('list') %}{% set ns.k = ns.k + 1 %}{% endfor %}{{ ns.k }}", 2],
  ])('%s', (text, expected) => {
    expect(r.render(text, where)).toEqual(expected);
  });

  it('an error in the template is a located config error naming the value', () => {
    let err: unknown;
    try {
      r.render("{{ var('s') % 3 }}", where);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'BMP_YAML_TEMPLATE', where: { file: 'dbt_project.yml', line: 3 } });
    expect((err as Error).message).toMatch(/^cannot render "\{\{ var\('s'\) % 3 \}\}": not all arguments converted during string formatting$/);
  });
});
