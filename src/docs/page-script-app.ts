/**
 * Browser code of the docs page, part 5: search list, hash routing and start-up.
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
var OVERVIEW_AUTO_OPEN = 300;
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

var TIMINGS = {};

function runSearch() {
  var t0 = performance.now();
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
  TIMINGS.search = performance.now() - t0;
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
  var t0 = performance.now();
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
  TIMINGS.select = performance.now() - t0;
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
    timings: TIMINGS
  };
  TIMINGS.init = performance.now() - t0;
  TIMINGS.ready = performance.now();
  document.documentElement.dataset.ready = 'true';
}

init();
`;
