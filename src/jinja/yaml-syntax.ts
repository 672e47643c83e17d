/**
 * The template language of YAML values (project.yml, profiles.yml, properties files) with Jinja2's
 * semantics, for the config layer's native renderer, which cannot import the template layer and
 * is handed this from above: `'{{ env_var("S").upper() }}'`, `'%s' % x` and list `+` behave as in
 * dbt's native environment instead of as nunjucks' JavaScript.
 */
import type { YamlTemplate, YamlTemplateSyntax } from '../config/index.js';
import { installBuiltins } from './builtins.js';
import { jinjaModules } from './engine.js';
import { installJinjaFilters } from './filters.js';
import { createPyRuntime, type PyRuntime } from './python/runtime.js';
import { installJinjaTests } from './tests.js';
import { CompileError } from '../errors.js';

/** A YAML template syntax: one environment (Jinja2's filters, tests and globals), templates compiled per call. */
export function jinjaYamlSyntax(): YamlTemplateSyntax {
  let env: { py: PyRuntime; addFilter(name: string, fn: unknown): void } | undefined;
  return {
    compile(source, transform, filters): YamlTemplate {
      const { nunjucks, jinja } = jinjaModules();
      if (!env) {
        const made = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
        (made as unknown as { py: PyRuntime }).py = createPyRuntime();
        installBuiltins(made, {
          returnValue: () => {
            throw new CompileError('BMP_TEMPLATE_RETURN', 'return() works only inside a macro from the macro paths');
          },
        });
        installJinjaFilters(made as unknown as Parameters<typeof installJinjaFilters>[0]);
        installJinjaTests(made as unknown as Parameters<typeof installJinjaTests>[0]);
        for (const [name, fn] of Object.entries(filters)) made.addFilter(name, fn as (...a: unknown[]) => unknown);
        env = made as unknown as typeof env;
      }
      const e = env!;
      const code = jinja.compileToCode(source, 'yaml value', [], e as never, transform as never);
      const props = new Function('py', code)(e.py) as unknown;
      return new nunjucks.Template({ type: 'code', obj: props } as unknown as string, e as never, 'yaml value') as unknown as YamlTemplate;
    },
  };
}
