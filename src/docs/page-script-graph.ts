/**
 * Browser code of the docs page, part 2: the lineage graph (cytoscape, canvas renderer).
 *
 * Two views. "Lineage" shows the selected node with its ancestors and descendants up to a depth
 * (auto: as deep as fits ~150 nodes), laid out with dagre; past {@link DAGRE_LIMIT} nodes it uses
 * the layered positions computed at generate time instead. "Overview" shows the whole project
 * with those precomputed positions (dagre only for small projects); past FULL_OVERVIEW_LIMIT nodes
 * it shows the generate-time groups (folder x depth) instead, and a click on a group opens its
 * members. A 5,000-node project never lays out or draws thousands of nodes in the browser.
 */
export const PAGE_SCRIPT_GRAPH = String.raw`
var AUTO_LIMIT = 150;
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
      'height': 34, 'font-size': 12.5, 'underlay-color': '#0f172a', 'underlay-opacity': 0.16,
      'underlay-padding': 7, 'underlay-shape': 'round-rectangle', 'z-index': 10
    } },
    { selector: 'node.ghost', style: {
      'background-color': '#ffffff', 'border-width': 1, 'border-style': 'dashed', 'border-color': '#94a3b8',
      'color': '#475569', 'font-weight': 500, 'height': 22
    } },
    { selector: 'node.group', style: {
      'text-wrap': 'wrap', 'height': 'data(h)', 'font-size': 11, 'line-height': 1.35, 'text-max-width': 'data(tw)'
    } },
    { selector: 'edge.group', style: { 'width': 'data(width)', 'line-color': '#b6c2d1', 'target-arrow-color': '#b6c2d1', 'opacity': 0.7 } },
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

/** Breadth-first layers from a node along 'parents' or 'children' (the root excluded). */
function bfsLayers(id, key) {
  var seen = new Set([id]);
  var layers = [];
  var frontier = [id];
  while (frontier.length) {
    var next = [];
    for (var i = 0; i < frontier.length; i++) {
      var n = BY_ID.get(frontier[i]);
      var ns = n ? n[key] : [];
      for (var j = 0; j < ns.length; j++) {
        if (!seen.has(ns[j]) && BY_ID.has(ns[j])) { seen.add(ns[j]); next.push(ns[j]); }
      }
    }
    if (!next.length) break;
    layers.push(next);
    frontier = next;
  }
  return layers;
}

function resolveDepths(up, down) {
  var fixed = function (v, max) { return v === 'all' ? max : Math.min(max, Number(v)); };
  var du = depthUp === 'auto' ? Math.min(1, up.length) : fixed(depthUp, up.length);
  var dd = depthDown === 'auto' ? Math.min(1, down.length) : fixed(depthDown, down.length);
  var total = 1;
  for (var i = 0; i < du; i++) total += up[i].length;
  for (var k = 0; k < dd; k++) total += down[k].length;
  var grew = true;
  while (grew) {
    grew = false;
    if (depthUp === 'auto' && du < up.length && total + up[du].length <= AUTO_LIMIT) { total += up[du++].length; grew = true; }
    if (depthDown === 'auto' && dd < down.length && total + down[dd].length <= AUTO_LIMIT) { total += down[dd++].length; grew = true; }
  }
  return { up: du, down: dd, maxUp: up.length, maxDown: down.length };
}

function lineageElements(id) {
  var up = bfsLayers(id, 'parents');
  var down = bfsLayers(id, 'children');
  var d = resolveDepths(up, down);
  lastDepths = d;
  var ups = new Set([id]);
  var downs = new Set([id]);
  up.slice(0, d.up).forEach(function (l) { l.forEach(function (x) { ups.add(x); }); });
  down.slice(0, d.down).forEach(function (l) { l.forEach(function (x) { downs.add(x); }); });
  var ids = new Set(ups);
  downs.forEach(function (x) { ids.add(x); });
  var els = [];
  ids.forEach(function (x) {
    els.push({ group: 'nodes', data: nodeData(BY_ID.get(x)), classes: x === id ? 'focus' : '' });
  });
  ids.forEach(function (x) {
    BY_ID.get(x).children.forEach(function (c) {
      if (ids.has(c)) els.push({ group: 'edges', data: { id: 'e:' + x + '>' + c, source: x, target: c } });
    });
  });
  var ghost = function (x, dir, count) {
    var gid = 'ghost:' + dir + ':' + x;
    var more = count + ' more ' + (dir === 'up' ? 'upstream' : 'downstream');
    els.push({ group: 'nodes', classes: 'ghost', data: { id: gid, label: '+' + count, w: 44, tw: 36, color: '#fff', dir: dir, tip: more + ' \u2013 click to show' } });
    els.push({ group: 'edges', classes: 'ghost', data: { id: 'e:' + gid, source: dir === 'up' ? gid : x, target: dir === 'up' ? x : gid } });
  };
  ups.forEach(function (x) {
    var hidden = BY_ID.get(x).parents.filter(function (p) { return !ids.has(p) && BY_ID.has(p); }).length;
    if (hidden) ghost(x, 'up', hidden);
  });
  downs.forEach(function (x) {
    var hidden = BY_ID.get(x).children.filter(function (c) { return !ids.has(c) && BY_ID.has(c); }).length;
    if (hidden) ghost(x, 'down', hidden);
  });
  return { els: els, count: ids.size };
}

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

function groupElements(gi) {
  var ids = new Set();
  GRAPH_NODES.forEach(function (n) { if (OVERVIEW.groupOf[n.uniqueId] === gi) ids.add(n.uniqueId); });
  var els = [];
  ids.forEach(function (x) { els.push({ group: 'nodes', data: nodeData(BY_ID.get(x)), classes: x === focusId ? 'focus' : '' }); });
  ids.forEach(function (x) {
    BY_ID.get(x).children.forEach(function (c) {
      if (ids.has(c)) els.push({ group: 'edges', data: { id: 'e:' + x + '>' + c, source: x, target: c } });
    });
  });
  return { els: els, count: ids.size };
}

function renderLineage() {
  hideTip();
  var empty = document.getElementById('graph-empty');
  document.getElementById('depth-controls').hidden = focusGroup !== null;
  if (focusGroup !== null) {
    empty.hidden = true;
    if (!cyLineage) cyLineage = makeCy(document.getElementById('cy-lineage'), false);
    var g = groupElements(focusGroup);
    layoutInto(cyLineage, g.els);
    setGraphInfo('Group ' + OVERVIEW.groups[focusGroup].label + ' \u00b7 ' + fmtInt(g.count) + ' nodes');
    return;
  }
  if (!focusId) { empty.hidden = false; if (cyLineage) cyLineage.elements().remove(); setGraphInfo(''); return; }
  empty.hidden = true;
  if (!cyLineage) cyLineage = makeCy(document.getElementById('cy-lineage'), false);
  var built = lineageElements(focusId);
  var useDagre = layoutInto(cyLineage, built.els);
  updateDepthSelects();
  setGraphInfo(fmtInt(built.count) + ' nodes \u00b7 ' + lastDepths.up + '\u2191 ' + lastDepths.down + '\u2193' +
    (useDagre ? '' : ' \u00b7 fast layout'));
}

/** Replace the elements of cy and lay them out: dagre when small enough, else precomputed layers. */
function layoutInto(cy, els) {
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

function openGroup(gi) {
  focusGroup = gi;
  setGraphView('lineage');
}

function expandGhost(dir) {
  if (dir === 'up') depthUp = String(lastDepths.up + 1);
  else depthDown = String(lastDepths.down + 1);
  renderLineage();
}

function groupedOverviewElements() {
  var groups = OVERVIEW.groups;
  var mats = groups.map(function () { return {}; });
  var worst = groups.map(function () { return null; });
  var rank = { pass: 1, skipped: 1, warn: 2, fail: 3, error: 3 };
  var edges = new Map();
  GRAPH_NODES.forEach(function (n) {
    var gi = OVERVIEW.groupOf[n.uniqueId];
    var k = matKey(n);
    mats[gi][k] = (mats[gi][k] || 0) + 1;
    var h = health(n);
    if (h && (!worst[gi] || rank[h] > rank[worst[gi]])) worst[gi] = h === 'error' ? 'fail' : h;
    n.children.forEach(function (c) {
      var gc = OVERVIEW.groupOf[c];
      if (gc === undefined || gc === gi) return;
      var key = gi + '>' + gc;
      edges.set(key, (edges.get(key) || 0) + 1);
    });
  });
  var els = groups.map(function (g, i) {
    var top = Object.keys(mats[i]).sort(function (a, b) { return mats[i][b] - mats[i][a]; })[0];
    var w = Math.round(Math.max(110, Math.min(260, g.label.length * 6.6 + 30)));
    var d = { id: 'group:' + i, group: i, label: g.label + '\n' + fmtInt(g.size) + ' nodes', w: w, tw: w - 16,
      h: 44, color: MAT_COLORS[top] || MAT_COLORS.other, tip: g.label + ': ' + fmtInt(g.size) + ' nodes \u2013 click to open' };
    if (worst[i]) { d.status = worst[i]; d.statusColor = STATUS_COLORS[worst[i]]; }
    return { group: 'nodes', classes: 'group', data: d, position: { x: g.x, y: g.y } };
  });
  edges.forEach(function (count, key) {
    var p = key.split('>');
    els.push({ group: 'edges', classes: 'group', data: { id: 'ge:' + key, source: 'group:' + p[0], target: 'group:' + p[1], width: Math.min(6, 1 + Math.log2(count)) } });
  });
  return els;
}

function ensureOverview() {
  if (cyOverview) return;
  if (GROUPED) {
    cyOverview = makeCy(document.getElementById('cy-overview'), false);
    cyOverview.add(groupedOverviewElements());
    cyOverview.fit(undefined, 28);
    // Keep group labels readable: start at the sources (left) rather than shrinking everything.
    if (cyOverview.zoom() < 0.5) {
      var bb = cyOverview.elements().boundingBox();
      cyOverview.zoom(0.5);
      cyOverview.pan({ x: 28 - bb.x1 * 0.5, y: Math.max(28 - bb.y1 * 0.5, (cyOverview.height() - bb.h * 0.5) / 2 - bb.y1 * 0.5) });
    }
    if (cyOverview.zoom() > 1.3) { cyOverview.zoom(1.3); cyOverview.center(); }
    return;
  }
  var big = GRAPH_NODES.length > OVERVIEW_DAGRE_LIMIT;
  cyOverview = makeCy(document.getElementById('cy-overview'), big);
  var els = [];
  GRAPH_NODES.forEach(function (n) {
    var p = OVERVIEW.positions[n.uniqueId] || [0, 0];
    els.push({ group: 'nodes', data: nodeData(n), position: { x: p[0], y: p[1] } });
  });
  GRAPH_NODES.forEach(function (n) {
    n.children.forEach(function (c) {
      if (BY_ID.has(c)) els.push({ group: 'edges', data: { id: 'e:' + n.uniqueId + '>' + c, source: n.uniqueId, target: c } });
    });
  });
  cyOverview.add(els);
  if (big) cyOverview.fit(undefined, 20);
  else cyOverview.layout({ name: 'dagre', rankDir: 'LR', nodeSep: 12, rankSep: 64, padding: 28, fit: true, animate: false }).run();
  if (cyOverview.zoom() > 1.3) { cyOverview.zoom(1.3); cyOverview.center(); }
}

function highlightOverview() {
  var cy = cyOverview;
  if (GROUPED) {
    cy.nodes('.focus').removeClass('focus');
    var gi = focusId ? OVERVIEW.groupOf[focusId] : undefined;
    if (gi !== undefined) cy.getElementById('group:' + gi).addClass('focus');
    return;
  }
  cy.batch(function () {
    cy.elements('.faded').removeClass('faded');
    cy.elements('.focus, .lin').removeClass('focus lin');
    if (!focusId || !cy.hasElementWithId(focusId)) return;
    var node = cy.getElementById(focusId);
    var lin = node.predecessors().union(node.successors()).union(node);
    cy.elements().difference(lin).addClass('faded');
    lin.edges().addClass('lin');
    node.addClass('focus');
  });
}

function renderOverview() {
  hideTip();
  document.getElementById('graph-empty').hidden = true;
  ensureOverview();
  cyOverview.resize();
  highlightOverview();
  if (!GROUPED && focusId && cyOverview.hasElementWithId(focusId)) cyOverview.center(cyOverview.getElementById(focusId));
  setGraphInfo(GROUPED ? fmtInt(GRAPH_NODES.length) + ' nodes in ' + fmtInt(OVERVIEW.groups.length) + ' groups \u00b7 click a group to open it' :
    fmtInt(GRAPH_NODES.length) + ' nodes' + (GRAPH_NODES.length > OVERVIEW_DAGRE_LIMIT ? ' \u00b7 layered layout' : ''));
}

function setGraphView(v, noRender) {
  graphView = v;
  document.getElementById('cy-lineage').hidden = v !== 'lineage';
  document.getElementById('cy-overview').hidden = v !== 'overview';
  document.querySelectorAll('[data-view]').forEach(function (b) { b.classList.toggle('active', b.dataset.view === v); });
  document.getElementById('depth-controls').hidden = v !== 'lineage' || focusGroup !== null;
  if (!noRender) renderGraph();
}

function renderGraph() {
  if (graphView === 'overview') renderOverview();
  else { renderLineage(); if (cyLineage) cyLineage.resize(); }
}

function currentCy() { return graphView === 'overview' ? cyOverview : cyLineage; }

function setGraphInfo(text) { document.getElementById('graph-info').textContent = text; }

var DEPTH_OPTIONS = ['auto', '1', '2', '3', '4', '5', '10', 'all'];

function updateDepthSelects() {
  [['depth-up', depthUp, lastDepths.up], ['depth-down', depthDown, lastDepths.down]].forEach(function (s) {
    var sel = document.getElementById(s[0]);
    if (!sel.options.length) DEPTH_OPTIONS.forEach(function (o) { sel.appendChild(el('option', { value: o })); });
    Array.prototype.forEach.call(sel.options, function (o) {
      o.textContent = o.value === 'auto' ? 'Auto (' + s[2] + ')' : o.value === 'all' ? 'All' : o.value;
    });
    sel.value = DEPTH_OPTIONS.indexOf(s[1]) >= 0 ? s[1] : 'all';
  });
}

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
