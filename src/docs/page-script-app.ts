/**
 * Browser code of the docs page, part 3: search list, details panel, hash routing and start-up.
 * Exposes `window.bmpDocs` (ready flag, cytoscape instances, select/view helpers, timings) for
 * tests and for debugging in the browser console.
 */
export const PAGE_SCRIPT_APP = String.raw`
var TYPE_ORDER = ['model', 'source', 'seed', 'snapshot', 'analysis', 'test', 'unit_test'];
var FILTERS = [
  { key: 'all', label: 'All', types: null }, { key: 'model', label: 'Models', types: ['model'] },
  { key: 'source', label: 'Sources', types: ['source'] }, { key: 'seed', label: 'Seeds', types: ['seed'] },
  { key: 'snapshot', label: 'Snapshots', types: ['snapshot'] }, { key: 'test', label: 'Tests', types: ['test', 'unit_test'] },
  { key: 'analysis', label: 'Analyses', types: ['analysis'] }
];
var RESULT_LIMIT = 300;
var OVERVIEW_AUTO_OPEN = 1500;
var typeFilter = 'all';
var query = '';
var selectedId = null;
var tapFromOverview = false;

var INDEX = NODES.map(function (n) {
  return {
    n: n, name: displayName(n).toLowerCase(), order: TYPE_ORDER.indexOf(n.resourceType),
    hay: [n.uniqueId, n.path, n.description, n.tags.join(' '), n.relation || '',
      n.columns.map(function (c) { return c.name; }).join(' ')].join('\n').toLowerCase()
  };
});
INDEX.sort(function (a, b) { return a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0); });

function filterOf(n) {
  for (var i = 1; i < FILTERS.length; i++) if (FILTERS[i].types.indexOf(n.resourceType) >= 0) return FILTERS[i].key;
  return 'all';
}

function matchScore(entry, terms) {
  var score = 0;
  for (var i = 0; i < terms.length; i++) {
    var t = terms[i];
    if (entry.name === t) continue;
    if (entry.name.indexOf(t) === 0) score += 1;
    else if (entry.name.indexOf(t) > 0) score += 2;
    else if (entry.hay.indexOf(t) >= 0) score += 4;
    else return -1;
  }
  return score;
}

function runSearch() {
  var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  var counts = { all: 0 };
  var hits = [];
  for (var i = 0; i < INDEX.length; i++) {
    var s = terms.length ? matchScore(INDEX[i], terms) : 0;
    if (s < 0) continue;
    var f = filterOf(INDEX[i].n);
    counts.all++;
    counts[f] = (counts[f] || 0) + 1;
    if (typeFilter === 'all' || typeFilter === f) hits.push({ e: INDEX[i], s: s });
  }
  if (terms.length) hits.sort(function (a, b) { return a.s - b.s; });
  renderFilters(counts);
  renderResults(hits, terms.length > 0);
  return hits;
}

function renderFilters(counts) {
  var box = clear(document.getElementById('type-filters'));
  FILTERS.forEach(function (f) {
    if (f.key !== 'all' && !INDEX.some(function (e) { return filterOf(e.n) === f.key; })) return;
    box.appendChild(el('button', {
      className: 'chip' + (typeFilter === f.key ? ' active' : ''), type: 'button', dataset: { filter: f.key },
      onclick: function () { typeFilter = f.key; runSearch(); }
    }, [f.label, el('span', { className: 'count', text: fmtInt(counts[f.key] || 0) })]));
  });
}

function resultRow(n) {
  var sub;
  if (n.test && n.test.attachedNode && BY_ID.has(n.test.attachedNode)) sub = 'on ' + displayName(BY_ID.get(n.test.attachedNode));
  else sub = n.path;
  var h = LINEAGE_TYPES[n.resourceType] ? health(n) : (RUN[n.uniqueId] ? RUN[n.uniqueId].status : null);
  if (h === 'pass' || h === 'success') h = null;
  var color = LINEAGE_TYPES[n.resourceType] ? MAT_COLORS[matKey(n)] : '#94a3b8';
  return el('li', null, [el('button', {
    className: 'result' + (n.uniqueId === selectedId ? ' selected' : ''), type: 'button', title: n.uniqueId,
    dataset: { id: n.uniqueId }, onclick: function () { navigate(n.uniqueId); }
  }, [
    el('span', { className: 'dot', style: 'background:' + color }),
    el('span', { className: 'r-main' }, [el('span', { className: 'r-name', text: displayName(n) }), el('span', { className: 'r-sub', text: sub })]),
    h ? el('span', { className: 'pill ' + statusClass(h), text: h }) : null
  ])]);
}

function renderResults(hits, ranked) {
  var list = clear(document.getElementById('results'));
  var group = null;
  hits.slice(0, RESULT_LIMIT).forEach(function (h) {
    var n = h.e.n;
    if (!ranked && typeFilter === 'all' && group !== n.resourceType) {
      group = n.resourceType;
      list.appendChild(el('li', { className: 'group', text: (TYPE_LABELS[group] || group) + 's' }));
    }
    list.appendChild(resultRow(n));
  });
  list.dataset.query = query;
  var info = document.getElementById('result-count');
  info.textContent = hits.length > RESULT_LIMIT ? 'Showing ' + fmtInt(RESULT_LIMIT) + ' of ' + fmtInt(hits.length) + ' \u2013 refine the search' :
    hits.length ? '' : 'No matches';
}

function markSelectedResult() {
  document.querySelectorAll('.result.selected').forEach(function (b) { b.classList.remove('selected'); });
  if (!selectedId) return;
  document.querySelectorAll('.result').forEach(function (b) { if (b.dataset.id === selectedId) b.classList.add('selected'); });
}

// ---- details
function badge(text, cls, color) {
  return el('span', { className: 'badge ' + (cls || ''), text: text, style: color ? 'background:' + color : null });
}

function nodeChip(id) {
  var n = BY_ID.get(id);
  if (!n) return el('span', { className: 'chip-node missing', text: id });
  var color = LINEAGE_TYPES[n.resourceType] ? MAT_COLORS[matKey(n)] : '#94a3b8';
  return el('a', { className: 'chip-node', href: hashFor(id), title: n.uniqueId }, [el('span', { className: 'dot', style: 'background:' + color }), displayName(n)]);
}

function section(title, count, body) {
  return el('section', { className: 'card' }, [
    el('h2', null, [title, count !== undefined ? el('span', { className: 'count', text: fmtInt(count) }) : null]), body
  ]);
}

function testLabel(t) {
  var i = t.test;
  if (!i || i.kind !== 'generic') return t.name;
  return i.testName + (i.columnName ? ' \u00b7 ' + i.columnName : '');
}

function testChip(tid, short) {
  var t = BY_ID.get(tid);
  if (!t) return null;
  var r = RUN[tid];
  return el('a', { className: 'test-chip ' + statusClass(r && r.status), href: hashFor(tid), title: t.uniqueId + (r ? ' \u2013 ' + r.status : '') },
    [short && t.test ? t.test.testName : testLabel(t)]);
}

function renderColumns(n) {
  if (!n.columns.length) return el('p', { className: 'muted', text: 'No columns documented or found in the database.' });
  var rows = n.columns.map(function (c) {
    return el('tr', null, [
      el('td', { className: 'mono col-name', text: c.name }),
      el('td', { className: 'mono muted', text: c.type || '' }),
      el('td', null, [c.description ? renderMarkdown(c.description) : el('span', { className: 'muted', text: '\u2014' })]),
      el('td', null, c.tests.map(function (t) { return testChip(t, true); }))
    ]);
  });
  return el('div', { className: 'table-wrap' }, [el('table', { className: 'grid' }, [
    el('thead', null, [el('tr', null, ['Column', 'Type', 'Description', 'Tests'].map(function (h) { return el('th', { text: h }); }))]),
    el('tbody', null, rows)
  ])]);
}

function renderTests(n) {
  return el('div', { className: 'test-list' }, n.testIds.map(function (tid) {
    var t = BY_ID.get(tid);
    if (!t) return null;
    var r = RUN[tid];
    return el('a', { className: 'test-row', href: hashFor(tid) }, [
      el('span', { className: 'pill ' + statusClass(r && r.status), text: r ? r.status : 'not run' }),
      el('span', { className: 'mono', text: testLabel(t) }),
      el('span', { className: 'muted', text: t.resourceType === 'unit_test' ? 'unit test' : (t.test ? t.test.kind : '') }),
      r && r.failures ? el('span', { className: 'bad-text', text: fmtInt(r.failures) + ' failing rows' }) : null
    ]);
  }));
}

function renderCode(n) {
  var tabs = [];
  if (n.compiledCode !== undefined) tabs.push({ key: 'compiled', label: 'Compiled', code: n.compiledCode });
  if (n.rawCode !== undefined) tabs.push({ key: 'source', label: n.resourceType === 'unit_test' ? 'Definition' : 'Source', code: n.rawCode });
  if (!tabs.length) return null;
  var pre = el('pre', { className: 'code' });
  var bar = el('div', { className: 'code-tabs' });
  var show = function (t) {
    clear(pre).appendChild(highlightSql(t.code));
    pre.dataset.kind = t.key;
    bar.querySelectorAll('.tab').forEach(function (b) { b.classList.toggle('active', b.dataset.key === t.key); });
  };
  tabs.forEach(function (t) { bar.appendChild(el('button', { className: 'tab', type: 'button', dataset: { key: t.key }, text: t.label, onclick: function () { show(t); } })); });
  bar.appendChild(el('span', { className: 'spacer' }));
  var copy = el('button', { className: 'btn small', type: 'button', text: 'Copy', onclick: function () { copyText(pre.textContent, copy); } });
  bar.appendChild(copy);
  show(tabs[0]);
  return section('Code', undefined, el('div', { className: 'code-box' }, [bar, pre]));
}

function renderConfig(cfg) {
  var keys = Object.keys(cfg).filter(function (k) {
    var v = cfg[k];
    return !(Array.isArray(v) && !v.length) && !(v && typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length);
  });
  if (!keys.length) return null;
  return section('Config', undefined, el('table', { className: 'kv' }, [el('tbody', null, keys.map(function (k) {
    var v = cfg[k];
    return el('tr', null, [el('th', { className: 'mono', text: k }), el('td', { className: 'mono', text: typeof v === 'string' ? v : JSON.stringify(v) })]);
  }))]));
}

function renderDetails(id) {
  var root = clear(document.getElementById('details'));
  root.scrollTop = 0;
  var n = id ? BY_ID.get(id) : null;
  if (!n) { renderHome(root); return; }
  var r = RUN[id];
  var h = LINEAGE_TYPES[n.resourceType] ? health(n) : null;
  var badges = [badge(TYPE_LABELS[n.resourceType] || n.resourceType, 'type')];
  if (LINEAGE_TYPES[n.resourceType] && n.resourceType === 'model' && n.materialized) badges.push(badge(n.materialized, 'mat', MAT_COLORS[matKey(n)]));
  if (h) badges.push(badge(STATUS_LABELS[h], 'status ' + statusClass(h)));
  else if (r && !LINEAGE_TYPES[n.resourceType]) badges.push(badge(r.status, 'status ' + statusClass(r.status)));
  var meta = el('dl', { className: 'meta' });
  var addMeta = function (k, v, mono) { if (v) meta.appendChild(el('div', null, [el('dt', { text: k }), el('dd', { className: mono ? 'mono' : '', text: v })])); };
  addMeta('Relation', n.relation, true);
  addMeta('File', n.path, true);
  addMeta('Package', n.packageName);
  addMeta('Unique id', n.uniqueId, true);
  if (r) addMeta('Last run', r.status + ' in ' + Number(r.executionTime || 0).toFixed(2) + ' s' + (r.failures ? ' \u00b7 ' + fmtInt(r.failures) + ' failures' : ''));
  root.appendChild(el('header', { className: 'detail-head' }, [
    el('h1', null, [el('span', { className: 'title', text: displayName(n) })].concat(badges)), meta,
    n.tags.length ? el('div', { className: 'tags' }, n.tags.map(function (t) { return el('span', { className: 'tag', text: '#' + t }); })) : null,
    r && r.message && r.status !== 'success' && r.status !== 'pass' ? el('div', { className: 'message ' + statusClass(r.status), text: r.message }) : null
  ]));
  root.appendChild(section('Description', undefined, n.description ? renderMarkdown(n.description) : el('p', { className: 'muted', text: 'No description.' })));
  if (n.test) {
    var on = n.test.attachedNode || n.parents[0];
    var rows = [['Test', n.test.testName], ['Kind', n.test.kind]];
    if (n.test.columnName) rows.push(['Column', n.test.columnName]);
    Object.keys(n.test.kwargs || {}).forEach(function (k) { if (k !== 'model' && k !== 'column_name') rows.push([k, JSON.stringify(n.test.kwargs[k])]); });
    root.appendChild(section('What it tests', undefined, el('div', null, [
      on ? el('p', null, ['Tests ', nodeChip(on)]) : null,
      el('table', { className: 'kv' }, [el('tbody', null, rows.map(function (x) { return el('tr', null, [el('th', { text: x[0] }), el('td', { className: 'mono', text: x[1] })]); }))])
    ])));
  } else {
    root.appendChild(section('Columns', n.columns.length, renderColumns(n)));
    if (n.testIds.length) root.appendChild(section('Tests', n.testIds.length, renderTests(n)));
  }
  var lineage = el('div', { className: 'lineage-lists' }, [
    el('div', null, [el('h3', { text: 'Depends on' }), n.parents.length ? el('div', { className: 'chips' }, n.parents.map(nodeChip)) : el('p', { className: 'muted', text: 'Nothing' })]),
    n.test ? null : el('div', null, [el('h3', { text: 'Referenced by' }), n.children.length ? el('div', { className: 'chips' }, n.children.map(nodeChip)) : el('p', { className: 'muted', text: 'Nothing' })])
  ]);
  root.appendChild(section('Lineage', undefined, lineage));
  var code = renderCode(n);
  if (code) root.appendChild(code);
  var cfg = renderConfig(n.config);
  if (cfg) root.appendChild(cfg);
}

function renderHome(root) {
  var counts = {};
  NODES.forEach(function (n) { counts[n.resourceType] = (counts[n.resourceType] || 0) + 1; });
  var documented = GRAPH_NODES.filter(function (n) { return n.description; }).length;
  var stats = el('div', { className: 'stats' }, TYPE_ORDER.filter(function (t) { return counts[t]; }).map(function (t) {
    return el('div', { className: 'stat' }, [el('div', { className: 'stat-n', text: fmtInt(counts[t]) }), el('div', { className: 'stat-l', text: (TYPE_LABELS[t] || t) + 's' })]);
  }).concat([el('div', { className: 'stat' }, [el('div', { className: 'stat-n', text: GRAPH_NODES.length ? Math.round(100 * documented / GRAPH_NODES.length) + '%' : '\u2014' }), el('div', { className: 'stat-l', text: 'described' })])]));
  root.appendChild(el('header', { className: 'detail-head' }, [el('h1', null, [el('span', { className: 'title', text: DATA.projectName })]),
    el('p', { className: 'muted', text: 'Search with / or pick a node in the list or the graph to see its description, columns, tests, SQL and lineage.' })]));
  root.appendChild(stats);
  var bad = Object.keys(RUN).filter(function (k) { var s = RUN[k].status; return (s === 'fail' || s === 'error' || s === 'warn') && BY_ID.has(k); });
  if (bad.length) {
    root.appendChild(section('Problems in the last run', bad.length, el('div', { className: 'test-list' }, bad.slice(0, 100).map(function (k) {
      var n = BY_ID.get(k);
      return el('a', { className: 'test-row', href: hashFor(k) }, [el('span', { className: 'pill ' + statusClass(RUN[k].status), text: RUN[k].status }),
        el('span', { className: 'mono', text: n.test ? testLabel(n) : displayName(n) }),
        el('span', { className: 'muted', text: n.test && n.test.attachedNode && BY_ID.has(n.test.attachedNode) ? 'on ' + displayName(BY_ID.get(n.test.attachedNode)) : '' }),
        el('span', { className: 'muted msg', text: RUN[k].message || '' })]);
    }))));
  }
}

// ---- routing
function hashFor(id) { var n = BY_ID.get(id); return '#!/' + (n ? n.resourceType : 'node') + '/' + encodeURIComponent(id); }
function idFromHash() {
  var m = /^#!\/[^/]+\/(.+)$/.exec(location.hash);
  if (!m) return null;
  try { return decodeURIComponent(m[1]); } catch (e) { return null; }
}
function navigate(id) { if (location.hash !== hashFor(id)) location.hash = hashFor(id); else select(id); }

function graphAnchor(n) {
  if (LINEAGE_TYPES[n.resourceType]) return n.uniqueId;
  var a = n.test && n.test.attachedNode;
  return a && BY_ID.has(a) ? a : n.parents[0] || null;
}

function select(id) {
  if (id && !BY_ID.has(id)) id = null;
  selectedId = id;
  var n = id ? BY_ID.get(id) : null;
  document.title = (n ? displayName(n) + ' \u00b7 ' : '') + DATA.projectName + ' \u00b7 bmp docs';
  renderDetails(id);
  markSelectedResult();
  var stay = tapFromOverview;
  tapFromOverview = false;
  focusId = n ? graphAnchor(n) : null;
  focusGroup = null;
  depthUp = 'auto';
  depthDown = 'auto';
  if (n && graphView === 'overview' && !stay) setGraphView('lineage');
  else renderGraph();
}

function init() {
  var t0 = performance.now();
  document.getElementById('project-name').textContent = DATA.projectName;
  var gen = new Date(DATA.generatedAt);
  document.getElementById('generated-at').textContent = 'Generated ' + (isNaN(gen) ? DATA.generatedAt : gen.toLocaleString());
  buildLegend();
  updateDepthSelects();
  var input = document.getElementById('search');
  var timer = null;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    if (NODES.length <= 2000) { query = input.value; runSearch(); return; }
    timer = setTimeout(function () { query = input.value; runSearch(); }, 60);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') { query = input.value; var hits = runSearch(); if (hits.length) navigate(hits[0].e.n.uniqueId); }
    if (e.key === 'Escape') { input.value = ''; query = ''; runSearch(); }
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== input) { e.preventDefault(); input.focus(); input.select(); }
  });
  document.querySelectorAll('[data-view]').forEach(function (b) { b.addEventListener('click', function () { setGraphView(b.dataset.view); }); });
  document.getElementById('fit').addEventListener('click', function () { var cy = currentCy(); if (cy) { cy.fit(undefined, 28); if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); } } });
  document.getElementById('open-overview').addEventListener('click', function () { setGraphView('overview'); });
  document.getElementById('depth-up').addEventListener('change', function (e) { depthUp = e.target.value; renderLineage(); });
  document.getElementById('depth-down').addEventListener('change', function (e) { depthDown = e.target.value; renderLineage(); });
  var panel = document.getElementById('graph-panel');
  document.getElementById('resizer').addEventListener('pointerdown', function (e) {
    e.preventDefault();
    var startY = e.clientY, startH = panel.getBoundingClientRect().height;
    var move = function (ev) { panel.style.height = Math.max(160, Math.min(window.innerHeight - 160, startH + ev.clientY - startY)) + 'px'; };
    var up = function () { window.removeEventListener('pointermove', move); window.removeEventListener('pointerup', up); };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  });
  if (window.ResizeObserver) new ResizeObserver(function () { var cy = currentCy(); if (cy) cy.resize(); }).observe(document.getElementById('graph-wrap'));
  window.addEventListener('hashchange', function () { select(idFromHash()); });
  document.getElementById('empty-count').textContent = fmtInt(GRAPH_NODES.length);
  runSearch();
  var initial = idFromHash();
  setGraphView(!initial && GRAPH_NODES.length && GRAPH_NODES.length <= OVERVIEW_AUTO_OPEN ? 'overview' : 'lineage', true);
  select(initial);
  window.bmpDocs = {
    ready: true, data: DATA,
    cy: currentCy, group: function () { return focusGroup; }, lineage: function () { return cyLineage; }, overview: function () { return cyOverview; },
    select: navigate, view: setGraphView, focus: function () { return focusId; },
    timings: { init: performance.now() - t0, sinceNavigation: performance.now() }
  };
  document.documentElement.dataset.ready = 'true';
}

init();
`;
