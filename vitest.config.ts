import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Three projects, chosen by where a test file lives (README "Testing"):
 * - unit: `src/**\/*.test.ts` and `tests/unit/` — no database, no build. `@duckdb/node-api` is
 *   replaced by a module that throws, so a test that opens DuckDB fails with a pointer to tests/integration.
 * - integration: `tests/integration/` — in-process through the library, on real DuckDB files.
 * - e2e: `tests/e2e/` — the built CLI (and the built docs page); its global setup runs tsc and the bundler.
 */
export const PROJECTS = {
  unit: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
  integration: ['tests/integration/**/*.test.ts'],
  e2e: ['tests/e2e/**/*.test.ts'],
} as const;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: [...PROJECTS.unit] },
        resolve: { alias: [{ find: /^@duckdb\/node-api$/, replacement: fileURLToPath(new URL('tests/helpers/no-database.ts', import.meta.url)) }] },
      },
      { extends: true, test: { name: 'integration', include: [...PROJECTS.integration] } },
      { extends: true, test: { name: 'e2e', include: [...PROJECTS.e2e], globalSetup: ['tests/helpers/global-setup.ts'] } },
    ],
  },
});
