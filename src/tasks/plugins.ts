/**
 * Built-in session plugins (LLM enrichment, unit tests, ...). Each module registers itself with
 * `registerDefaultPlugin` when imported; add one import line per plugin.
 */
export {};
