/**
 * What `run_query()` returns: an array of rows (each an array with named fields too) that also
 * answers agate's API used by dbt macros: `.rows`, `.columns[i].values()`, `.column_names`.
 */
export interface QueryColumn {
  readonly name: string;
  readonly type: string;
  values(): unknown[];
}

export type QueryTable = unknown[][] & {
  readonly rows: unknown[][];
  readonly columns: QueryColumn[];
  readonly column_names: string[];
  print_table(): string;
};

export function makeQueryTable(columns: readonly { name: string; type: string }[], rows: readonly Record<string, unknown>[]): QueryTable {
  const names = columns.map((c) => c.name);
  const rowArrays = rows.map((r) => {
    const arr = names.map((n) => r[n]) as unknown[] & Record<string, unknown>;
    for (const n of names) if (!(n in arr)) arr[n] = r[n];
    return arr;
  });
  const table = rowArrays as unknown as QueryTable;
  Object.defineProperties(table, {
    rows: { value: rowArrays },
    column_names: { value: names },
    columns: { value: columns.map((c, i) => ({ name: c.name, type: c.type, values: () => rowArrays.map((r) => r[i]) })) },
    print_table: { value: () => '' },
  });
  return table;
}

export function emptyQueryTable(): QueryTable {
  return makeQueryTable([], []);
}
