/** How much lineage to draw around a node: breadth-first layers and the depth rule. Pure (unit-tested). */
import type { DocsNode } from '../types.js';
import type { Depth, Depths } from './state.js';

/** Auto depth grows the lineage while it stays within this many nodes. */
export const AUTO_LIMIT = 80;
export const DEPTH_OPTIONS: readonly Depth[] = ['auto', '1', '2', '3', '4', '5', '10', 'all'];

/** Breadth-first layers from a node along `parents` or `children` (the root excluded). Pure. */
export function bfsLayers(byId: ReadonlyMap<string, DocsNode>, id: string, key: 'parents' | 'children'): string[][] {
  const seen = new Set([id]);
  const layers: string[][] = [];
  let frontier = [id];
  while (frontier.length) {
    const next: string[] = [];
    for (const f of frontier) {
      const n = byId.get(f);
      for (const x of n ? n[key] : []) {
        if (!seen.has(x) && byId.has(x)) { seen.add(x); next.push(x); }
      }
    }
    if (!next.length) break;
    layers.push(next);
    frontier = next;
  }
  return layers;
}

/**
 * How many layers up and down to draw: a fixed depth, `all`, or `auto` (one layer, then one more on
 * each side while the total stays within `limit`). Pure.
 */
export function resolveDepths(up: readonly (readonly string[])[], down: readonly (readonly string[])[], depthUp: Depth, depthDown: Depth, limit = AUTO_LIMIT): Depths {
  const fixed = (v: Depth, max: number) => (v === 'all' ? max : Math.min(max, Number(v)));
  let du = depthUp === 'auto' ? Math.min(1, up.length) : fixed(depthUp, up.length);
  let dd = depthDown === 'auto' ? Math.min(1, down.length) : fixed(depthDown, down.length);
  let total = 1;
  for (let i = 0; i < du; i++) total += up[i]!.length;
  for (let k = 0; k < dd; k++) total += down[k]!.length;
  let grew = true;
  while (grew) {
    grew = false;
    if (depthUp === 'auto' && du < up.length && total + up[du]!.length <= limit) { total += up[du++]!.length; grew = true; }
    if (depthDown === 'auto' && dd < down.length && total + down[dd]!.length <= limit) { total += down[dd++]!.length; grew = true; }
  }
  return { up: du, down: dd, maxUp: up.length, maxDown: down.length };
}
