/**
 * Which macros a template calls: dbt's `depends_on.macros`. Read from the template text (only inside
 * `{{ }}` and `{% %}` tags), so it is a pure function of the text and the macros the project knows.
 */
import type { MacroDef } from './types.js';

/** Resolves a called name (`my_macro`, `pkg.my_macro`) to a macro's unique id, or nothing. */
export type MacroResolver = (name: string, namespace?: string) => string | undefined;

/**
 * dbt's lookup order for an unqualified name: the root project's macro, then a package's, then
 * dbt's own (`macro.dbt.x`); `pkg.x` is that package's macro.
 * @example macroResolver(manifest.macros, 'shop')('cents_to_dollars') // 'macro.shop.cents_to_dollars'
 */
export function macroResolver(macros: ReadonlyMap<string, MacroDef>, rootPackage: string): MacroResolver {
  const byName = new Map<string, string>();
  const ranked = [...macros.values()].sort((a, b) => rank(a.packageName, rootPackage) - rank(b.packageName, rootPackage));
  for (const m of ranked) if (!byName.has(m.name)) byName.set(m.name, m.uniqueId);
  return (name, namespace) => {
    if (namespace) {
      const id = `macro.${namespace}.${name}`;
      return macros.has(id) ? id : undefined;
    }
    return byName.get(name);
  };
}

function rank(pkg: string, root: string): number {
  return pkg === root ? 0 : pkg === 'dbt' ? 2 : 1;
}

const TAG = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const COMMENT = /\{#[\s\S]*?#\}/g;
const CALL = /(?<![\w.])([A-Za-z_]\w*)(?:\s*\.\s*([A-Za-z_]\w*))?\s*\(/g;
const DEFINITION = /^\{%-?\s*(?:macro|test|materialization)\s+[A-Za-z_]\w*\s*\(/;

/**
 * The unique ids of the macros `text` calls, in order of first call.
 * @example macroCalls("{{ cents('x') }} {{ dbt_utils.star(ref('a')) }}", resolve) // ['macro.shop.cents', 'macro.dbt_utils.star']
 */
export function macroCalls(source: string, resolve: MacroResolver): string[] {
  if (!source.includes('{{') && !source.includes('{%')) return [];
  // a commented-out call (`{# {{ x() }} #}`) is not rendered, so not a call
  const text = source.includes('{#') ? source.replace(COMMENT, '') : source;
  const out = new Set<string>();
  TAG.lastIndex = 0;
  let tag: RegExpExecArray | null;
  while ((tag = TAG.exec(text))) {
    // a macro's own definition line (`{% macro date_spine(...) %}`) names it, it does not call it
    const body = tag[0].replace(DEFINITION, '');
    CALL.lastIndex = 0;
    let call: RegExpExecArray | null;
    while ((call = CALL.exec(body))) {
      const id = call[2] !== undefined ? resolve(call[2], call[1]) : resolve(call[1]!);
      if (id) out.add(id);
    }
  }
  return [...out];
}
