/**
 * Built-in session plugins (LLM enrichment, unit tests, ...). Each module registers itself with
 * `registerDefaultPlugin` when imported; add one import line per plugin.
 */
import '../llm/plugin.js';
import '../testing/testing-plugin.js';

export {};
