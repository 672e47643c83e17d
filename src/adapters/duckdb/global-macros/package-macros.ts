/**
 * bmp's DuckDB implementations of macros that packages dispatch (`adapter.dispatch(name, 'dbt_utils')`)
 * where the package's `default__` SQL is one DuckDB cannot run. bmp plays the part a database adapter
 * plays in dbt: it brings the `duckdb__` implementation the package lacks.
 *
 * They are not in any namespace (`dbt_utils.duckdb__x` stays undefined): the registry offers one only
 * to `adapter.dispatch(name, namespace)`, at the namespace's own place in the search order, when the
 * installed package has no `duckdb__name` of its own, so a root project's `duckdb__`/`default__`
 * (or the project's `dispatch:` order) still comes first, then the package's own `duckdb__`, then
 * bmp's, then the package's `default__`. Each runs as a macro of that namespace (its unqualified
 * names resolve from the package).
 *
 * | namespace | macro | why |
 * | --- | --- | --- |
 * | `dbt_utils` | `duckdb__get_tables_by_pattern_sql(schema_pattern, table_pattern, exclude, database)` | the package reads `<database>.information_schema.tables`; DuckDB has `information_schema` only in its `system` catalog, listing every attached database's tables with `table_catalog` |
 *
 * `get_tables_by_pattern_sql` (and `get_tables_by_prefix_sql`, `get_relations_by_pattern`,
 * `get_relations_by_prefix`, which call it) answers one row per table or view of `database` whose
 * schema matches `schema_pattern` and name matches `table_pattern` but not `exclude` (SQL `ilike`
 * patterns: `%` any run, `_` one character, case-insensitive), with the columns `table_schema`,
 * `table_name` and `table_type` (`table`, `view`: the package's `get_table_types_sql`). A database
 * name or pattern holding a `'` is quoted, not spliced into the SQL. Rows come ordered by schema and
 * name, so a union of the relations found is the same from one run to the next.
 */
export const DBT_UTILS_MACROS = String.raw`
{% macro duckdb__get_tables_by_pattern_sql(schema_pattern, table_pattern, exclude='', database=target.database) %}
    select distinct
        table_schema as {{ adapter.quote('table_schema') }},
        table_name as {{ adapter.quote('table_name') }},
        {{ dbt_utils.get_table_types_sql() }}
    from system.information_schema.tables
    where lower(table_catalog) = lower({% if database %}'{{ (database ~ '') | replace("'", "''") }}'{% else %}current_database(){% endif %})
    and table_schema ilike '{{ (schema_pattern ~ '') | replace("'", "''") }}'
    and table_name ilike '{{ (table_pattern ~ '') | replace("'", "''") }}'
    and table_name not ilike '{{ (exclude ~ '') | replace("'", "''") }}'
    order by 1, 2
{% endmacro %}
`;

export interface PackageMacroFile {
  /** The package namespace whose `adapter.dispatch` calls may find these macros. */
  readonly namespace: string;
  /** Shown in errors: `bmp:<namespace>.sql`. */
  readonly file: string;
  readonly text: string;
}

export const PACKAGE_MACRO_FILES: readonly PackageMacroFile[] = [{ namespace: 'dbt_utils', file: 'bmp:dbt_utils.sql', text: DBT_UTILS_MACROS }];
