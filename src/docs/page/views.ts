/**
 * The two graph views. Lineage: the selected node with its ancestors and descendants to a depth
 * (auto: as deep as fits AUTO_LIMIT nodes), with "+n" ghost nodes where more is hidden; or the
 * members of one overview group. Overview: every node at the generate-time layered positions, or,
 * past FULL_OVERVIEW_LIMIT nodes (render-html.ts), the generate-time groups.
 */
import type { Core, ElementDefinition, NodeSingular } from 'cytoscape';
import { byId, el, fmtInt } from './dom.js';
import { hideTip, layoutInto, makeCy, nodeData, setGraphInfo } from './graph.js';
import { health, matKey } from './nodes.js';
import { MAT_COLORS, STATUS_COLORS, type Health } from './palette.js';
import { navigate } from './routing.js';
import { site } from './site.js';
import { bfsLayers, DEPTH_OPTIONS, resolveDepths } from './depths.js';
import { TIMINGS, ui, type GraphView } from './state.js';

/** Above this many nodes the (ungrouped) overview uses the generate-time layout, not dagre. */
export const OVERVIEW_DAGRE_LIMIT = 250;

function lineageElements(id: string): { els: ElementDefinition[]; count: number } {
  const up = bfsLayers(site.byId, id, 'parents');
  const down = bfsLayers(site.byId, id, 'children');
  const d = resolveDepths(up, down, ui.depthUp, ui.depthDown);
  ui.lastDepths = d;
  const ups = new Set([id]);
  const downs = new Set([id]);
  for (const l of up.slice(0, d.up)) for (const x of l) ups.add(x);
  for (const l of down.slice(0, d.down)) for (const x of l) downs.add(x);
  const ids = new Set(ups);
  for (const x of downs) ids.add(x);
  const els: ElementDefinition[] = [];
  for (const x of ids) els.push({ group: 'nodes', data: nodeData(site.byId.get(x)!), classes: x === id ? 'focus' : '' });
  for (const x of ids) {
    for (const c of site.byId.get(x)!.children) {
      if (ids.has(c)) els.push({ group: 'edges', data: { id: 'e:' + x + '>' + c, source: x, target: c } });
    }
  }
  const ghost = (x: string, dir: 'up' | 'down', count: number) => {
    const gid = 'ghost:' + dir + ':' + x;
    const more = count + ' more ' + (dir === 'up' ? 'upstream' : 'downstream');
    els.push({ group: 'nodes', classes: 'ghost', data: { id: gid, label: '+' + count, w: 44, tw: 36, color: '#fff', dir, tip: more + ' \u2013 click to show' } });
    els.push({ group: 'edges', classes: 'ghost', data: { id: 'e:' + gid, source: dir === 'up' ? gid : x, target: dir === 'up' ? x : gid } });
  };
  for (const x of ups) {
    const hidden = site.byId.get(x)!.parents.filter((p) => !ids.has(p) && site.byId.has(p)).length;
    if (hidden) ghost(x, 'up', hidden);
  }
  for (const x of downs) {
    const hidden = site.byId.get(x)!.children.filter((c) => !ids.has(c) && site.byId.has(c)).length;
    if (hidden) ghost(x, 'down', hidden);
  }
  return { els, count: ids.size };
}

function groupElements(gi: number): { els: ElementDefinition[]; count: number } {
  const groupOf = site.overview.groupOf!;
  const ids = new Set<string>();
  for (const n of site.graphNodes) if (groupOf[n.uniqueId] === gi) ids.add(n.uniqueId);
  const els: ElementDefinition[] = [];
  for (const x of ids) els.push({ group: 'nodes', data: nodeData(site.byId.get(x)!), classes: x === ui.focusId ? 'focus' : '' });
  for (const x of ids) {
    for (const c of site.byId.get(x)!.children) {
      if (ids.has(c)) els.push({ group: 'edges', data: { id: 'e:' + x + '>' + c, source: x, target: c } });
    }
  }
  return { els, count: ids.size };
}

/** A tap on a graph node: a ghost shows one more layer, a group opens, a node is selected. */
function onTap(n: NodeSingular, cy: Core): void {
  if (n.hasClass('ghost')) { expandGhost(n.data('dir') as 'up' | 'down'); return; }
  if (n.hasClass('group')) { openGroup(n.data('group') as number); return; }
  ui.tapFromOverview = cy === ui.cyOverview;
  navigate(n.id());
}

export function renderLineage(): void {
  hideTip();
  const empty = byId('graph-empty');
  byId('depth-controls').hidden = ui.focusGroup !== null || !ui.focusId;
  if (ui.focusGroup !== null) {
    empty.hidden = true;
    ui.cyLineage ??= makeCy(byId('cy-lineage'), false, onTap);
    const g = groupElements(ui.focusGroup);
    layoutInto(ui.cyLineage, g.els);
    setGraphInfo('Group ' + site.overview.groups![ui.focusGroup]!.label + ' \u00b7 ' + fmtInt(g.count) + ' nodes');
    return;
  }
  if (!ui.focusId) { empty.hidden = false; if (ui.cyLineage) ui.cyLineage.elements().remove(); setGraphInfo(''); return; }
  empty.hidden = true;
  ui.cyLineage ??= makeCy(byId('cy-lineage'), false, onTap);
  const built = lineageElements(ui.focusId);
  const useDagre = layoutInto(ui.cyLineage, built.els);
  updateDepthSelects();
  setGraphInfo(fmtInt(built.count) + ' nodes \u00b7 ' + ui.lastDepths.up + '\u2191 ' + ui.lastDepths.down + '\u2193' +
    (useDagre ? '' : ' \u00b7 fast layout'));
}

function openGroup(gi: number): void {
  ui.focusGroup = gi;
  setGraphView('lineage');
}

function expandGhost(dir: 'up' | 'down'): void {
  if (dir === 'up') ui.depthUp = String(ui.lastDepths.up + 1);
  else ui.depthDown = String(ui.lastDepths.down + 1);
  renderLineage();
}

const HEALTH_RANK: Readonly<Record<Health, number>> = { pass: 1, skipped: 1, warn: 2, fail: 3, error: 3 };

function groupedOverviewElements(): ElementDefinition[] {
  const groups = site.overview.groups!;
  const groupOf = site.overview.groupOf!;
  const mats = groups.map((): Record<string, number> => ({}));
  const worst = groups.map((): Health | null => null);
  const edges = new Map<string, number>();
  for (const n of site.graphNodes) {
    const gi = groupOf[n.uniqueId]!;
    const k = matKey(n);
    mats[gi]![k] = (mats[gi]![k] || 0) + 1;
    const h = health(n, site.run);
    const w = worst[gi];
    if (h && (!w || HEALTH_RANK[h] > HEALTH_RANK[w])) worst[gi] = h === 'error' ? 'fail' : h;
    for (const c of n.children) {
      const gc = groupOf[c];
      if (gc === undefined || gc === gi) continue;
      const key = gi + '>' + gc;
      edges.set(key, (edges.get(key) || 0) + 1);
    }
  }
  const els: ElementDefinition[] = groups.map((g, i) => {
    const m = mats[i]!;
    const top = Object.keys(m).sort((a, b) => m[b]! - m[a]!)[0];
    const w = Math.round(Math.max(120, Math.min(270, g.label.length * 7.4 + 30)));
    const d: ElementDefinition['data'] = { id: 'group:' + i, group: i, label: g.label + '\n' + fmtInt(g.size) + ' nodes', w, tw: w - 16,
      h: 48, color: (top !== undefined && MAT_COLORS[top]) || MAT_COLORS['other'], tip: g.label + ': ' + fmtInt(g.size) + ' nodes \u2013 click to open' };
    const wi = worst[i];
    if (wi) { d['status'] = wi; d['statusColor'] = STATUS_COLORS[wi]; }
    return { group: 'nodes', classes: 'group', data: d, position: { x: g.x, y: g.y } };
  });
  // Every group pair is linked somewhere in a big project; draw each group's three strongest
  // links in and out, and the rest only while the group is hovered or holds the selected node.
  const strong = new Set<string>();
  const best = (pick: 0 | 1) => {
    const by = new Map<string, [number, string][]>();
    edges.forEach((count, key) => {
      const g = key.split('>')[pick]!;
      if (!by.has(g)) by.set(g, []);
      by.get(g)!.push([count, key]);
    });
    by.forEach((list) => { for (const x of list.sort((a, b) => b[0] - a[0]).slice(0, 3)) strong.add(x[1]); });
  };
  best(0);
  best(1);
  edges.forEach((count, key) => {
    const p = key.split('>');
    els.push({ group: 'edges', classes: strong.has(key) ? 'group' : 'group weak',
      data: { id: 'ge:' + key, source: 'group:' + p[0], target: 'group:' + p[1], width: Math.min(6, 1 + Math.log2(count)) } });
  });
  return els;
}

function ensureOverview(): Core {
  if (ui.cyOverview) return ui.cyOverview;
  if (site.grouped) {
    const cy = (ui.cyOverview = makeCy(byId('cy-overview'), false, onTap));
    cy.add(groupedOverviewElements());
    cy.fit(undefined, 28);
    // Keep group labels readable: start at the sources (left) rather than shrinking everything.
    if (cy.zoom() < 0.7) {
      const bb = cy.elements().boundingBox();
      cy.zoom(0.7);
      cy.pan({ x: 28 - bb.x1 * 0.7, y: 28 - bb.y1 * 0.7 });
    }
    if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); }
    return cy;
  }
  const big = site.graphNodes.length > OVERVIEW_DAGRE_LIMIT;
  const cy = (ui.cyOverview = makeCy(byId('cy-overview'), big, onTap));
  const els: ElementDefinition[] = [];
  for (const n of site.graphNodes) {
    const p = site.overview.positions[n.uniqueId] || [0, 0];
    els.push({ group: 'nodes', data: nodeData(n), position: { x: p[0], y: p[1] } });
  }
  for (const n of site.graphNodes) {
    for (const c of n.children) {
      if (site.byId.has(c)) els.push({ group: 'edges', data: { id: 'e:' + n.uniqueId + '>' + c, source: n.uniqueId, target: c } });
    }
  }
  cy.add(els);
  if (big) cy.fit(undefined, 20);
  else cy.layout({ name: 'dagre', rankDir: 'LR', nodeSep: 12, rankSep: 64, padding: 28, fit: true, animate: false } as cytoscape.LayoutOptions).run();
  if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); }
  return cy;
}

function highlightOverview(cy: Core): void {
  const focusId = ui.focusId;
  if (site.grouped) {
    cy.nodes('.focus').removeClass('focus');
    cy.edges('.lin').removeClass('lin');
    const gi = focusId ? site.overview.groupOf![focusId] : undefined;
    if (gi !== undefined) cy.getElementById('group:' + gi).addClass('focus').connectedEdges().addClass('lin');
    return;
  }
  cy.batch(() => {
    cy.elements('.faded').removeClass('faded');
    cy.elements('.focus, .lin').removeClass('focus lin');
    if (!focusId || !cy.hasElementWithId(focusId)) return;
    const node = cy.getElementById(focusId);
    const lin = node.predecessors().union(node.successors()).union(node);
    cy.elements().difference(lin).addClass('faded');
    lin.edges().addClass('lin');
    node.addClass('focus');
  });
}

function renderOverview(): void {
  hideTip();
  byId('graph-empty').hidden = true;
  const cy = ensureOverview();
  cy.resize();
  highlightOverview(cy);
  const focusId = ui.focusId;
  const centre = !focusId ? null : site.grouped ? cy.getElementById('group:' + site.overview.groupOf![focusId]) : cy.getElementById(focusId);
  if (centre && centre.length) cy.center(centre);
  const count = site.graphNodes.length;
  setGraphInfo(site.grouped ? fmtInt(count) + ' nodes in ' + fmtInt(site.overview.groups!.length) + ' groups \u00b7 click a group to open it' :
    fmtInt(count) + ' nodes' + (count > OVERVIEW_DAGRE_LIMIT ? ' \u00b7 layered layout' : ''));
}

export function updateDepthSelects(): void {
  for (const [id, value, auto] of [['depth-up', ui.depthUp, ui.lastDepths.up], ['depth-down', ui.depthDown, ui.lastDepths.down]] as const) {
    const sel = byId<HTMLSelectElement>(id);
    if (!sel.options.length) for (const o of DEPTH_OPTIONS) sel.appendChild(el('option', { value: o }));
    for (const o of Array.from(sel.options)) {
      o.textContent = o.value === 'auto' ? 'Auto (' + auto + ')' : o.value === 'all' ? 'All' : o.value;
    }
    sel.value = DEPTH_OPTIONS.includes(value) ? value : 'all';
  }
}

/** Switch between the lineage and the overview (and draw it, unless `noRender`). */
export function setGraphView(v: GraphView, noRender?: boolean): void {
  const t0 = performance.now();
  ui.graphView = v;
  byId('cy-lineage').hidden = v !== 'lineage';
  byId('cy-overview').hidden = v !== 'overview';
  document.querySelectorAll<HTMLElement>('[data-view]').forEach((b) => b.classList.toggle('active', b.dataset['view'] === v));
  byId('depth-controls').hidden = v !== 'lineage' || ui.focusGroup !== null || !ui.focusId;
  if (!noRender) renderGraph();
  TIMINGS[v] = performance.now() - t0;
}

export function renderGraph(): void {
  if (ui.graphView === 'overview') renderOverview();
  else { renderLineage(); if (ui.cyLineage) ui.cyLineage.resize(); }
}

export function currentCy(): Core | null {
  return ui.graphView === 'overview' ? ui.cyOverview : ui.cyLineage;
}
