import { stripKeywords } from './relation.js';

// The dbt template context itself is built by compile/context (one provider per node kind).

/** Splits a template call's arguments: nunjucks passes keyword arguments as a trailing `__keywords` object. */
export function splitKwargs(args: unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && '__keywords' in (last as object)) {
    return { positional: args.slice(0, -1), kwargs: stripKeywords(last as Record<string, unknown>) };
  }
  return { positional: args, kwargs: {} };
}
