import { andAll, createTableAs, dropRelation, quoteIdent, relationSql, type CatalogColumn } from '../adapters/duckdb/index.js';
import { CompileError } from '../errors.js';
import type { NodeConfig, Relation } from '../manifest/types.js';
import { clusteredSelect, partitionExpr, partitionOf, planTable, type PartitionBy } from './table.js';
import type { Materialization, MaterializationContext, MaterializationResult } from './types.js';
import { runInTransaction } from './view.js';

export type IncrementalStrategy = 'append' | 'merge' | 'delete+insert' | 'insert_overwrite' | 'microbatch';
export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';

const DEST = 'DBT_INTERNAL_DEST';
const SRC = 'DBT_INTERNAL_SOURCE';

export interface IncrementalPlanInput {
  readonly target: Relation;
  /** The temp table holding the new batch. */
  readonly batch: string;
  readonly config: NodeConfig;
  readonly sourceColumns: readonly CatalogColumn[];
  readonly targetColumns: readonly CatalogColumn[];
}

export function uniqueKeyOf(config: NodeConfig): string[] {
  const k = config['unique_key'];
  if (!k) return [];
  return (Array.isArray(k) ? k : [k]).flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean);
}

export function strategyOf(config: NodeConfig): IncrementalStrategy {
  const s = config['incremental_strategy'] as IncrementalStrategy | undefined;
  if (s) return s;
  return uniqueKeyOf(config).length ? 'delete+insert' : 'append';
}

/**
 * The schema-change step: which columns the insert uses and which ALTERs run first.
 * @throws CompileError BMP_SCHEMA_CHANGE when on_schema_change is 'fail' and the columns differ.
 */
export function planSchemaChange(input: IncrementalPlanInput, nodeId?: string): { columns: string[]; statements: string[] } {
  const mode = ((input.config['on_schema_change'] as OnSchemaChange | undefined) ?? 'ignore') as OnSchemaChange;
  const lower = (cols: readonly CatalogColumn[]) => new Map(cols.map((c) => [c.name.toLowerCase(), c]));
  const src = lower(input.sourceColumns);
  const dst = lower(input.targetColumns);
  const added = input.sourceColumns.filter((c) => !dst.has(c.name.toLowerCase()));
  const removed = input.targetColumns.filter((c) => !src.has(c.name.toLowerCase()));
  const changed = input.sourceColumns.filter((c) => {
    const d = dst.get(c.name.toLowerCase());
    return d && d.type !== c.type;
  });
  const target = relationSql(input.target);
  switch (mode) {
    case 'fail':
      if (added.length || removed.length) {
        const parts = [added.length ? `new columns ${added.map((c) => c.name).join(', ')}` : '', removed.length ? `missing columns ${removed.map((c) => c.name).join(', ')}` : ''].filter(Boolean);
        throw new CompileError('BMP_SCHEMA_CHANGE', `the new batch's schema differs from ${target}: ${parts.join('; ')} (on_schema_change: fail)`, { nodeId }, "set on_schema_change to append_new_columns or sync_all_columns, or run with --full-refresh");
      }
      return { columns: input.targetColumns.map((c) => c.name), statements: [] };
    case 'append_new_columns':
      return {
        columns: [...input.targetColumns.filter((c) => src.has(c.name.toLowerCase())).map((c) => c.name), ...added.map((c) => c.name)],
        statements: added.map((c) => `alter table ${target} add column ${quoteIdent(c.name)} ${c.type}`),
      };
    case 'sync_all_columns':
      return {
        columns: input.sourceColumns.map((c) => c.name),
        statements: [
          ...added.map((c) => `alter table ${target} add column ${quoteIdent(c.name)} ${c.type}`),
          ...removed.map((c) => `alter table ${target} drop column ${quoteIdent(c.name)}`),
          ...changed.map((c) => `alter table ${target} alter column ${quoteIdent(c.name)} type ${c.type}`),
        ],
      };
    default:
      return { columns: input.targetColumns.filter((c) => src.has(c.name.toLowerCase())).map((c) => c.name), statements: [] };
  }
}

function predicates(config: NodeConfig): string[] {
  return ((config['incremental_predicates'] as string[] | undefined) ?? []).map(String);
}

function insertFromBatch(target: Relation, batch: string, columns: readonly string[], partition: PartitionBy | undefined): string {
  const cols = columns.map(quoteIdent).join(', ');
  return `insert into ${relationSql(target)} (${cols})\nselect ${cols} from ${quoteIdent(batch)}${partition ? ` order by ${partitionExpr(partition)}` : ''}`;
}

/**
 * The statements that apply a batch to the target for one strategy (after the schema-change step).
 * Every statement runs in the same transaction as the batch's creation.
 */
export function planIncrementalApply(strategy: IncrementalStrategy, input: IncrementalPlanInput, columns: readonly string[]): string[] {
  const { target, batch, config } = input;
  const keys = uniqueKeyOf(config);
  const partition = partitionOf(config);
  const preds = predicates(config);
  const tgt = `${relationSql(target)} as ${DEST}`;
  const src = `${quoteIdent(batch)} as ${SRC}`;
  switch (strategy) {
    case 'append':
      return [insertFromBatch(target, batch, columns, partition)];
    case 'merge': {
      if (!keys.length) return [insertFromBatch(target, batch, columns, partition)];
      const on = andAll([...keys.map((k) => `${DEST}.${quoteIdent(k)} = ${SRC}.${quoteIdent(k)}`), ...preds]);
      const include = (config['merge_update_columns'] as string[] | undefined)?.map((c) => c.toLowerCase());
      const exclude = new Set(((config['merge_exclude_columns'] as string[] | undefined) ?? []).map((c) => c.toLowerCase()));
      const updates = columns.filter((c) => (!include || include.includes(c.toLowerCase())) && !exclude.has(c.toLowerCase()));
      const cols = columns.map(quoteIdent);
      return [
        `merge into ${tgt}\nusing ${src}\non ${on}\n` +
          (updates.length ? `when matched then update set ${updates.map((c) => `${quoteIdent(c)} = ${SRC}.${quoteIdent(c)}`).join(', ')}\n` : '') +
          `when not matched then insert (${cols.join(', ')}) values (${cols.map((c) => `${SRC}.${c}`).join(', ')})`,
      ];
    }
    case 'delete+insert': {
      if (!keys.length) return [insertFromBatch(target, batch, columns, partition)];
      // NULL keys match NULL keys (is not distinct from): re-loading a row whose key is NULL replaces it.
      const match = keys.map((k) => `${DEST}.${quoteIdent(k)} is not distinct from ${SRC}.${quoteIdent(k)}`).join(' and ');
      return [`delete from ${tgt}\nwhere exists (select 1 from ${src} where ${match})${preds.length ? ` and ${andAll(preds)}` : ''}`, insertFromBatch(target, batch, columns, partition)];
    }
    case 'insert_overwrite': {
      if (!partition) return [`delete from ${relationSql(target)}${preds.length ? ` as ${DEST} where ${andAll(preds)}` : ''}`, insertFromBatch(target, batch, columns, undefined)];
      return [
        `delete from ${tgt}\nwhere ${partitionExpr(partition, DEST)} in (select distinct ${partitionExpr(partition)} from ${quoteIdent(batch)})${preds.length ? ` and ${andAll(preds)}` : ''}`,
        insertFromBatch(target, batch, columns, partition),
      ];
    }
    case 'microbatch':
      throw new CompileError('BMP_STRATEGY_INVALID', 'microbatch batches are applied by the microbatch runner');
  }
}

export function batchTableName(rel: Relation): string {
  return `__bmp_batch_${rel.identifier}`;
}

export const incremental: Materialization = async (ctx) => {
  const config = ctx.compiled.config;
  const strategy = strategyOf(config);
  const full = !ctx.existing || ctx.existing.kind !== 'table' || (ctx.fullRefresh && config['full_refresh'] !== false) || config['full_refresh'] === true;
  if (full) {
    const stmts = planTable(ctx.relation, ctx.compiled.compiledSql, config, ctx.existing?.kind);
    const ctas = stmts.findIndex((s) => s.startsWith('create or replace table'));
    const rows = await runInTransaction(ctx, stmts, ctas);
    return { rowsAffected: rows, message: `OK created ${rows}` };
  }
  return applyBatch(ctx, strategy, ctx.compiled.compiledSql);
};

/** Creates the batch as a temp table, then schema change + strategy, all in one transaction. */
export async function applyBatch(ctx: MaterializationContext, strategy: IncrementalStrategy, batchSql: string): Promise<MaterializationResult> {
  const batch = batchTableName(ctx.relation);
  const config = ctx.compiled.config;
  let rows = 0;
  await ctx.conn.transaction(async () => {
    for (const h of ctx.preHooks) await ctx.conn.run(h);
    await ctx.conn.run(createTableAs({ database: '', schema: '', identifier: batch }, batchSql, { temp: true }));
    const sourceColumns = await ctx.columnsOf(`select * from ${quoteIdent(batch)}`);
    const targetColumns = ctx.existing!.columns;
    const input: IncrementalPlanInput = { target: ctx.relation, batch, config, sourceColumns, targetColumns };
    const schema = planSchemaChange(input, ctx.compiled.node.uniqueId);
    for (const s of schema.statements) await ctx.conn.run(s);
    const apply = planIncrementalApply(strategy, input, schema.columns);
    for (const s of apply) rows = await ctx.conn.run(s);
    await ctx.conn.run(dropRelation({ database: '', schema: 'temp', identifier: batch }, 'table').replace(`"temp".`, ''));
    for (const h of ctx.postHooks) await ctx.conn.run(h);
  });
  return { rowsAffected: rows, message: `${strategy === 'merge' ? 'MERGE' : 'INSERT'} ${rows}` };
}

export { clusteredSelect };
