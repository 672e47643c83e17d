/**
 * Groups for the overview of a big project. Drawing every node of a 5,000-node project stalls
 * a canvas renderer for seconds per frame, so past a threshold the overview shows groups instead:
 * one per folder (one per source), split by topological depth into groups of at most `maxSize`
 * nodes. Clicking a group on the page opens its members as a graph.
 *
 * Groups are placed here too, so the page runs no layout for them: one horizontal lane per folder
 * (lanes ordered by their first depth), one column per starting depth, parts of a split layer
 * stacked inside their lane.
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
  readonly folder: string;
  readonly size: number;
  /** Smallest topological depth of the members. */
  readonly depth: number;
  /** Centre of the group's box in the overview. */
  readonly x: number;
  readonly y: number;
}

const COLUMN_WIDTH = 300;
const ROW_HEIGHT = 66;
const LANE_GAP = 34;

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
  const drafts: Omit<OverviewGroup, 'x' | 'y'>[] = [];
  const groupOf: Record<string, number> = {};
  let folder = '';
  const emit = (label: string, members: readonly string[]) => {
    const index = drafts.length;
    drafts.push({ label, folder, size: members.length, depth: Math.min(...members.map((m) => depth[m] ?? 0)) });
    for (const m of members) groupOf[m] = index;
  };
  for (folder of [...byFolder.keys()].sort()) {
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
  return { groups: placeGroups(drafts), groupOf };
}

function placeGroups(drafts: readonly Omit<OverviewGroup, 'x' | 'y'>[]): OverviewGroup[] {
  const columns = [...new Set(drafts.map((g) => g.depth))].sort((a, b) => a - b);
  const column = new Map(columns.map((d, i) => [d, i]));
  const lanes = new Map<string, { first: number; stack: Map<number, number> }>();
  for (const g of drafts) {
    const lane = lanes.get(g.folder) ?? { first: g.depth, stack: new Map<number, number>() };
    lane.first = Math.min(lane.first, g.depth);
    lane.stack.set(g.depth, (lane.stack.get(g.depth) ?? 0) + 1);
    lanes.set(g.folder, lane);
  }
  const order = [...lanes.keys()].sort((a, b) => lanes.get(a)!.first - lanes.get(b)!.first || (a < b ? -1 : a > b ? 1 : 0));
  const laneTop = new Map<string, number>();
  let top = 0;
  for (const f of order) {
    laneTop.set(f, top);
    top += Math.max(...lanes.get(f)!.stack.values()) * ROW_HEIGHT + LANE_GAP;
  }
  const used = new Map<string, number>();
  return drafts.map((g) => {
    const key = `${g.folder}\u0000${g.depth}`;
    const row = used.get(key) ?? 0;
    used.set(key, row + 1);
    return { ...g, x: column.get(g.depth)! * COLUMN_WIDTH, y: laneTop.get(g.folder)! + row * ROW_HEIGHT };
  });
}

/** `source raw`, or the file's folder without the resource folder (`models/marts/x.sql` → `marts`). */
function folderOf(n: GroupInput): string {
  if (n.resourceType === 'source') return `source ${n.sourceName ?? n.path}`;
  const parts = n.path.split('/').slice(0, -1);
  if (parts.length > 1) parts.shift();
  return parts.length ? parts.join('/') : `${n.resourceType}s`;
}

function depthLabel(from: number, to: number): string {
  return from === to ? `depth ${from}` : `depths ${from}–${to}`;
}
