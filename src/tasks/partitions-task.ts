/**
 * `bmp partitions`: the partitions of the selected partitioned models (native tables and external
 * models) with their row counts, from the metadata bmp keeps in `_bmp.partitions`, or counted from
 * the relation itself with `live` (also the fallback when a model has no metadata yet). Read-only.
 */
import { openSession } from '../execute/index.js';
import { finishPendingFiles, partitionOf } from '../materializations/index.js';
import { nullSink } from '../report/index.js';
import { readPartitions, relationKeyOf, STATE_SCHEMA } from '../state/index.js';
import { invocationFor, loadProject, selectFor, type CommonOptions } from './project.js';

export interface PartitionInfo {
  /** `2024-05` for a month. */
  readonly key: string | null;
  readonly start: string | null;
  readonly rows: number;
  readonly updatedAt: string | null;
}

export interface PartitionListing {
  readonly uniqueId: string;
  readonly name: string;
  readonly relation: string;
  readonly kind: 'table' | 'external';
  readonly field: string;
  readonly granularity: string;
  /** Where the counts come from. */
  readonly source: 'metadata' | 'live' | 'missing';
  readonly partitions: readonly PartitionInfo[];
}

type Options = CommonOptions & { readonly live?: boolean };

/**
 * Lists partitions and row counts of the selected models that have `partition_by` (all of them
 * when the selection is empty).
 * @throws BmpError exit-2 conditions of loading the project (config, parse, selection)
 */
export async function listPartitions(opts: Options = {}): Promise<PartitionListing[]> {
  const invocation = invocationFor('partitions', opts);
  const project = await loadProject({ ...opts, invocation });
  const ids = selectFor(project, { ...opts, indirectSelection: 'empty' }, ['model', 'snapshot']);
  const nodes = ids.flatMap((id) => {
    const n = project.manifest.nodes.get(id);
    const p = n && 'relation' in n && n.relation ? partitionOf(n.config) : undefined;
    return n && p && 'relation' in n && n.relation ? [{ n, relation: n.relation, p }] : [];
  });
  const session = await openSession(project, invocation, 'read', { emit: opts.emit ?? nullSink, threads: 1 });
  try {
    const conn = session.conns[0];
    const meta = conn ? await readPartitions(conn, nodes.map((x) => relationKeyOf(x.relation)), STATE_SCHEMA) : [];
    const out: PartitionListing[] = [];
    for (const { n, relation, p } of nodes) {
      const { field, granularity } = p;
      const key = relationKeyOf(relation);
      const kind = n.config.materialized === 'external' ? 'external' : 'table';
      const base = { uniqueId: n.uniqueId, name: n.name, relation: `${relation.schema}.${relation.identifier}`, kind, field, granularity } as const;
      const rows = meta.filter((m) => m.relation === key);
      const exists = !!session.catalog.get(relation.schema, relation.identifier);
      // a run killed between moving an external model's files and committing their counts: the
      // metadata is stale until the next writable open; count the (now whole) files instead
      const stale = kind === 'external' && finishPendingFiles({ uniqueId: n.uniqueId, relation, config: n.config }, project.cfg.project.projectDir, project.cfg.target.externalRoot);
      if (conn && exists && (opts.live || !rows.length || stale)) {
        out.push({ ...base, source: 'live', partitions: (await conn.adapter.countPartitions(relation, p)).map((c) => ({ key: c.key, start: c.start, rows: c.count, updatedAt: null })) });
      } else {
        out.push({ ...base, source: rows.length ? 'metadata' : 'missing', partitions: rows.map((r) => ({ key: r.partitionKey, start: r.partitionStart, rows: r.rowCount, updatedAt: r.updatedAt })) });
      }
    }
    return out;
  } finally {
    await session.close();
  }
}
