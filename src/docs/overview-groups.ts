/**
 * Groups for the overview of a big project. Drawing every node of a 5,000-node project stalls
 * a canvas renderer for seconds per frame, so past a threshold the overview shows groups instead:
 * one per folder (one per source), split by topological depth into groups of at most `maxSize`
 * nodes. Clicking a group on the page opens its members as a graph.
 */

export interface GroupInput {
  readonly uniqueId: string;
  readonly resourceType: string;
  /** File path relative to the project (`models/marts/x.sql`). */
  readonly path: string;
  readonly sourceName?: string;
}

export interface OverviewGroup {
  readonly label: string;
  readonly size: number;
  /** Smallest topological depth of the members. */
  readonly depth: number;
}

export interface OverviewGroups {
  readonly groups: readonly OverviewGroup[];
  /** Index into `groups` for each node. */
  readonly groupOf: Readonly<Record<string, number>>;
}

/**
 * @param depth topological depth of each node (see computeOverviewLayout)
 * @param order position of each node inside its depth, so that a split keeps neighbours together
 */
export function computeOverviewGroups(
  nodes: readonly GroupInput[],
  depth: Readonly<Record<string, number>>,
  order: (a: string, b: string) => number = () => 0,
  maxSize = 200,
): OverviewGroups {
  const byFolder = new Map<string, string[]>();
  for (const n of nodes) {
    const key = folderOf(n);
    const list = byFolder.get(key);
    if (list) list.push(n.uniqueId);
    else byFolder.set(key, [n.uniqueId]);
  }
  const groups: OverviewGroup[] = [];
  const groupOf: Record<string, number> = {};
  const emit = (label: string, members: readonly string[]) => {
    const index = groups.length;
    groups.push({ label, size: members.length, depth: Math.min(...members.map((m) => depth[m] ?? 0)) });
    for (const m of members) groupOf[m] = index;
  };
  for (const folder of [...byFolder.keys()].sort()) {
    const members = byFolder.get(folder)!;
    if (members.length <= maxSize) {
      emit(folder, members);
      continue;
    }
    const layers = new Map<number, string[]>();
    for (const m of members) {
      const d = depth[m] ?? 0;
      const list = layers.get(d);
      if (list) list.push(m);
      else layers.set(d, [m]);
    }
    let chunk: string[] = [];
    let from = -1;
    let to = -1;
    const flush = () => {
      if (chunk.length) emit(`${folder} · ${depthLabel(from, to)}`, chunk);
      chunk = [];
    };
    for (const d of [...layers.keys()].sort((a, b) => a - b)) {
      const layer = layers.get(d)!.sort(order);
      if (layer.length > maxSize) {
        flush();
        const parts = Math.ceil(layer.length / maxSize);
        const per = Math.ceil(layer.length / parts);
        for (let p = 0; p < parts; p++) emit(`${folder} · ${depthLabel(d, d)} (${p + 1}/${parts})`, layer.slice(p * per, (p + 1) * per));
        continue;
      }
      if (chunk.length + layer.length > maxSize) flush();
      if (!chunk.length) from = d;
      to = d;
      chunk.push(...layer);
    }
    flush();
  }
  return { groups, groupOf };
}

function folderOf(n: GroupInput): string {
  if (n.resourceType === 'source') return `source ${n.sourceName ?? n.path}`;
  const slash = n.path.lastIndexOf('/');
  return slash > 0 ? n.path.slice(0, slash) : n.resourceType;
}

function depthLabel(from: number, to: number): string {
  return from === to ? `depth ${from}` : `depth ${from}–${to}`;
}
