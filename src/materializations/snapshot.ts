/**
 * Snapshots: slowly changing dimensions, type 2, as dbt builds them. The snapshot table holds the
 * source's columns plus `dbt_scd_id`, `dbt_updated_at`, `dbt_valid_from`, `dbt_valid_to` (NULL for
 * the current version) and, with `hard_deletes: new_record`, `dbt_is_deleted` (a boolean; dbt
 * writes the strings 'True'/'False').
 *
 * - `strategy: timestamp` (`updated_at: col`): a row changed when its `updated_at` is later than
 *   the current version's `dbt_valid_from`; the old version closes at the new `updated_at`.
 * - `strategy: check` (`check_cols: [a, b]` or `all`): a row changed when any checked column is
 *   distinct (NULL-safe) from the current version; versions open and close at the run's time.
 * - `hard_deletes`: `ignore` (default), `invalidate` (close the current version of keys gone from
 *   the source; also `invalidate_hard_deletes: true`), `new_record` (close it and add a version with
 *   `dbt_is_deleted = true`; a key that comes back opens a new version).
 *
 * Each run is one transaction. New source columns are added to the snapshot table; as in dbt,
 * `--full-refresh` does not rebuild a snapshot (drop the table to start over).
 */
import { createTableAs, quoteIdent, relationSql, type CatalogColumn } from '../adapters/duckdb/index.js';
import { CompileError } from '../errors.js';
import type { NodeConfig, Relation } from '../manifest/types.js';
import { uniqueKeyOf } from './incremental.js';
import { indexesOf } from './table.js';
import type { Materialization } from './types.js';

export type SnapshotStrategy = 'timestamp' | 'check';
export type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

export interface SnapshotConfig {
  readonly uniqueKey: readonly string[];
  readonly strategy: SnapshotStrategy;
  readonly updatedAt?: string;
  readonly checkCols: readonly string[] | 'all';
  readonly hardDeletes: HardDeletes;
  /** The meta columns' names (dbt 1.9 `snapshot_meta_column_names`), by their default name. */
  readonly columns: Readonly<Record<(typeof SNAPSHOT_META)[number], string>>;
  /** dbt 1.9 `dbt_valid_to_current`: the SQL expression current versions carry instead of NULL. */
  readonly validToCurrent?: string;
}

export const SNAPSHOT_META = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_is_deleted'] as const;

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

/** `alias.valid_to is null` (or, with dbt_valid_to_current, equal to it): the current version. */
function isCurrent(cfg: SnapshotConfig, alias?: string): string {
  const col = `${alias ? `${alias}.` : ''}${quoteIdent(cfg.columns.dbt_valid_to)}`;
  return cfg.validToCurrent ? `(${col} is null or ${col} = (${cfg.validToCurrent}))` : `${col} is null`;
}

/** What a current version's valid_to holds: NULL, or dbt_valid_to_current. */
function currentValidTo(cfg: SnapshotConfig): string {
  return cfg.validToCurrent ? `(${cfg.validToCurrent})` : 'null';
}

const SRC_TABLE = '__bmp_snapshot_source';
const CHANGES = '__bmp_snapshot_changes';
const GONE = '__bmp_snapshot_gone';

function tsLiteral(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`internal: bad run time ${iso}`);
  return `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

function scdId(keys: readonly string[], ts: string, alias?: string): string {
  const a = alias ? `${alias}.` : '';
  return `md5(concat_ws('|', ${[...keys.map((k) => `${a}${quoteIdent(k)}`), ts].map((e) => `coalesce(cast(${e} as varchar), '')`).join(', ')}))`;
}

const match = (keys: readonly string[], l: string, r: string) => keys.map((k) => `${l}.${quoteIdent(k)} is not distinct from ${r}.${quoteIdent(k)}`).join(' and ');

/**
 * The first build: every source row opens a version.
 *
 * ### Example (timestamp strategy)
 * ```sql
 * create table "snapshots"."orders_snapshot" as (
 * select *, md5(concat_ws('|', coalesce(cast("id" as varchar), ''), coalesce(cast("updated_at" as varchar), ''))) as dbt_scd_id,
 *   "updated_at" as dbt_updated_at, "updated_at" as dbt_valid_from, nullif("updated_at", "updated_at") as dbt_valid_to
 * from (<snapshot sql>) as __bmp_src
 * )
 * ```
 */
export function snapshotCreateSql(rel: Relation, sql: string, cfg: SnapshotConfig, now: string): string {
  const upd = cfg.strategy === 'timestamp' ? quoteIdent(cfg.updatedAt!) : tsLiteral(now);
  const c = cfg.columns;
  const deleted = cfg.hardDeletes === 'new_record' ? `, false as ${quoteIdent(c.dbt_is_deleted)}` : '';
  // the first versions are current: valid_to NULL (typed as updated_at), or dbt_valid_to_current
  const validTo = cfg.validToCurrent ? `coalesce(nullif(${upd}, ${upd}), (${cfg.validToCurrent}))` : `nullif(${upd}, ${upd})`;
  return createTableAs(
    rel,
    `select *, ${scdId(cfg.uniqueKey, upd)} as ${quoteIdent(c.dbt_scd_id)},\n  ${upd} as ${quoteIdent(c.dbt_updated_at)}, ${upd} as ${quoteIdent(c.dbt_valid_from)}, ${validTo} as ${quoteIdent(c.dbt_valid_to)}${deleted}\nfrom (\n${sql}\n) as __bmp_src`,
    { replace: false },
  );
}

/**
 * A later run, as statements over the staged source (`__bmp_snapshot_source`, with
 * `__bmp_updated_at`): find new and changed keys, close their current versions, insert the new
 * ones, then handle hard deletes.
 */
export function snapshotMergeSql(rel: Relation, cfg: SnapshotConfig, sourceColumns: readonly string[], now: string, hasDeletedColumn: boolean): string[] {
  const t = relationSql(rel);
  const keys = cfg.uniqueKey;
  const nowLit = tsLiteral(now);
  const m = Object.fromEntries(SNAPSHOT_META.map((k) => [k, quoteIdent(cfg.columns[k])])) as Record<(typeof SNAPSHOT_META)[number], string>;
  const checkCols = cfg.checkCols === 'all' ? sourceColumns : cfg.checkCols;
  const changed =
    cfg.strategy === 'timestamp'
      ? `d.${m.dbt_valid_from} < s.__bmp_updated_at`
      : `not (${checkCols.map((c) => `d.${quoteIdent(c)} is not distinct from s.${quoteIdent(c)}`).join(' and ') || 'true'})`;
  const wasDeleted = hasDeletedColumn ? ` or coalesce(d.${m.dbt_is_deleted}, false)` : '';
  const cols = sourceColumns.map(quoteIdent);
  const meta = `${m.dbt_scd_id}, ${m.dbt_updated_at}, ${m.dbt_valid_from}, ${m.dbt_valid_to}`;
  const out = [
    `create or replace temp table ${CHANGES} as\nselect s.* from ${SRC_TABLE} as s\nleft join (select * from ${t} as d where ${isCurrent(cfg, 'd')}) as d on ${match(keys, 'd', 's')}\nwhere d.${m.dbt_scd_id} is null or ${changed}${wasDeleted}`,
    `update ${t} as d set ${m.dbt_valid_to} = c.__bmp_updated_at\nfrom ${CHANGES} as c\nwhere ${match(keys, 'd', 'c')} and ${isCurrent(cfg, 'd')}`,
    `insert into ${t} (${cols.join(', ')}, ${meta}${hasDeletedColumn ? `, ${m.dbt_is_deleted}` : ''})\nselect ${cols.map((c) => `c.${c}`).join(', ')}, ${scdId(keys, 'c.__bmp_updated_at', 'c')}, c.__bmp_updated_at, c.__bmp_updated_at, ${currentValidTo(cfg)}${hasDeletedColumn ? ', false' : ''}\nfrom ${CHANGES} as c`,
  ];
  if (cfg.hardDeletes !== 'ignore') {
    const notDeleted = hasDeletedColumn ? ` and not coalesce(d.${m.dbt_is_deleted}, false)` : '';
    out.push(
      `create or replace temp table ${GONE} as\nselect d.* from ${t} as d\nwhere ${isCurrent(cfg, 'd')}${notDeleted} and not exists (select 1 from ${SRC_TABLE} as s where ${match(keys, 'd', 's')})`,
      `update ${t} as d set ${m.dbt_valid_to} = ${nowLit}\nwhere d.${m.dbt_scd_id} in (select ${m.dbt_scd_id} from ${GONE}) and ${isCurrent(cfg, 'd')}`,
    );
    if (cfg.hardDeletes === 'new_record') {
      out.push(
        `insert into ${t} (${cols.join(', ')}, ${meta}, ${m.dbt_is_deleted})\nselect ${cols.map((c) => `g.${c}`).join(', ')}, ${scdId(keys, nowLit, 'g')}, ${nowLit}, ${nowLit}, ${currentValidTo(cfg)}, true\nfrom ${GONE} as g`,
      );
    }
    out.push(`drop table if exists temp.main.${GONE}`);
  }
  out.push(`drop table if exists temp.main.${CHANGES}`, `drop table if exists temp.main.${SRC_TABLE}`);
  return out;
}

export const snapshot: Materialization = async (ctx) => {
  const config = ctx.compiled.config;
  const nodeId = ctx.compiled.node.uniqueId;
  const cfg = snapshotConfigOf(config, nodeId);
  const now = ctx.runStartedAt ?? new Date().toISOString();
  const sql = ctx.compiled.compiledSql;
  const t = relationSql(ctx.relation);
  if (!ctx.existing || ctx.existing.kind !== 'table') {
    let rows = 0;
    await ctx.adapter.atomically(ctx, async () => {
      await checkUniqueSource(ctx.conn, `(${sql})`, cfg, nodeId);
      rows = await ctx.conn.run(snapshotCreateSql(ctx.relation, sql, cfg, now));
      await ctx.adapter.run(ctx.adapter.createIndexes(ctx.relation, indexesOf(config)));
    });
    return { rowsAffected: rows, message: `OK snapshotted ${rows}`, kind: 'table' };
  }
  let inserted = 0;
  await ctx.adapter.atomically(ctx, async () => {
    const upd = cfg.strategy === 'timestamp' ? quoteIdent(cfg.updatedAt!) : tsLiteral(now);
    await ctx.conn.run(createTableAs({ database: '', schema: '', identifier: SRC_TABLE }, `select *, ${upd} as __bmp_updated_at from (\n${sql}\n) as __bmp_src`, { temp: true }));
    const srcCols = (await ctx.columnsOf(quoteIdent(SRC_TABLE))).filter((c) => c.name !== '__bmp_updated_at');
    await checkUniqueSource(ctx.conn, quoteIdent(SRC_TABLE), cfg, nodeId);
    const targetCols = await ctx.columnsOf(t);
    const have = new Set(targetCols.map((c) => c.name.toLowerCase()));
    for (const c of srcCols) if (!have.has(c.name.toLowerCase())) await ctx.conn.run(`alter table ${t} add column ${quoteIdent(c.name)} ${c.type}`);
    const hasDeleted = have.has(cfg.columns.dbt_is_deleted.toLowerCase());
    if (cfg.hardDeletes === 'new_record' && !hasDeleted) await ctx.conn.run(`alter table ${t} add column ${quoteIdent(cfg.columns.dbt_is_deleted)} boolean default false`);
    const stmts = snapshotMergeSql(ctx.relation, cfg, userColumns(srcCols, cfg), now, hasDeleted || cfg.hardDeletes === 'new_record');
    for (const s of stmts) {
      const n = await ctx.conn.run(s);
      if (s.startsWith('insert')) inserted += n;
    }
    await ctx.adapter.run(ctx.adapter.createIndexes(ctx.relation, indexesOf(config), { ifNotExists: true }));
  });
  return { rowsAffected: inserted, message: `OK snapshotted ${inserted} new versions`, kind: 'table' };
};

function userColumns(cols: readonly CatalogColumn[], cfg: SnapshotConfig): string[] {
  const meta = new Set<string>([...SNAPSHOT_META, ...Object.values(cfg.columns).map((c) => c.toLowerCase())]);
  return cols.map((c) => c.name).filter((n) => !meta.has(n.toLowerCase()));
}

/** @throws CompileError BMP_SNAPSHOT_DUPLICATE_KEY when the source has two rows for one unique_key */
async function checkUniqueSource(conn: import('../adapters/duckdb/index.js').Connection, from: string, cfg: SnapshotConfig, nodeId: string): Promise<void> {
  const keys = cfg.uniqueKey.map(quoteIdent).join(', ');
  const rows = await conn.rows<{ n: number }>(`select count(*) as n from (select 1 from ${from} as __bmp_src group by ${keys} having count(*) > 1)`);
  const n = Number(rows[0]?.n ?? 0);
  if (n) throw new CompileError('BMP_SNAPSHOT_DUPLICATE_KEY', `the snapshot's source has ${n} unique_key value${n === 1 ? '' : 's'} (${cfg.uniqueKey.join(', ')}) on more than one row`, { nodeId }, 'a snapshot needs one source row per key');
}
