/**
 * Browser code of the docs page, part 2: graph state and the cytoscape plumbing shared by both
 * views (canvas renderer only, no WebGL): node data and style, instances, tooltips, layout
 * (dagre when the graph is small and not too wide per rank, else the layered positions computed at
 * generate time, restacked), view switching and the legend. The views are in page-script-views.ts.
 */
export const PAGE_SCRIPT_GRAPH = String.raw`
var AUTO_LIMIT = 80;
var DAGRE_LIMIT = 400;
var OVERVIEW_DAGRE_LIMIT = 250;
var FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
var cyLineage = null;
var cyOverview = null;
var graphView = 'lineage';
var focusId = null;
var depthUp = 'auto';
var depthDown = 'auto';
var focusGroup = null;
var GROUPED = Array.isArray(OVERVIEW.groups);
var lastDepths = { up: 0, down: 0, maxUp: 0, maxDown: 0 };

function nodeWidth(label) { return Math.round(Math.max(64, Math.min(230, label.length * 6.8 + 28))); }

function nodeData(n) {
  var label = displayName(n);
  var w = nodeWidth(label);
  var d = { id: n.uniqueId, label: label, w: w, tw: w - 16, color: MAT_COLORS[matKey(n)] };
  var h = health(n);
  if (h) { d.status = h; d.statusColor = STATUS_COLORS[h]; }
  return d;
}

function graphStyle(big) {
  return [
    { selector: 'node', style: {
      'shape': 'round-rectangle', 'width': 'data(w)', 'height': 28, 'background-color': 'data(color)',
      'label': 'data(label)', 'color': '#ffffff', 'font-size': 11, 'font-weight': 600, 'font-family': FONT,
      'text-valign': 'center', 'text-halign': 'center', 'text-wrap': 'ellipsis', 'text-max-width': 'data(tw)',
      'border-width': 0, 'overlay-opacity': 0, 'min-zoomed-font-size': big ? 8 : 0
    } },
    { selector: 'node[status]', style: { 'outline-width': 3, 'outline-color': 'data(statusColor)', 'outline-offset': 2 } },
    { selector: 'node[status = "skipped"]', style: { 'outline-style': 'dashed' } },
    { selector: 'node.focus', style: {
      'height': 34, 'font-size': 12, 'underlay-color': '#0f172a', 'underlay-opacity': 0.16,
      'underlay-padding': 7, 'underlay-shape': 'round-rectangle', 'z-index': 10
    } },
    { selector: 'node.ghost', style: {
      'background-color': '#ffffff', 'border-width': 1, 'border-style': 'dashed', 'border-color': '#94a3b8',
      'color': '#475569', 'font-weight': 500, 'height': 22
    } },
    { selector: 'node.group', style: {
      'text-wrap': 'wrap', 'height': 'data(h)', 'font-size': 12, 'line-height': 1.35, 'text-max-width': 'data(tw)'
    } },
    { selector: 'edge.group', style: { 'width': 'data(width)', 'line-color': '#b6c2d1', 'target-arrow-color': '#b6c2d1', 'opacity': 0.75 } },
    { selector: 'edge.weak', style: { 'display': 'none' } },
    { selector: 'edge.weak.hl, edge.weak.lin', style: { 'display': 'element' } },
    { selector: 'node.hover', style: { 'underlay-color': '#2563eb', 'underlay-opacity': 0.18, 'underlay-padding': 5 } },
    { selector: 'edge', style: big ? {
      'curve-style': 'haystack', 'haystack-radius': 0, 'width': 1, 'line-color': '#cbd5e1', 'opacity': 0.8
    } : {
      'curve-style': 'bezier', 'width': 1.5, 'line-color': '#a3b1c2', 'target-arrow-shape': 'triangle',
      'target-arrow-color': '#a3b1c2', 'arrow-scale': 0.8
    } },
    { selector: 'edge.ghost', style: { 'line-style': 'dashed', 'line-color': '#cbd5e1', 'target-arrow-color': '#cbd5e1' } },
    { selector: 'edge.hl', style: { 'line-color': '#334155', 'target-arrow-color': '#334155', 'width': 2, 'opacity': 1, 'z-index': 5 } },
    { selector: '.faded', style: { 'opacity': 0.12 } },
    { selector: 'edge.lin', style: { 'line-color': '#64748b', 'opacity': 1 } }
  ];
}

function makeCy(container, big) {
  var cy = cytoscape({
    container: container, style: graphStyle(big), minZoom: 0.02, maxZoom: 3,
    boxSelectionEnabled: false, autounselectify: true, autoungrabify: true,
    textureOnViewport: big, hideEdgesOnViewport: big, pixelRatio: big ? 1 : 'auto'
  });
  cy.on('tap', 'node', function (e) {
    var n = e.target;
    if (n.hasClass('ghost')) { expandGhost(n.data('dir')); return; }
    if (n.hasClass('group')) { openGroup(n.data('group')); return; }
    tapFromOverview = cy === cyOverview;
    navigate(n.id());
  });
  cy.on('mouseover', 'node', function (e) {
    var n = e.target;
    n.addClass('hover');
    if (!big) n.connectedEdges().addClass('hl');
    container.style.cursor = 'pointer';
    showTip(n, e.renderedPosition);
  });
  cy.on('mouseout', 'node', function (e) {
    e.target.removeClass('hover');
    if (!big) e.target.connectedEdges().removeClass('hl');
    container.style.cursor = '';
    hideTip();
  });
  cy.on('viewport', hideTip);
  return cy;
}

function showTip(n, pos) {
  var tip = document.getElementById('graph-tip');
  if (n.data('tip')) {
    tip.textContent = n.data('tip');
  } else {
    var node = BY_ID.get(n.id());
    clear(tip);
    tip.appendChild(el('div', { className: 'tip-title', text: displayName(node) }));
    var bits = [TYPE_LABELS[node.resourceType] || node.resourceType];
    if (node.resourceType === 'model' && node.materialized) bits.push(node.materialized);
    var h = health(node);
    if (h) bits.push(STATUS_LABELS[h]);
    tip.appendChild(el('div', { className: 'tip-sub', text: bits.join(' \u00b7 ') }));
  }
  tip.style.left = Math.round(pos.x + 14) + 'px';
  tip.style.top = Math.round(pos.y + 14) + 'px';
  tip.hidden = false;
}

function hideTip() { document.getElementById('graph-tip').hidden = true; }

/** Layered positions for a big subgraph: the generate-time layers, restacked without the gaps. */
function compactPositions(ids) {
  var layers = new Map();
  ids.forEach(function (id) {
    var dep = OVERVIEW.depth[id] || 0;
    if (!layers.has(dep)) layers.set(dep, []);
    layers.get(dep).push(id);
  });
  var keys = Array.from(layers.keys()).sort(function (a, b) { return a - b; });
  var tallest = 1;
  keys.forEach(function (k) {
    var l = layers.get(k);
    l.sort(function (a, b) { var pa = OVERVIEW.positions[a], pb = OVERVIEW.positions[b]; return (pa[0] - pb[0]) || (pa[1] - pb[1]); });
    tallest = Math.max(tallest, l.length);
  });
  var box = document.getElementById('graph-wrap').getBoundingClientRect();
  var aspect = box.width > 0 && box.height > 0 ? box.width / box.height : 2.5;
  var rows = Math.min(tallest, Math.max(4, Math.round(Math.sqrt(ids.size * 210 / (36 * aspect)))));
  var pos = {};
  var x = 0;
  keys.forEach(function (k) {
    var l = layers.get(k);
    for (var c = 0; c * rows < l.length; c++) {
      var slice = l.slice(c * rows, (c + 1) * rows);
      slice.forEach(function (id, r) { pos[id] = { x: x, y: (r - slice.length / 2) * 36 }; });
      x += 210;
    }
    x += 80;
  });
  return pos;
}

/** Replace the elements of cy and lay them out: dagre when small enough, else precomputed layers. */
function layoutInto(cy, els) {
  cy.resize();
  cy.batch(function () { cy.elements().remove(); cy.add(els); });
  // Dagre puts each rank in one column: fine for lineage, unreadable for 100 unrelated siblings.
  var perDepth = {};
  var widest = 0;
  cy.nodes().forEach(function (n) { var d = OVERVIEW.depth[n.id()]; if (d !== undefined) widest = Math.max(widest, perDepth[d] = (perDepth[d] || 0) + 1); });
  var useDagre = cy.nodes().length <= DAGRE_LIMIT && widest <= 40;
  if (useDagre) {
    cy.layout({ name: 'dagre', rankDir: 'LR', nodeSep: 12, rankSep: 64, edgeSep: 8, padding: 28, fit: true, animate: false }).run();
  } else {
    var ids = new Set(cy.nodes().not('.ghost').map(function (n) { return n.id(); }));
    var pos = compactPositions(ids);
    cy.nodes('.ghost').forEach(function (g) {
      var e = g.connectedEdges()[0];
      var anchor = pos[g.data('dir') === 'up' ? e.target().id() : e.source().id()];
      pos[g.id()] = { x: anchor.x + (g.data('dir') === 'up' ? -120 : 120), y: anchor.y };
    });
    cy.layout({ name: 'preset', positions: function (n) { return pos[n.id()]; }, fit: true, padding: 28, animate: false }).run();
  }
  if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); }
  return useDagre;
}

function setGraphView(v, noRender) {
  var t0 = performance.now();
  graphView = v;
  document.getElementById('cy-lineage').hidden = v !== 'lineage';
  document.getElementById('cy-overview').hidden = v !== 'overview';
  document.querySelectorAll('[data-view]').forEach(function (b) { b.classList.toggle('active', b.dataset.view === v); });
  document.getElementById('depth-controls').hidden = v !== 'lineage' || focusGroup !== null || !focusId;
  if (!noRender) renderGraph();
  TIMINGS[v] = performance.now() - t0;
}

function renderGraph() {
  if (graphView === 'overview') renderOverview();
  else { renderLineage(); if (cyLineage) cyLineage.resize(); }
}

function currentCy() { return graphView === 'overview' ? cyOverview : cyLineage; }

function setGraphInfo(text) { document.getElementById('graph-info').textContent = text; }

function buildLegend() {
  var legend = document.getElementById('legend');
  var used = new Set(GRAPH_NODES.map(matKey));
  Object.keys(MAT_COLORS).forEach(function (k) {
    if (!used.has(k)) return;
    legend.appendChild(el('span', { className: 'lg' }, [el('i', { className: 'sw', style: 'background:' + MAT_COLORS[k] }), MAT_LABELS[k] || k]));
  });
  if (Object.keys(RUN).length) {
    ['pass', 'warn', 'fail'].forEach(function (k) {
      legend.appendChild(el('span', { className: 'lg' }, [el('i', { className: 'ring', style: 'border-color:' + STATUS_COLORS[k] }), STATUS_LABELS[k]]));
    });
  }
}
`;
