/**
 * Slim CI: what changed since a previous run whose artifacts are in `--state DIR` (its manifest.json
 * and run_results.json), as dbt's `state:` and `result:` selectors see it, and the relations
 * `--defer` reads for nodes this run does not build. The comparison reuses the watch mode's change
 * detection (watch/change-set.ts: stable JSON, macro edits and the macros that call them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { StateLookup } from '../graph/index.js';
import type { Manifest, ManifestNode, Relation } from '../manifest/types.js';
import { dbtNodes, macroTextByFile, type ManifestJsonOptions } from '../report/index.js';
import { changedMacroNames, closeOverCallers, stableJson } from '../manifest/change.js';

type Json = Record<string, any>;

/** The `state:` sub-selectors dbt has, each a reason a node counts as modified. */
export const MODIFIED_KINDS = ['body', 'configs', 'relation', 'persisted_descriptions', 'macros', 'contract'] as const;
export type ModifiedKind = (typeof MODIFIED_KINDS)[number];

export interface ProjectState {
  /** The folder the state was read from. */
  readonly dir: string;
  readonly lookup: StateLookup;
  /** Where each node and source of the state lives (what --defer reads). */
  readonly relations: ReadonlyMap<string, Relation>;
  /** The state's run_results.json, when there is one. */
  readonly results: ReadonlyMap<string, string>;
}

/**
 * Reads `dir/manifest.json` (and `dir/run_results.json` when present) and compares the project with it.
 * @throws UsageError BMP_STATE_MISSING when the folder holds no manifest.json, BMP_STATE_INVALID when it is not one
 */
export function loadState(dir: string, manifest: Manifest, manifestOpts: ManifestJsonOptions): ProjectState {
  const abs = resolve(dir);
  const path = join(abs, 'manifest.json');
  if (!existsSync(path)) throw new UsageError('BMP_STATE_MISSING', `--state ${dir}: no manifest.json there`, {}, 'point --state at the target folder of the run to compare with (a copy of its manifest.json)');
  let old: Json;
  try {
    old = JSON.parse(readFileSync(path, 'utf8')) as Json;
  } catch (err) {
    throw new UsageError('BMP_STATE_INVALID', `--state ${dir}: manifest.json is not JSON (${(err as Error).message})`);
  }
  if (!old || typeof old !== 'object' || !old['nodes']) throw new UsageError('BMP_STATE_INVALID', `--state ${dir}: manifest.json has no nodes`);
  const results = readResults(join(abs, 'run_results.json'));
  const { modified, news, olds } = compare(manifest, manifestOpts, old);
  const all = new Set<string>([...manifest.nodes.keys(), ...manifest.sources.keys()]);
  const anyModified = new Set<string>(news);
  for (const ids of modified.values()) for (const id of ids) anyModified.add(id);
  const unmodified = new Set([...all].filter((id) => olds.has(id) && !anyModified.has(id)));
  const byValue = new Map<string, ReadonlySet<string>>([
    ['new', news],
    ['old', olds],
    ['modified', anyModified],
    ['unmodified', unmodified],
    ...MODIFIED_KINDS.map((k) => [`modified.${k}`, modified.get(k)!] as const),
  ]);
  const byResult = new Map<string, Set<string>>();
  for (const [id, status] of results) {
    const set = byResult.get(status) ?? new Set<string>();
    set.add(id);
    byResult.set(status, set);
  }
  const relations = new Map<string, Relation>();
  for (const section of ['nodes', 'sources'] as const) {
    for (const [id, n] of Object.entries((old[section] ?? {}) as Json)) {
      if (typeof n?.['schema'] === 'string' && typeof (n['alias'] ?? n['identifier']) === 'string' && n['relation_name']) {
        relations.set(id, { database: String(n['database'] ?? ''), schema: n['schema'], identifier: String(n['alias'] ?? n['identifier']) });
      }
    }
  }
  return {
    dir: abs,
    lookup: { state: (v) => byValue.get(v) ?? new Set(), result: (v) => byResult.get(v) ?? new Set() },
    relations,
    results,
  };
}

function readResults(path: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { results?: { unique_id?: string; status?: string }[] };
    for (const r of data.results ?? []) if (r.unique_id && r.status) out.set(r.unique_id, r.status);
  } catch {
    // an unreadable run_results.json selects nothing with result:
  }
  return out;
}

/** The configured relation (what dbt compares for modified.relation: database, schema and alias as configured). */
const configuredRelation = (n: Json) => stableJson([n['config']?.['database'] ?? null, n['config']?.['schema'] ?? null, n['config']?.['alias'] ?? null, n['resource_type'] === 'source' ? [n['schema'], n['identifier']] : null]);
/** A config without what moves with the relation (compared on its own). */
const configOf = (n: Json) => {
  const { database: _d, schema: _s, alias: _a, ...rest } = (n['config'] ?? {}) as Json;
  return stableJson(rest);
};
const persists = (n: Json) => !!(n['config']?.['persist_docs']?.['relation'] || n['config']?.['persist_docs']?.['columns']);
const descriptions = (n: Json) => stableJson([n['description'] ?? '', Object.values((n['columns'] ?? {}) as Json).map((c: Json) => [c['name'], c['description'] ?? ''])]);
const contract = (n: Json) => (n['config']?.['contract']?.['enforced'] ? stableJson(Object.values((n['columns'] ?? {}) as Json).map((c: Json) => [c['name'], c['data_type'] ?? null])) : '');
const checksum = (n: Json) => (typeof n['checksum'] === 'object' ? n['checksum']?.['checksum'] : n['checksum']);

/** name -> the texts of the macros of that name, in unique_id order (one text when one package defines it). */
function blocksByName(macros: readonly (readonly [string, string, string])[]): Map<string, string> {
  const sorted = [...macros].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out = new Map<string, string>();
  for (const [, name, sql] of sorted) out.set(name, out.has(name) ? `${out.get(name)}\u0000${sql}` : sql);
  return out;
}

function compare(manifest: Manifest, manifestOpts: ManifestJsonOptions, old: Json): { modified: Map<ModifiedKind, Set<string>>; news: Set<string>; olds: Set<string> } {
  const current: ManifestNode[] = [...manifest.nodes.values(), ...manifest.sources.values()];
  const now = dbtNodes(manifest, current, manifestOpts);
  const oldNodes: Json = { ...(old['nodes'] ?? {}), ...(old['sources'] ?? {}), ...(old['unit_tests'] ?? {}) };
  const modified = new Map<ModifiedKind, Set<string>>(MODIFIED_KINDS.map((k) => [k, new Set<string>()]));
  const news = new Set<string>();
  const olds = new Set<string>();
  // macros: edited ones, and every macro that calls an edited one. Both sides are manifest.json's
  // macros (dbt's global ones included, which a node calling dbt.current_timestamp() or a built-in
  // test depends on), by name; same-named macros of several packages are compared together.
  const oldBlocks = blocksByName(Object.values((old['macros'] ?? {}) as Json).filter((m: Json) => typeof m?.['name'] === 'string').map((m: Json) => [String(m['unique_id'] ?? ''), m['name'], String(m['macro_sql'] ?? '')]));
  const text = macroTextByFile(manifest);
  const newBlocks = blocksByName([...manifest.macros.values()].map((m) => [m.uniqueId, m.name, text.get(`${m.originalFilePath}\u0000${m.name}`) ?? '']));
  const changedMacros = changedMacroNames(oldBlocks, newBlocks);
  // an adapter.dispatch implementation (`default__x`, `duckdb__x`, a root override of a package's)
  // changes what `x` does: its dispatcher counts as changed too, as dbt resolves dispatch calls
  for (const name of [...changedMacros]) {
    const m = /^[a-z0-9]+__(\w+)$/i.exec(name);
    if (m) changedMacros.add(m[1]!);
  }
  closeOverCallers(changedMacros, newBlocks);
  current.forEach((node, i) => {
    const n = now[i] as Json;
    const o = oldNodes[node.uniqueId] as Json | undefined;
    if (!o) {
      news.add(node.uniqueId);
      return;
    }
    olds.add(node.uniqueId);
    const mark = (k: ModifiedKind) => modified.get(k)!.add(node.uniqueId);
    if (checksum(n) !== checksum(o)) mark('body');
    if (configOf(n) !== configOf(o)) mark('configs');
    if (configuredRelation(n) !== configuredRelation(o)) mark('relation');
    if ((persists(n) || persists(o)) && descriptions(n) !== descriptions(o)) mark('persisted_descriptions');
    if (contract(n) !== contract(o)) mark('contract');
    const macros = ((n['depends_on']?.['macros'] ?? []) as string[]).map((id) => id.slice(id.lastIndexOf('.') + 1));
    if (macros.some((m) => changedMacros.has(m))) mark('macros');
  });
  return { modified, news, olds };
}
