/**
 * The docs page's script (bundled with cytoscape into dist/docs/page.js by scripts/bundle-cli.mjs,
 * inlined into index.html by render-html.ts): selection, start-up and the `window.bmpDocs` handle
 * (ready flag, cytoscape instances, select/view helpers, timings) for tests and for debugging in the
 * browser console.
 */
import cytoscape, { type Core } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import type { DocsData } from '../types.js';
import { byId, fmtInt } from './dom.js';
import { buildLegend } from './graph.js';
import { isLineageType } from '../lineage.js';
import { renderDetails } from './details.js';
import { displayName } from './nodes.js';
import { idFromHash, navigate } from './routing.js';
import { markSelectedResult, runSearch } from './sidebar.js';
import { site } from './site.js';
import { TIMINGS, ui, type GraphView } from './state.js';
import { currentCy, renderGraph, renderLineage, setGraphView, updateDepthSelects } from './views.js';

/** A small project (at most this many graph nodes) opens on the overview when nothing is selected. */
const OVERVIEW_AUTO_OPEN = 300;
/** Above this many nodes the search waits for a pause in typing. */
const SEARCH_AS_YOU_TYPE_LIMIT = 2000;

export interface BmpDocsHandle {
  readonly ready: true;
  readonly data: DocsData;
  cy(): Core | null;
  group(): number | null;
  lineage(): Core | null;
  overview(): Core | null;
  select(id: string): void;
  view(v: GraphView, noRender?: boolean): void;
  focus(): string | null;
  readonly timings: Readonly<Record<string, number>>;
}

declare global {
  interface Window {
    bmpDocs?: BmpDocsHandle;
  }
}

/** The node the graph centres on: itself for lineage nodes, else what a test tests. */
function graphAnchor(id: string): string | null {
  const n = site.byId.get(id)!;
  if (isLineageType(n.resourceType)) return n.uniqueId;
  const a = n.test && n.test.attachedNode;
  return a && site.byId.has(a) ? a : n.parents[0] || null;
}

function select(requested: string | null): void {
  const t0 = performance.now();
  const id = requested && site.byId.has(requested) ? requested : null;
  ui.selectedId = id;
  const n = id ? site.byId.get(id) : undefined;
  document.title = (n ? displayName(n) + ' \u00b7 ' : '') + site.data.projectName + ' \u00b7 bmp docs';
  renderDetails(id);
  markSelectedResult();
  const stay = ui.tapFromOverview;
  ui.tapFromOverview = false;
  ui.focusId = id ? graphAnchor(id) : null;
  ui.focusGroup = null;
  ui.depthUp = 'auto';
  ui.depthDown = 'auto';
  if (n && ui.graphView === 'overview' && !stay) setGraphView('lineage');
  else renderGraph();
  TIMINGS['select'] = performance.now() - t0;
}

function fitGraph(): void {
  const cy = currentCy();
  if (!cy) return;
  cy.fit(undefined, 28);
  if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); }
}

function init(): void {
  const t0 = performance.now();
  const data = site.data;
  byId('project-name').textContent = data.projectName;
  const gen = new Date(data.generatedAt);
  byId('generated-at').textContent = 'Generated ' + (isNaN(gen.getTime()) ? data.generatedAt : gen.toLocaleString());
  buildLegend();
  updateDepthSelects();
  const input = byId<HTMLInputElement>('search');
  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    if (site.nodes.length <= SEARCH_AS_YOU_TYPE_LIMIT) { ui.query = input.value; runSearch(); return; }
    timer = setTimeout(() => { ui.query = input.value; runSearch(); }, 60);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { ui.query = input.value; const hits = runSearch(); if (hits.length) navigate(hits[0]!.e.n.uniqueId); }
    if (e.key === 'Escape') { input.value = ''; ui.query = ''; runSearch(); }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && document.activeElement !== input) { e.preventDefault(); input.focus(); input.select(); }
  });
  document.querySelectorAll<HTMLElement>('[data-view]').forEach((b) => b.addEventListener('click', () => setGraphView(b.dataset['view'] as GraphView)));
  byId('fit').addEventListener('click', fitGraph);
  byId('open-overview').addEventListener('click', () => setGraphView('overview'));
  byId('depth-up').addEventListener('change', (e) => { ui.depthUp = (e.target as HTMLSelectElement).value; renderLineage(); });
  byId('depth-down').addEventListener('change', (e) => { ui.depthDown = (e.target as HTMLSelectElement).value; renderLineage(); });
  const panel = byId('graph-panel');
  byId('resizer').addEventListener('pointerdown', (e) => {
    e.preventDefault();
    const startY = e.clientY, startH = panel.getBoundingClientRect().height;
    const move = (ev: PointerEvent) => { panel.style.height = Math.max(160, Math.min(window.innerHeight - 160, startH + ev.clientY - startY)) + 'px'; };
    const up = () => { window.removeEventListener('pointermove', move); window.removeEventListener('pointerup', up); };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  });
  if (window.ResizeObserver) new ResizeObserver(() => currentCy()?.resize()).observe(byId('graph-wrap'));
  window.addEventListener('hashchange', () => select(idFromHash()));
  byId('empty-count').textContent = fmtInt(site.graphNodes.length);
  runSearch();
  const initial = idFromHash();
  setGraphView(!initial && site.graphNodes.length && site.graphNodes.length <= OVERVIEW_AUTO_OPEN ? 'overview' : 'lineage', true);
  select(initial);
  window.bmpDocs = {
    ready: true, data,
    cy: currentCy, group: () => ui.focusGroup, lineage: () => ui.cyLineage, overview: () => ui.cyOverview,
    select: navigate, view: setGraphView, focus: () => ui.focusId,
    timings: TIMINGS,
  };
  TIMINGS['init'] = performance.now() - t0;
  TIMINGS['ready'] = performance.now();
  document.documentElement.dataset['ready'] = 'true';
}

cytoscape.use(dagre);
init();
