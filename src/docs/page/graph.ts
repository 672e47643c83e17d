/**
 * The cytoscape plumbing both graph views share (canvas renderer only, no WebGL): node data and
 * style, instances, tooltips, layout (dagre when the graph is small and not too wide per rank, else
 * the layered positions computed at generate time, restacked) and the legend. The views are in views.ts.
 */
import cytoscape, { type Core, type ElementDefinition, type NodeSingular, type Position, type StylesheetJson } from 'cytoscape';
import type { DocsNode } from '../types.js';
import { byId, clear, el } from './dom.js';
import { displayName, health, matKey } from './nodes.js';
import { MAT_COLORS, MAT_LABELS, STATUS_COLORS, STATUS_LABELS, TYPE_LABELS } from './palette.js';
import { site } from './site.js';

/** Above this many nodes a lineage graph is laid out from the generate-time layers, not by dagre. */
export const DAGRE_LIMIT = 400;
const FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

function nodeWidth(label: string): number {
  return Math.round(Math.max(64, Math.min(230, label.length * 6.8 + 28)));
}

/** Data of a graph node: label, width, colour, health ring. */
export function nodeData(n: DocsNode): ElementDefinition['data'] {
  const label = displayName(n);
  const w = nodeWidth(label);
  const d: ElementDefinition['data'] = { id: n.uniqueId, label, w, tw: w - 16, color: MAT_COLORS[matKey(n)] };
  const h = health(n, site.run);
  if (h) { d['status'] = h; d['statusColor'] = STATUS_COLORS[h]; }
  return d;
}

function graphStyle(big: boolean): StylesheetJson {
  return [
    { selector: 'node', style: {
      'shape': 'round-rectangle', 'width': 'data(w)', 'height': 28, 'background-color': 'data(color)',
      'label': 'data(label)', 'color': '#ffffff', 'font-size': 11, 'font-weight': 600, 'font-family': FONT,
      'text-valign': 'center', 'text-halign': 'center', 'text-wrap': 'ellipsis', 'text-max-width': 'data(tw)',
      'border-width': 0, 'overlay-opacity': 0, 'min-zoomed-font-size': big ? 8 : 0,
    } },
    { selector: 'node[status]', style: { 'outline-width': 3, 'outline-color': 'data(statusColor)', 'outline-offset': 2 } },
    { selector: 'node[status = "skipped"]', style: { 'outline-style': 'dashed' } },
    { selector: 'node.focus', style: {
      'height': 34, 'font-size': 12, 'underlay-color': '#0f172a', 'underlay-opacity': 0.16,
      'underlay-padding': 7, 'underlay-shape': 'round-rectangle', 'z-index': 10,
    } },
    { selector: 'node.ghost', style: {
      'background-color': '#ffffff', 'border-width': 1, 'border-style': 'dashed', 'border-color': '#94a3b8',
      'color': '#475569', 'font-weight': 500, 'height': 22,
    } },
    { selector: 'node.group', style: {
      'text-wrap': 'wrap', 'height': 'data(h)', 'font-size': 12, 'line-height': 1.35, 'text-max-width': 'data(tw)',
    } },
    { selector: 'edge.group', style: { 'width': 'data(width)', 'line-color': '#b6c2d1', 'target-arrow-color': '#b6c2d1', 'opacity': 0.75 } },
    { selector: 'edge.weak', style: { 'display': 'none' } },
    { selector: 'edge.weak.hl, edge.weak.lin', style: { 'display': 'element' } },
    { selector: 'node.hover', style: { 'underlay-color': '#2563eb', 'underlay-opacity': 0.18, 'underlay-padding': 5 } },
    { selector: 'edge', style: big ? {
      'curve-style': 'haystack', 'haystack-radius': 0, 'width': 1, 'line-color': '#cbd5e1', 'opacity': 0.8,
    } : {
      'curve-style': 'bezier', 'width': 1.5, 'line-color': '#a3b1c2', 'target-arrow-shape': 'triangle',
      'target-arrow-color': '#a3b1c2', 'arrow-scale': 0.8,
    } },
    { selector: 'edge.ghost', style: { 'line-style': 'dashed', 'line-color': '#cbd5e1', 'target-arrow-color': '#cbd5e1' } },
    { selector: 'edge.hl', style: { 'line-color': '#334155', 'target-arrow-color': '#334155', 'width': 2, 'opacity': 1, 'z-index': 5 } },
    { selector: '.faded', style: { 'opacity': 0.12 } },
    { selector: 'edge.lin', style: { 'line-color': '#64748b', 'opacity': 1 } },
  ] as StylesheetJson;
}

/** A cytoscape instance in `container`; `big` trades looks for speed. `onTap` gets every tapped node. */
export function makeCy(container: HTMLElement, big: boolean, onTap: (node: NodeSingular, cy: Core) => void): Core {
  const cy = cytoscape({
    container, style: graphStyle(big), minZoom: 0.02, maxZoom: 3,
    boxSelectionEnabled: false, autounselectify: true, autoungrabify: true,
    textureOnViewport: big, hideEdgesOnViewport: big, pixelRatio: big ? 1 : 'auto',
  });
  cy.on('tap', 'node', (e) => onTap(e.target as NodeSingular, cy));
  cy.on('mouseover', 'node', (e) => {
    const n = e.target as NodeSingular;
    n.addClass('hover');
    if (!big) n.connectedEdges().addClass('hl');
    container.style.cursor = 'pointer';
    showTip(n, e.renderedPosition);
  });
  cy.on('mouseout', 'node', (e) => {
    const n = e.target as NodeSingular;
    n.removeClass('hover');
    if (!big) n.connectedEdges().removeClass('hl');
    container.style.cursor = '';
    hideTip();
  });
  cy.on('viewport', hideTip);
  return cy;
}

function showTip(n: NodeSingular, pos: Position): void {
  const tip = byId('graph-tip');
  const text = n.data('tip') as string | undefined;
  if (text) {
    tip.textContent = text;
  } else {
    const node = site.byId.get(n.id())!;
    clear(tip);
    tip.appendChild(el('div', { className: 'tip-title', text: displayName(node) }));
    const bits = [TYPE_LABELS[node.resourceType] || node.resourceType];
    if (node.resourceType === 'model' && node.materialized) bits.push(node.materialized);
    const h = health(node, site.run);
    if (h) bits.push(STATUS_LABELS[h]);
    tip.appendChild(el('div', { className: 'tip-sub', text: bits.join(' \u00b7 ') }));
  }
  tip.style.left = Math.round(pos.x + 14) + 'px';
  tip.style.top = Math.round(pos.y + 14) + 'px';
  tip.hidden = false;
}

export function hideTip(): void {
  byId('graph-tip').hidden = true;
}

/** Layered positions for a big subgraph: the generate-time layers, restacked without the gaps. */
function compactPositions(ids: ReadonlySet<string>): Record<string, Position> {
  const { depth, positions } = site.overview;
  const layers = new Map<number, string[]>();
  for (const id of ids) {
    const dep = depth[id] || 0;
    if (!layers.has(dep)) layers.set(dep, []);
    layers.get(dep)!.push(id);
  }
  const keys = Array.from(layers.keys()).sort((a, b) => a - b);
  let tallest = 1;
  for (const k of keys) {
    const l = layers.get(k)!;
    l.sort((a, b) => { const pa = positions[a]!, pb = positions[b]!; return (pa[0] - pb[0]) || (pa[1] - pb[1]); });
    tallest = Math.max(tallest, l.length);
  }
  const box = byId('graph-wrap').getBoundingClientRect();
  const aspect = box.width > 0 && box.height > 0 ? box.width / box.height : 2.5;
  const rows = Math.min(tallest, Math.max(4, Math.round(Math.sqrt(ids.size * 210 / (36 * aspect)))));
  const pos: Record<string, Position> = {};
  let x = 0;
  for (const k of keys) {
    const l = layers.get(k)!;
    for (let c = 0; c * rows < l.length; c++) {
      const slice = l.slice(c * rows, (c + 1) * rows);
      slice.forEach((id, r) => { pos[id] = { x, y: (r - slice.length / 2) * 36 }; });
      x += 210;
    }
    x += 80;
  }
  return pos;
}

/** Replace the elements of cy and lay them out: dagre when small enough, else precomputed layers. Returns whether dagre ran. */
export function layoutInto(cy: Core, els: readonly ElementDefinition[]): boolean {
  cy.resize();
  cy.batch(() => { cy.elements().remove(); cy.add([...els]); });
  // Dagre puts each rank in one column: fine for lineage, unreadable for 100 unrelated siblings.
  const perDepth: Record<number, number> = {};
  let widest = 0;
  cy.nodes().forEach((n) => {
    const d = site.overview.depth[n.id()];
    if (d !== undefined) widest = Math.max(widest, perDepth[d] = (perDepth[d] || 0) + 1);
  });
  const useDagre = cy.nodes().length <= DAGRE_LIMIT && widest <= 40;
  if (useDagre) {
    cy.layout({ name: 'dagre', rankDir: 'LR', nodeSep: 12, rankSep: 64, edgeSep: 8, padding: 28, fit: true, animate: false } as cytoscape.LayoutOptions).run();
  } else {
    const ids = new Set(cy.nodes().not('.ghost').map((n) => n.id()));
    const pos = compactPositions(ids);
    cy.nodes('.ghost').forEach((g) => {
      const e = g.connectedEdges()[0]!;
      const anchor = pos[g.data('dir') === 'up' ? e.target().id() : e.source().id()]!;
      pos[g.id()] = { x: anchor.x + (g.data('dir') === 'up' ? -120 : 120), y: anchor.y };
    });
    cy.layout({ name: 'preset', positions: (n: NodeSingular) => pos[n.id()]!, fit: true, padding: 28, animate: false } as cytoscape.LayoutOptions).run();
  }
  if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); }
  return useDagre;
}

export function setGraphInfo(text: string): void {
  byId('graph-info').textContent = text;
}

export function buildLegend(): void {
  const legend = byId('legend');
  const used = new Set(site.graphNodes.map(matKey));
  for (const k of Object.keys(MAT_COLORS)) {
    if (!used.has(k)) continue;
    legend.appendChild(el('span', { className: 'lg' }, [el('i', { className: 'sw', style: 'background:' + MAT_COLORS[k] }), MAT_LABELS[k] || k]));
  }
  if (Object.keys(site.run).length) {
    for (const k of ['pass', 'warn', 'fail'] as const) {
      legend.appendChild(el('span', { className: 'lg' }, [el('i', { className: 'ring', style: 'border-color:' + STATUS_COLORS[k] }), STATUS_LABELS[k]]));
    }
  }
}
