/**
 * The engine boundary (engine.ts: what materializations ask a database for) and its one engine
 * today, DuckDB (duckdb/).
 */
export * from './engine.js';
