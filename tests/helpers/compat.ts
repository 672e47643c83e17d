import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './project.js';

/**
 * The folder of real dbt material (dbt's artifact schemas, the dbt-docs page, packages) that tests
 * check bmp against: `$BMP_COMPAT_DIR`, else the first `shared/compat` found beside the repository
 * or above it (`../shared/compat` of a clone). Undefined where there is none: those tests skip.
 */
export function compatDir(): string | undefined {
  const fromEnv = process.env['BMP_COMPAT_DIR'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (let dir = dirname(ROOT.replace(/[\\/]+$/, '')); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'compat');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The message a test skipped for want of the compat folder prints. */
export const NO_COMPAT = 'skipped: no ../shared/compat folder (dbt schemas, dbt-docs); set BMP_COMPAT_DIR to run these';
