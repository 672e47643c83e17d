/** The details panel of a node (header, description, columns, tests, lineage lists, code, config) and the project home. */
import { isLineageType } from '../lineage.js';
import type { DocsNode } from '../types.js';
import { byId, clear, copyText, el, fmtInt, type Child } from './dom.js';
import { highlightSql } from './highlight.js';
import { renderMarkdown } from './markdown.js';
import { displayName, health, matKey, statusClass } from './nodes.js';
import { MAT_COLORS, OFF_GRAPH_COLOR, STATUS_LABELS, TYPE_LABELS, TYPE_ORDER } from './palette.js';
import { hashFor } from './routing.js';
import { site } from './site.js';

function badge(text: string, cls: string, color?: string): HTMLSpanElement {
  return el('span', { className: 'badge ' + (cls || ''), text, style: color ? 'background:' + color : null });
}

function nodeChip(id: string): HTMLElement {
  const n = site.byId.get(id);
  if (!n) return el('span', { className: 'chip-node missing', text: id });
  const color = isLineageType(n.resourceType) ? MAT_COLORS[matKey(n)] : OFF_GRAPH_COLOR;
  return el('a', { className: 'chip-node', href: hashFor(id), title: n.uniqueId }, [el('span', { className: 'dot', style: 'background:' + color }), displayName(n)]);
}

function section(title: string, count: number | undefined, body: Child): HTMLElement {
  return el('section', { className: 'card' }, [
    el('h2', null, [title, count !== undefined ? el('span', { className: 'count', text: fmtInt(count) }) : null]), body,
  ]);
}

export function testLabel(t: DocsNode): string {
  const i = t.test;
  if (!i || i.kind !== 'generic') return t.name;
  return i.testName + (i.columnName ? ' \u00b7 ' + i.columnName : '');
}

function testChip(tid: string, short: boolean): HTMLElement | null {
  const t = site.byId.get(tid);
  if (!t) return null;
  const r = site.run[tid];
  return el('a', { className: 'test-chip ' + statusClass(r && r.status), href: hashFor(tid), title: t.uniqueId + (r ? ' \u2013 ' + r.status : '') },
    [short && t.test ? t.test.testName : testLabel(t)]);
}

function renderColumns(n: DocsNode): HTMLElement {
  if (!n.columns.length) return el('p', { className: 'muted', text: 'No columns documented or found in the database.' });
  const rows = n.columns.map((c) => el('tr', null, [
    el('td', { className: 'mono col-name', text: c.name }),
    el('td', { className: 'mono muted', text: c.type || '' }),
    el('td', null, [c.description ? renderMarkdown(c.description) : el('span', { className: 'muted', text: '\u2014' })]),
    el('td', null, c.tests.map((t) => testChip(t, true))),
  ]));
  return el('div', { className: 'table-wrap' }, [el('table', { className: 'grid' }, [
    el('thead', null, [el('tr', null, ['Column', 'Type', 'Description', 'Tests'].map((h) => el('th', { text: h })))]),
    el('tbody', null, rows),
  ])]);
}

function renderTests(n: DocsNode): HTMLElement {
  return el('div', { className: 'test-list' }, n.testIds.map((tid) => {
    const t = site.byId.get(tid);
    if (!t) return null;
    const r = site.run[tid];
    return el('a', { className: 'test-row', href: hashFor(tid) }, [
      el('span', { className: 'pill ' + statusClass(r && r.status), text: r ? r.status : 'not run' }),
      el('span', { className: 'mono', text: testLabel(t) }),
      el('span', { className: 'muted', text: t.resourceType === 'unit_test' ? 'unit test' : (t.test ? t.test.kind : '') }),
      r && r.failures ? el('span', { className: 'bad-text', text: fmtInt(r.failures) + ' failing rows' }) : null,
    ]);
  }));
}

interface CodeTab {
  readonly key: string;
  readonly label: string;
  readonly code: string;
}

function renderCode(n: DocsNode): HTMLElement | null {
  const tabs: CodeTab[] = [];
  if (n.compiledCode !== undefined) tabs.push({ key: 'compiled', label: 'Compiled', code: n.compiledCode });
  if (n.rawCode !== undefined) tabs.push({ key: 'source', label: n.resourceType === 'unit_test' ? 'Definition' : 'Source', code: n.rawCode });
  if (!tabs.length) return null;
  const pre = el('pre', { className: 'code' });
  const bar = el('div', { className: 'code-tabs' });
  const show = (t: CodeTab) => {
    clear(pre).appendChild(highlightSql(t.code));
    pre.dataset['kind'] = t.key;
    bar.querySelectorAll<HTMLElement>('.tab').forEach((b) => b.classList.toggle('active', b.dataset['key'] === t.key));
  };
  for (const t of tabs) bar.appendChild(el('button', { className: 'tab', type: 'button', dataset: { key: t.key }, text: t.label, onclick: () => show(t) }));
  bar.appendChild(el('span', { className: 'spacer' }));
  const copy: HTMLButtonElement = el('button', { className: 'btn small', type: 'button', text: 'Copy', onclick: () => copyText(pre.textContent ?? '', copy) });
  bar.appendChild(copy);
  show(tabs[0]!);
  return section('Code', undefined, el('div', { className: 'code-box' }, [bar, pre]));
}

function renderConfig(cfg: Readonly<Record<string, unknown>>): HTMLElement | null {
  const keys = Object.keys(cfg).filter((k) => {
    const v = cfg[k];
    return !(Array.isArray(v) && !v.length) && !(v && typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length);
  });
  if (!keys.length) return null;
  return section('Config', undefined, el('table', { className: 'kv' }, [el('tbody', null, keys.map((k) => {
    const v = cfg[k];
    return el('tr', null, [el('th', { className: 'mono', text: k }), el('td', { className: 'mono', text: typeof v === 'string' ? v : JSON.stringify(v) })]);
  }))]));
}

/** Show a node's details, or the project home when `id` is null or unknown. */
export function renderDetails(id: string | null): void {
  const root = clear(byId('details'));
  root.scrollTop = 0;
  const n = id ? site.byId.get(id) : undefined;
  if (!id || !n) { renderHome(root); return; }
  const r = site.run[id];
  const lineage = isLineageType(n.resourceType);
  const h = lineage ? health(n, site.run) : null;
  const badges = [badge(TYPE_LABELS[n.resourceType] || n.resourceType, 'type')];
  if (lineage && n.resourceType === 'model' && n.materialized) badges.push(badge(n.materialized, 'mat', MAT_COLORS[matKey(n)]));
  if (h) badges.push(badge(STATUS_LABELS[h], 'status ' + statusClass(h)));
  else if (r && !lineage) badges.push(badge(r.status, 'status ' + statusClass(r.status)));
  const meta = el('dl', { className: 'meta' });
  const addMeta = (k: string, v: string | undefined, mono?: boolean) => {
    if (v) meta.appendChild(el('div', null, [el('dt', { text: k }), el('dd', { className: mono ? 'mono' : '', text: v })]));
  };
  addMeta('Relation', n.relation, true);
  addMeta('File', n.path, true);
  addMeta('Package', n.packageName);
  addMeta('Unique id', n.uniqueId, true);
  if (r) addMeta('Last run', r.status + ' in ' + Number(r.executionTime || 0).toFixed(2) + ' s' + (r.failures ? ' \u00b7 ' + fmtInt(r.failures) + ' failures' : ''));
  root.appendChild(el('header', { className: 'detail-head' }, [
    el('h1', null, [el('span', { className: 'title', text: displayName(n) }), ...badges]), meta,
    n.tags.length ? el('div', { className: 'tags' }, n.tags.map((t) => el('span', { className: 'tag', text: '#' + t }))) : null,
    r && r.message && r.status !== 'success' && r.status !== 'pass' ? el('div', { className: 'message ' + statusClass(r.status), text: r.message }) : null,
  ]));
  root.appendChild(section('Description', undefined, n.description ? renderMarkdown(n.description) : el('p', { className: 'muted', text: 'No description.' })));
  if (n.test) {
    const test = n.test;
    const on = test.attachedNode || n.parents[0];
    const rows: [string, string][] = [['Test', test.testName], ['Kind', test.kind]];
    if (test.columnName) rows.push(['Column', test.columnName]);
    const kwargs = test.kwargs || {};
    for (const k of Object.keys(kwargs)) if (k !== 'model' && k !== 'column_name') rows.push([k, JSON.stringify(kwargs[k])]);
    root.appendChild(section('What it tests', undefined, el('div', null, [
      on ? el('p', null, ['Tests ', nodeChip(on)]) : null,
      el('table', { className: 'kv' }, [el('tbody', null, rows.map((x) => el('tr', null, [el('th', { text: x[0] }), el('td', { className: 'mono', text: x[1] })])))]),
    ])));
  } else {
    root.appendChild(section('Columns', n.columns.length, renderColumns(n)));
    if (n.testIds.length) root.appendChild(section('Tests', n.testIds.length, renderTests(n)));
  }
  const lists = el('div', { className: 'lineage-lists' }, [
    el('div', null, [el('h3', { text: 'Depends on' }), n.parents.length ? el('div', { className: 'chips' }, n.parents.map(nodeChip)) : el('p', { className: 'muted', text: 'Nothing' })]),
    n.test ? null : el('div', null, [el('h3', { text: 'Referenced by' }), n.children.length ? el('div', { className: 'chips' }, n.children.map(nodeChip)) : el('p', { className: 'muted', text: 'Nothing' })]),
  ]);
  root.appendChild(section('Lineage', undefined, lists));
  const code = renderCode(n);
  if (code) root.appendChild(code);
  const cfg = renderConfig(n.config);
  if (cfg) root.appendChild(cfg);
}

function renderHome(root: HTMLElement): void {
  const counts: Record<string, number> = {};
  for (const n of site.nodes) counts[n.resourceType] = (counts[n.resourceType] || 0) + 1;
  const graphNodes = site.graphNodes;
  const documented = graphNodes.filter((n) => n.description).length;
  const stats = el('div', { className: 'stats' }, [
    ...TYPE_ORDER.filter((t) => counts[t]).map((t) =>
      el('div', { className: 'stat' }, [el('div', { className: 'stat-n', text: fmtInt(counts[t]!) }), el('div', { className: 'stat-l', text: (TYPE_LABELS[t] || t) + 's' })])),
    el('div', { className: 'stat' }, [el('div', { className: 'stat-n', text: graphNodes.length ? Math.round(100 * documented / graphNodes.length) + '%' : '\u2014' }), el('div', { className: 'stat-l', text: 'described' })]),
  ]);
  root.appendChild(el('header', { className: 'detail-head' }, [el('h1', null, [el('span', { className: 'title', text: site.data.projectName })]),
    el('p', { className: 'muted', text: 'Search with / or pick a node in the list or the graph to see its description, columns, tests, SQL and lineage.' })]));
  root.appendChild(stats);
  const run = site.run;
  const bad = Object.keys(run).filter((k) => { const s = run[k]!.status; return (s === 'fail' || s === 'error' || s === 'warn') && site.byId.has(k); });
  if (bad.length) {
    root.appendChild(section('Problems in the last run', bad.length, el('div', { className: 'test-list' }, bad.slice(0, 100).map((k) => {
      const n = site.byId.get(k)!;
      const r = run[k]!;
      const on = n.test && n.test.attachedNode ? site.byId.get(n.test.attachedNode) : undefined;
      return el('a', { className: 'test-row', href: hashFor(k) }, [el('span', { className: 'pill ' + statusClass(r.status), text: r.status }),
        el('span', { className: 'mono', text: n.test ? testLabel(n) : displayName(n) }),
        el('span', { className: 'muted', text: on ? 'on ' + displayName(on) : '' }),
        el('span', { className: 'muted msg', text: r.message || '' })]);
    }))));
  }
}
