/**
 * DuckDB SQL for snapshots (slowly changing dimensions, type 2, as dbt builds them; what the
 * configuration means is in materializations/snapshot.ts). Pure: the first build is one CTAS, a
 * later run a list of statements over the staged source.
 */
import type { Relation } from '../../manifest/types.js';
import { SNAPSHOT_META, type SnapshotConfig } from '../engine.js';
import { createTableAs, quoteIdent, relationSql } from './sql.js';

/** `alias.valid_to is null` (or, with dbt_valid_to_current, equal to it): the current version. */
function isCurrent(cfg: SnapshotConfig, alias?: string): string {
  const col = `${alias ? `${alias}.` : ''}${quoteIdent(cfg.columns.dbt_valid_to)}`;
  return cfg.validToCurrent ? `(${col} is null or ${col} = (${cfg.validToCurrent}))` : `${col} is null`;
}

/** What a current version's valid_to holds: NULL, or dbt_valid_to_current. */
function currentValidTo(cfg: SnapshotConfig): string {
  return cfg.validToCurrent ? `(${cfg.validToCurrent})` : 'null';
}

/** The staged source of a later run (the model's rows plus `__bmp_updated_at`). */
export const SNAPSHOT_SOURCE = '__bmp_snapshot_source';
const SRC_TABLE = SNAPSHOT_SOURCE;
const CHANGES = '__bmp_snapshot_changes';
const GONE = '__bmp_snapshot_gone';

/** `TIMESTAMP '2024-05-01 12:00:00.000'` for an ISO time bmp computed (the run's start), on the machine's clock. */
export function tsLiteral(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`internal: bad run time ${iso}`);
  // the local wall clock, as dbt-duckdb's snapshot time (now()::timestamp in DuckDB's time zone,
  // the machine's): a snapshot dbt began keeps one clock when bmp continues it
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `TIMESTAMP '${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}'`;
}

function scdId(keys: readonly string[], ts: string, alias?: string): string {
  const a = alias ? `${alias}.` : '';
  return `md5(concat_ws('|', ${[...keys.map((k) => `${a}${quoteIdent(k)}`), ts].map((e) => `coalesce(cast(${e} as varchar), '')`).join(', ')}))`;
}

const match = (keys: readonly string[], l: string, r: string) => keys.map((k) => `${l}.${quoteIdent(k)} is not distinct from ${r}.${quoteIdent(k)}`).join(' and ');

/**
 * When a version starts: the `updated_at` column (timestamp strategy; the check strategy too when
 * it names one, as dbt does), else the run's time.
 */
function versionTime(cfg: SnapshotConfig, now: string): string {
  return cfg.updatedAt ? quoteIdent(cfg.updatedAt) : tsLiteral(now);
}

/** The staged source of a later run: the model's rows and the time each version starts (`__bmp_updated_at`). */
export function snapshotSourceSelect(sql: string, cfg: SnapshotConfig, now: string): string {
  const upd = versionTime(cfg, now);
  return `select *, ${upd} as __bmp_updated_at from (\n${sql}\n) as __bmp_src`;
}

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
  const upd = versionTime(cfg, now);
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
  return snapshotMerge(rel, cfg, sourceColumns, now, hasDeletedColumn).statements;
}

/** {@link snapshotMergeSql}, with which statements insert versions (their counts are the run's rows). */
export function snapshotMerge(rel: Relation, cfg: SnapshotConfig, sourceColumns: readonly string[], now: string, hasDeletedColumn: boolean): { statements: string[]; inserts: number[] } {
  const t = relationSql(rel);
  const keys = cfg.uniqueKey;
  const nowLit = tsLiteral(now);
  const m = Object.fromEntries(SNAPSHOT_META.map((k) => [k, quoteIdent(cfg.columns[k])])) as Record<(typeof SNAPSHOT_META)[number], string>;
  const checkCols = cfg.checkCols === 'all' ? sourceColumns : cfg.checkCols;
  const changed =
    cfg.strategy === 'timestamp'
      ? `d.${m.dbt_valid_from} < s.__bmp_updated_at`
      : cfg.columnAdded
        ? 'true'
        : `not (${checkCols.map((c) => `d.${quoteIdent(c)} is not distinct from s.${quoteIdent(c)}`).join(' and ') || 'true'})`;
  const wasDeleted = hasDeletedColumn ? ` or coalesce(d.${m.dbt_is_deleted}, false)` : '';
  const cols = sourceColumns.map(quoteIdent);
  const meta = `${m.dbt_scd_id}, ${m.dbt_updated_at}, ${m.dbt_valid_from}, ${m.dbt_valid_to}`;
  const inserts = [2];
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
      inserts.push(out.length);
      out.push(
        `insert into ${t} (${cols.join(', ')}, ${meta}, ${m.dbt_is_deleted})\nselect ${cols.map((c) => `g.${c}`).join(', ')}, ${scdId(keys, nowLit, 'g')}, ${nowLit}, ${nowLit}, ${currentValidTo(cfg)}, true\nfrom ${GONE} as g`,
      );
    }
    out.push(`drop table if exists temp.main.${GONE}`);
  }
  out.push(`drop table if exists temp.main.${CHANGES}`, `drop table if exists temp.main.${SRC_TABLE}`);
  return { statements: out, inserts };
}
