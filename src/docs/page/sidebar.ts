/** The node list: type filter chips, search results, the selected row. */
import { isLineageType } from '../lineage.js';
import type { DocsNode } from '../types.js';
import { byId, clear, el, fmtInt } from './dom.js';
import { displayName, health, matKey, statusClass } from './nodes.js';
import { MAT_COLORS, OFF_GRAPH_COLOR, TYPE_LABELS } from './palette.js';
import { navigate } from './routing.js';
import { FILTERS, filterOf, search, searchIndex, type SearchHit } from './search.js';
import { site } from './site.js';
import { TIMINGS, ui } from './state.js';

/** The list shows at most this many rows. */
export const RESULT_LIMIT = 300;

const INDEX = searchIndex(site.nodes);

/** Search for `ui.query` under `ui.typeFilter` and show the results; returns the hits. */
export function runSearch(): SearchHit[] {
  const t0 = performance.now();
  const { hits, counts, ranked } = search(INDEX, ui.query, ui.typeFilter);
  renderFilters(counts);
  renderResults(hits, ranked);
  TIMINGS['search'] = performance.now() - t0;
  return hits;
}

function renderFilters(counts: Readonly<Record<string, number>>): void {
  const box = clear(byId('type-filters'));
  for (const f of FILTERS) {
    if (f.key !== 'all' && !INDEX.some((e) => filterOf(e.n) === f.key)) continue;
    box.appendChild(el('button', {
      className: 'chip' + (ui.typeFilter === f.key ? ' active' : ''), type: 'button', dataset: { filter: f.key },
      onclick: () => { ui.typeFilter = f.key; runSearch(); },
    }, [f.label, el('span', { className: 'count', text: fmtInt(counts[f.key] || 0) })]));
  }
}

function resultRow(n: DocsNode): HTMLLIElement {
  const attached = n.test && n.test.attachedNode ? site.byId.get(n.test.attachedNode) : undefined;
  const sub = attached ? 'on ' + displayName(attached) : n.path;
  const lineage = isLineageType(n.resourceType);
  const own = site.run[n.uniqueId];
  let h: string | null = lineage ? health(n, site.run) : (own ? own.status : null);
  if (h === 'pass' || h === 'success') h = null;
  const color = lineage ? MAT_COLORS[matKey(n)] : OFF_GRAPH_COLOR;
  return el('li', null, [el('button', {
    className: 'result' + (n.uniqueId === ui.selectedId ? ' selected' : ''), type: 'button', title: n.uniqueId,
    dataset: { id: n.uniqueId }, onclick: () => navigate(n.uniqueId),
  }, [
    el('span', { className: 'dot', style: 'background:' + color }),
    el('span', { className: 'r-main' }, [el('span', { className: 'r-name', text: displayName(n) }), el('span', { className: 'r-sub', text: sub })]),
    h ? el('span', { className: 'pill ' + statusClass(h), text: h }) : null,
  ])]);
}

function renderResults(hits: readonly SearchHit[], ranked: boolean): void {
  const list = clear(byId('results'));
  let group: string | null = null;
  for (const h of hits.slice(0, RESULT_LIMIT)) {
    const n = h.e.n;
    if (!ranked && ui.typeFilter === 'all' && group !== n.resourceType) {
      group = n.resourceType;
      list.appendChild(el('li', { className: 'group', text: (TYPE_LABELS[group] || group) + 's' }));
    }
    list.appendChild(resultRow(n));
  }
  list.dataset['query'] = ui.query;
  byId('result-count').textContent = hits.length > RESULT_LIMIT ? 'Showing ' + fmtInt(RESULT_LIMIT) + ' of ' + fmtInt(hits.length) + ' \u2013 refine the search' :
    hits.length ? '' : 'No matches';
}

export function markSelectedResult(): void {
  document.querySelectorAll('.result.selected').forEach((b) => b.classList.remove('selected'));
  if (!ui.selectedId) return;
  document.querySelectorAll<HTMLElement>('.result').forEach((b) => { if (b.dataset['id'] === ui.selectedId) b.classList.add('selected'); });
}
