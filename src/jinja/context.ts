import { stripKeywords } from './relation.js';

// The dbt template context itself is built by compile/context (one provider per node kind).

const parseStubs = new Map<string, (...args: unknown[]) => unknown>();

/**
 * Template globals that plugins add at run time (e.g. `llm_generate`) must exist when the parser
 * renders a template in capture mode, before any plugin is set up: register a stand-in here.
 */
export function registerParseStub(name: string, stub: (...args: unknown[]) => unknown = () => ''): void {
  parseStubs.set(name, stub);
}

export function parseStubGlobals(): Record<string, unknown> {
  return Object.fromEntries(parseStubs);
}

/** Splits a template call's arguments: nunjucks passes keyword arguments as a trailing `__keywords` object. */
export function splitKwargs(args: unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && '__keywords' in (last as object)) {
    return { positional: args.slice(0, -1), kwargs: stripKeywords(last as Record<string, unknown>) };
  }
  return { positional: args, kwargs: {} };
}
