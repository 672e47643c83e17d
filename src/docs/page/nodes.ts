/**
 * The page's view of the payload and pure rules about nodes: names, colour keys, test health.
 * No DOM here (unit-tested in Node).
 */
import { isLineageType } from '../lineage.js';
import type { DocsData, DocsNode, DocsRunResult, PagePayload } from '../types.js';
import { MAT_COLORS, type Health } from './palette.js';

export type RunResults = Readonly<Record<string, DocsRunResult>>;

/** The payload, indexed. */
export interface Site {
  readonly data: DocsData;
  readonly overview: PagePayload['overview'];
  readonly run: RunResults;
  readonly nodes: readonly DocsNode[];
  readonly byId: ReadonlyMap<string, DocsNode>;
  /** The nodes the lineage graph draws. */
  readonly graphNodes: readonly DocsNode[];
  /** The overview shows generate-time groups (a project past FULL_OVERVIEW_LIMIT). */
  readonly grouped: boolean;
}

export function siteOf(payload: PagePayload): Site {
  const data = payload.data;
  const byId = new Map<string, DocsNode>();
  for (const n of data.nodes) byId.set(n.uniqueId, n);
  return {
    data,
    overview: payload.overview,
    run: data.runResults ?? {},
    nodes: data.nodes,
    byId,
    graphNodes: data.nodes.filter((n) => isLineageType(n.resourceType)),
    grouped: Array.isArray(payload.overview.groups),
  };
}

export function displayName(n: DocsNode): string {
  return n.resourceType === 'source' && n.sourceName ? n.sourceName + '.' + n.name : n.name;
}

/** Colour key of a node: its materialization for models, else its resource type. */
export function matKey(n: DocsNode): string {
  if (n.resourceType === 'model') return n.materialized !== undefined && MAT_COLORS[n.materialized] ? n.materialized : 'other';
  return MAT_COLORS[n.resourceType] ? n.resourceType : 'other';
}

/** Worst status of the tests attached to a node: fail > warn > pass; null when none ran. */
export function testStatus(n: DocsNode, run: RunResults): 'fail' | 'warn' | 'pass' | null {
  let worst: 'fail' | 'warn' | 'pass' | null = null;
  for (const t of n.testIds) {
    const r = run[t];
    if (!r) continue;
    const s = r.status === 'fail' || r.status === 'error' ? 'fail' : r.status === 'warn' ? 'warn' :
      r.status === 'pass' || r.status === 'success' ? 'pass' : null;
    if (s === 'fail' || (s === 'warn' && worst !== 'fail') || (s === 'pass' && !worst)) worst = s;
  }
  return worst;
}

/** What the ring around a graph node shows: the node's own failure first, then its tests. */
export function health(n: DocsNode, run: RunResults): Health | null {
  const own = run[n.uniqueId];
  if (own && (own.status === 'error' || own.status === 'fail')) return 'error';
  const t = testStatus(n, run);
  if (t) return t;
  if (own && own.status === 'skipped') return 'skipped';
  return null;
}

/** CSS class of a status pill. */
export function statusClass(status: string | null | undefined): 'ok' | 'warn' | 'bad' | 'muted' {
  if (status === 'pass' || status === 'success') return 'ok';
  if (status === 'warn') return 'warn';
  if (status === 'fail' || status === 'error') return 'bad';
  return 'muted';
}
