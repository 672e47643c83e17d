/**
 * dbt's global macros (the `dbt` namespace: `dbt.dateadd`, `dbt.type_string`, `generate_schema_name`,
 * `test_unique`, ...), written for DuckDB as bmp's own Jinja. Each file is registered under the `dbt`
 * package; a project or package overrides one the way dbt documents (a root macro of the same name,
 * or a `duckdb__`/`default__` implementation found by `adapter.dispatch`). Registering is a text
 * scan; a macro is compiled the first time something calls it.
 */
import { CROSS_DATABASE_MACROS } from './cross-database.js';
import { GENERIC_TEST_MACROS } from './generic-tests.js';
import { HELPER_MACROS } from './helpers.js';
import { SERIES_MACROS } from './series.js';

export { PACKAGE_MACRO_FILES, type PackageMacroFile } from './package-macros.js';

export interface GlobalMacroFile {
  /** Shown in errors: `bmp:<topic>.sql`. */
  readonly file: string;
  readonly text: string;
}

export const GLOBAL_MACRO_FILES: readonly GlobalMacroFile[] = [
  { file: 'bmp:cross-database.sql', text: CROSS_DATABASE_MACROS },
  { file: 'bmp:series.sql', text: SERIES_MACROS },
  { file: 'bmp:helpers.sql', text: HELPER_MACROS },
  { file: 'bmp:generic-tests.sql', text: GENERIC_TEST_MACROS },
];
