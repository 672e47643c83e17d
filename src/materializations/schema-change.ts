/**
 * `on_schema_change` for incremental models: what to do when the new batch's columns differ from
 * the target's. Pure planning; the statements run in the batch's transaction.
 */
import { addColumn, alterColumnType, dropColumn, relationSql, type CatalogColumn } from '../adapters/duckdb/index.js';
import { CompileError } from '../errors.js';
import type { NodeConfig, Relation } from '../manifest/types.js';

export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';

export interface SchemaDiff {
  readonly added: readonly CatalogColumn[];
  readonly removed: readonly CatalogColumn[];
  /** Columns in both whose type differs (source type). */
  readonly changed: readonly CatalogColumn[];
}

export interface SchemaChangePlan {
  /** Columns the insert writes, in target order then new ones. */
  readonly columns: string[];
  /** ALTERs to run before the insert. */
  readonly statements: string[];
  /** True when a statement drops or retypes a column (DuckDB refuses that while indexes exist). */
  readonly needsIndexDrop: boolean;
  readonly diff: SchemaDiff;
}

export function onSchemaChangeOf(config: NodeConfig): OnSchemaChange {
  return ((config['on_schema_change'] as OnSchemaChange | undefined) ?? 'ignore') as OnSchemaChange;
}

/** Column differences, by case-insensitive name (DuckDB identifiers are case-insensitive). */
export function diffColumns(source: readonly CatalogColumn[], target: readonly CatalogColumn[]): SchemaDiff {
  const byName = (cols: readonly CatalogColumn[]) => new Map(cols.map((c) => [c.name.toLowerCase(), c]));
  const src = byName(source);
  const dst = byName(target);
  return {
    added: source.filter((c) => !dst.has(c.name.toLowerCase())),
    removed: target.filter((c) => !src.has(c.name.toLowerCase())),
    changed: source.filter((c) => {
      const d = dst.get(c.name.toLowerCase());
      return d !== undefined && d.type !== c.type;
    }),
  };
}

/**
 * The schema-change step: which columns the insert uses and which ALTERs run first.
 *
 * - `ignore`: insert the target's columns that the batch has; new batch columns are dropped,
 *   target columns missing from the batch get NULL.
 * - `fail`: any added, removed or retyped column is an error; nothing is written.
 * - `append_new_columns`: `alter table ... add column` for new ones; removed ones get NULL.
 * - `sync_all_columns`: add new, drop removed, retype changed columns.
 *
 * @throws CompileError BMP_SCHEMA_CHANGE when on_schema_change is 'fail' and the columns differ.
 */
export function planSchemaChange(
  input: { readonly target: Relation; readonly config: NodeConfig; readonly sourceColumns: readonly CatalogColumn[]; readonly targetColumns: readonly CatalogColumn[] },
  nodeId?: string,
): SchemaChangePlan {
  const mode = onSchemaChangeOf(input.config);
  const diff = diffColumns(input.sourceColumns, input.targetColumns);
  const { added, removed, changed } = diff;
  const target = relationSql(input.target);
  const inSource = new Set(input.sourceColumns.map((c) => c.name.toLowerCase()));
  const kept = input.targetColumns.filter((c) => inSource.has(c.name.toLowerCase())).map((c) => c.name);
  const addStmts = added.map((c) => addColumn(input.target, c.name, c.type));
  switch (mode) {
    case 'fail':
      if (added.length || removed.length || changed.length) {
        const parts = [
          added.length ? `new columns ${added.map((c) => c.name).join(', ')}` : '',
          removed.length ? `missing columns ${removed.map((c) => c.name).join(', ')}` : '',
          changed.length ? `changed types ${changed.map((c) => `${c.name} (${input.targetColumns.find((t) => t.name.toLowerCase() === c.name.toLowerCase())?.type} → ${c.type})`).join(', ')}` : '',
        ].filter(Boolean);
        throw new CompileError(
          'BMP_SCHEMA_CHANGE',
          `the new batch's schema differs from ${target}: ${parts.join('; ')} (on_schema_change: fail)`,
          { nodeId },
          'set on_schema_change to append_new_columns or sync_all_columns, or run with --full-refresh',
        );
      }
      return { columns: kept, statements: [], needsIndexDrop: false, diff };
    case 'append_new_columns':
      return { columns: [...kept, ...added.map((c) => c.name)], statements: addStmts, needsIndexDrop: false, diff };
    case 'sync_all_columns':
      return {
        columns: [...kept, ...added.map((c) => c.name)],
        statements: [
          ...addStmts,
          ...removed.map((c) => dropColumn(input.target, c.name)),
          ...changed.map((c) => alterColumnType(input.target, c.name, c.type)),
        ],
        needsIndexDrop: removed.length > 0 || changed.length > 0,
        diff,
      };
    default:
      return { columns: kept, statements: [], needsIndexDrop: false, diff };
  }
}
