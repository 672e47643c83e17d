/**
 * Stands in for `@duckdb/node-api` in the unit project (vitest.config.ts): unit tests run without a
 * database, so loading DuckDB there is a misplaced test, reported as such.
 */
throw new Error('a unit test loaded @duckdb/node-api: tests that open a database belong in tests/integration/ (README "Testing")');
