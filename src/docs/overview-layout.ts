/**
 * A layered left-to-right layout of the whole lineage graph, computed in Node when the site is
 * generated, so the page can show a 5,000-node overview without running a layout in the browser.
 *
 * Each node's layer is its longest path from a root; nodes in a layer are ordered by the barycenter
 * of their neighbours (a few sweeps, as in Sugiyama's method) and tall layers are wrapped into
 * several columns to keep the picture roughly landscape.
 */

export interface LayoutInput {
  readonly uniqueId: string;
  readonly name: string;
  readonly parents: readonly string[];
}

export interface OverviewLayout {
  /** Top-left based coordinates of each node's centre, rounded to whole pixels. */
  readonly positions: Readonly<Record<string, readonly [number, number]>>;
  /** Layer (topological depth) of each node. */
  readonly depth: Readonly<Record<string, number>>;
  readonly width: number;
  readonly height: number;
}

export interface LayoutSpacing {
  /** Width of one column. */
  readonly columnWidth: number;
  /** Extra gap between layers. */
  readonly layerGap: number;
  /** Vertical distance between two nodes of a column. */
  readonly rowHeight: number;
  /** Wanted width / height of the whole picture. */
  readonly aspect: number;
}

const DEFAULT_SPACING: LayoutSpacing = { columnWidth: 200, layerGap: 90, rowHeight: 34, aspect: 2.4 };

export function computeOverviewLayout(nodes: readonly LayoutInput[], spacing: Partial<LayoutSpacing> = {}): OverviewLayout {
  const sp = { ...DEFAULT_SPACING, ...spacing };
  const ids = new Set(nodes.map((n) => n.uniqueId));
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const n of nodes) {
    parents.set(n.uniqueId, n.parents.filter((p) => ids.has(p) && p !== n.uniqueId));
    children.set(n.uniqueId, []);
  }
  for (const [id, ps] of parents) for (const p of ps) children.get(p)!.push(id);

  const depth = longestPathDepth(nodes, parents, children);
  const layers: string[][] = [];
  const byName = new Map(nodes.map((n) => [n.uniqueId, n.name]));
  for (const n of nodes) (layers[depth.get(n.uniqueId)!] ??= []).push(n.uniqueId);
  for (let i = 0; i < layers.length; i++) layers[i] ??= [];
  layers[0]!.sort((a, b) => cmp(byName.get(a)!, byName.get(b)!) || cmp(a, b));

  // Barycenter sweeps: down (order by parents), up (by children), down again.
  const rank = new Map<string, number>();
  const setRanks = (layer: string[]) => layer.forEach((id, i) => rank.set(id, layer.length > 1 ? i / (layer.length - 1) : 0.5));
  layers.forEach(setRanks);
  const sweep = (order: number[], neighbours: Map<string, string[]>) => {
    for (const i of order) {
      const layer = layers[i]!;
      const key = new Map<string, number>();
      for (const id of layer) {
        const ns = neighbours.get(id)!;
        key.set(id, ns.length ? ns.reduce((s, x) => s + rank.get(x)!, 0) / ns.length : rank.get(id)!);
      }
      layer.sort((a, b) => key.get(a)! - key.get(b)! || cmp(byName.get(a)!, byName.get(b)!) || cmp(a, b));
      setRanks(layer);
    }
  };
  const down = layers.map((_, i) => i).slice(1);
  sweep(down, parents);
  sweep([...layers.keys()].reverse().slice(1), children);
  sweep(down, parents);

  // Wrap tall layers: pick the column height that makes the picture closest to the wanted aspect.
  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const sizeFor = (rows: number) => {
    const columns = layers.reduce((s, l) => s + Math.max(1, Math.ceil(l.length / rows)), 0);
    return { w: columns * sp.columnWidth + Math.max(0, layers.length - 1) * sp.layerGap, h: rows * sp.rowHeight };
  };
  let rows = tallest;
  let best = Infinity;
  for (let r = tallest; r >= 1; r = r > 64 ? Math.floor(r * 0.9) : r - 1) {
    const { w, h } = sizeFor(r);
    const score = Math.abs(Math.log(w / h / sp.aspect));
    if (score < best) {
      best = score;
      rows = r;
    }
  }

  const positions: Record<string, readonly [number, number]> = {};
  const depthOut: Record<string, number> = {};
  const { h: height } = sizeFor(rows);
  let x = sp.columnWidth / 2;
  for (let li = 0; li < layers.length; li++) {
    const layer = layers[li]!;
    const cols = Math.max(1, Math.ceil(layer.length / rows));
    for (let c = 0; c < cols; c++) {
      const slice = layer.slice(c * rows, (c + 1) * rows);
      const top = (height - slice.length * sp.rowHeight) / 2 + sp.rowHeight / 2;
      slice.forEach((id, r) => {
        positions[id] = [Math.round(x), Math.round(top + r * sp.rowHeight)];
        depthOut[id] = li;
      });
      x += sp.columnWidth;
    }
    x += sp.layerGap;
  }
  return { positions, depth: depthOut, width: Math.round(x - sp.layerGap - sp.columnWidth / 2), height };
}

/** Longest path from a root; nodes on a cycle (which a valid project never has) go after their known parents. */
function longestPathDepth(
  nodes: readonly LayoutInput[],
  parents: Map<string, string[]>,
  children: Map<string, string[]>,
): Map<string, number> {
  const depth = new Map<string, number>();
  const indegree = new Map<string, number>();
  const queue: string[] = [];
  for (const n of nodes) {
    const d = parents.get(n.uniqueId)!.length;
    indegree.set(n.uniqueId, d);
    if (d === 0) {
      queue.push(n.uniqueId);
      depth.set(n.uniqueId, 0);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    const d = depth.get(id)!;
    for (const c of children.get(id)!) {
      depth.set(c, Math.max(depth.get(c) ?? 0, d + 1));
      const left = indegree.get(c)! - 1;
      indegree.set(c, left);
      if (left === 0) queue.push(c);
    }
  }
  for (const n of nodes) if (!depth.has(n.uniqueId)) depth.set(n.uniqueId, 0);
  for (const n of nodes) {
    if (indegree.get(n.uniqueId)! > 0) {
      const known = parents.get(n.uniqueId)!.map((p) => depth.get(p)!);
      depth.set(n.uniqueId, Math.max(0, ...known) + 1);
    }
  }
  return depth;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
