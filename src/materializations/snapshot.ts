/**
 * Snapshots: slowly changing dimensions, type 2, as dbt builds them. The snapshot table holds the
 * source's columns plus `dbt_scd_id`, `dbt_updated_at`, `dbt_valid_from`, `dbt_valid_to` (NULL for
 * the current version) and, with `hard_deletes: new_record`, `dbt_is_deleted` (a boolean; dbt
 * writes the strings 'True'/'False').
 *
 * - `strategy: timestamp` (`updated_at: col`): a row changed when its `updated_at` is later than
 *   the current version's `dbt_valid_from`; the old version closes at the new `updated_at`.
 * - `strategy: check` (`check_cols: [a, b]` or `all`): a row changed when any checked column is
 *   distinct (NULL-safe) from the current version; versions open and close at the run's time, or
 *   at the `updated_at` column when the config names one (as dbt's check strategy does).
 * - `hard_deletes`: `ignore` (default), `invalidate` (close the current version of keys gone from
 *   the source; also `invalidate_hard_deletes: true`), `new_record` (close it and add a version with
 *   `dbt_is_deleted = true`; a key that comes back opens a new version).
 *
 * Each run is one transaction. New source columns are added to the snapshot table (with the check
 * strategy, a new checked column makes every row a new version, as dbt does); as in dbt,
 * `--full-refresh` does not rebuild a snapshot (drop the table to start over).
 */
import { snapshotCreateSql, snapshotMergeSql, SNAPSHOT_SOURCE, type CatalogColumn } from '../adapters/duckdb/index.js';
import { SNAPSHOT_META, type DescribeSource, type EngineAdapter, type HardDeletes, type SnapshotConfig, type SnapshotStrategy } from '../adapters/index.js';
import { CompileError } from '../errors.js';
import type { NodeConfig } from '../manifest/types.js';
import { uniqueKeyOf } from './incremental.js';
import { indexesOf } from './table.js';
import type { Materialization } from './types.js';

export { SNAPSHOT_META, type HardDeletes, type SnapshotConfig, type SnapshotStrategy };
export { snapshotCreateSql, snapshotMergeSql };

/** @throws CompileError BMP_SNAPSHOT_CONFIG when unique_key, strategy, updated_at or check_cols is missing */
export function snapshotConfigOf(config: NodeConfig, nodeId?: string): SnapshotConfig {
  const fail = (msg: string): never => {
    throw new CompileError('BMP_SNAPSHOT_CONFIG', msg, { nodeId }, "e.g. config(unique_key='id', strategy='timestamp', updated_at='updated_at')");
  };
  const uniqueKey = uniqueKeyOf(config);
  if (!uniqueKey.length) fail('a snapshot needs unique_key');
  const strategy = String(config['strategy'] ?? '') as SnapshotStrategy;
  if (strategy !== 'timestamp' && strategy !== 'check') fail(`a snapshot needs strategy: timestamp or check${config['strategy'] ? `, got '${String(config['strategy'])}'` : ''}`);
  const updatedAt = config.updated_at;
  if (strategy === 'timestamp' && !updatedAt) fail('strategy timestamp needs updated_at');
  const raw = config['check_cols'];
  let checkCols: readonly string[] | 'all' = 'all';
  if (strategy === 'check') {
    if (raw === undefined || raw === null) fail("strategy check needs check_cols (a list of columns, or 'all')");
    checkCols = raw === 'all' ? 'all' : (Array.isArray(raw) ? raw : [raw]).map(String);
  }
  const hd = String(config['hard_deletes'] ?? (config['invalidate_hard_deletes'] === true ? 'invalidate' : 'ignore')) as HardDeletes;
  if (!['ignore', 'invalidate', 'new_record'].includes(hd)) fail(`hard_deletes must be ignore, invalidate or new_record, got '${hd}'`);
  const names = config['snapshot_meta_column_names'];
  if (names !== undefined && names !== null && (typeof names !== 'object' || Array.isArray(names))) fail('snapshot_meta_column_names must be a mapping like {dbt_valid_from: valid_from}');
  const columns = Object.fromEntries(SNAPSHOT_META.map((m) => [m, String((names as Record<string, unknown> | undefined)?.[m] ?? m)])) as SnapshotConfig['columns'];
  for (const key of Object.keys((names as object | undefined) ?? {})) {
    if (!(SNAPSHOT_META as readonly string[]).includes(key)) fail(`snapshot_meta_column_names takes ${SNAPSHOT_META.join(', ')}; got '${key}'`);
  }
  const current = config['dbt_valid_to_current'];
  return { uniqueKey, strategy, updatedAt, checkCols, hardDeletes: hd, columns, ...(current !== undefined && current !== null ? { validToCurrent: String(current) } : {}) };
}

export const snapshot: Materialization = async (ctx) => {
  const config = ctx.compiled.config;
  const nodeId = ctx.compiled.node.uniqueId;
  const cfg = snapshotConfigOf(config, nodeId);
  const now = ctx.runStartedAt ?? new Date().toISOString();
  const sql = ctx.compiled.compiledSql;
  const { adapter } = ctx;
  if (!ctx.existing || ctx.existing.kind !== 'table') {
    const rows = await adapter.atomically(ctx, async () => {
      await checkUniqueSource(ctx.adapter, { query: sql }, cfg, nodeId);
      const created = await adapter.run(adapter.createSnapshot(ctx.relation, sql, cfg, now));
      await adapter.run(adapter.createIndexes(ctx.relation, indexesOf(config)));
      return created();
    });
    return { rowsAffected: rows, message: `OK snapshotted ${rows}`, kind: 'table' };
  }
  const inserted = await adapter.atomically(ctx, async () => {
    await adapter.run(adapter.stageSnapshotSource(SNAPSHOT_SOURCE, sql, cfg, now));
    const srcCols = (await ctx.adapter.describe({ temp: SNAPSHOT_SOURCE })).filter((c) => c.name !== '__bmp_updated_at');
    await checkUniqueSource(ctx.adapter, { temp: SNAPSHOT_SOURCE }, cfg, nodeId);
    const targetCols = await ctx.adapter.describe(ctx.relation);
    const have = new Set(targetCols.map((c) => c.name.toLowerCase()));
    const hasDeleted = have.has(cfg.columns.dbt_is_deleted.toLowerCase());
    await adapter.run(adapter.addColumns(ctx.relation, [
      ...srcCols.filter((c) => !have.has(c.name.toLowerCase())),
      ...(cfg.hardDeletes === 'new_record' && !hasDeleted ? [{ name: cfg.columns.dbt_is_deleted, type: 'boolean default false' }] : []),
    ]));
    // dbt's check strategy: a checked column new in the source makes every row a change
    const added = userColumns(srcCols, cfg).filter((c) => !have.has(c.toLowerCase()));
    const checked = (c: string) => cfg.checkCols === 'all' || cfg.checkCols.some((k) => k.toLowerCase() === c.toLowerCase());
    const runCfg = cfg.strategy === 'check' && added.some(checked) ? { ...cfg, columnAdded: true } : cfg;
    const rows = await adapter.run(adapter.mergeSnapshot(ctx.relation, runCfg, userColumns(srcCols, cfg), now, hasDeleted || cfg.hardDeletes === 'new_record'));
    await adapter.run(adapter.createIndexes(ctx.relation, indexesOf(config), { ifNotExists: true }));
    return rows();
  });
  return { rowsAffected: inserted, message: `OK snapshotted ${inserted} new versions`, kind: 'table' };
};

function userColumns(cols: readonly CatalogColumn[], cfg: SnapshotConfig): string[] {
  const meta = new Set<string>([...SNAPSHOT_META, ...Object.values(cfg.columns).map((c) => c.toLowerCase())]);
  return cols.map((c) => c.name).filter((n) => !meta.has(n.toLowerCase()));
}

/** @throws CompileError BMP_SNAPSHOT_DUPLICATE_KEY when the source has two rows for one unique_key */
async function checkUniqueSource(adapter: EngineAdapter, source: DescribeSource, cfg: SnapshotConfig, nodeId: string): Promise<void> {
  const n = await adapter.countDuplicateKeys(source, cfg.uniqueKey);
  if (n) throw new CompileError('BMP_SNAPSHOT_DUPLICATE_KEY', `the snapshot's source has ${n} unique_key value${n === 1 ? '' : 's'} (${cfg.uniqueKey.join(', ')}) on more than one row`, { nodeId }, 'a snapshot needs one source row per key');
}
