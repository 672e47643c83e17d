/**
 * Browser code of the docs page, part 3: the two graph views. Lineage: the selected node with its
 * ancestors and descendants to a depth (auto: as deep as fits AUTO_LIMIT nodes), with "+n" ghost
 * nodes where more is hidden; or the members of one overview group. Overview: every node at the
 * generate-time layered positions, or, past FULL_OVERVIEW_LIMIT nodes, the generate-time groups.
 */
export const PAGE_SCRIPT_VIEWS = String.raw`
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
  document.getElementById('depth-controls').hidden = focusGroup !== null || !focusId;
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
    var w = Math.round(Math.max(120, Math.min(270, g.label.length * 7.4 + 30)));
    var d = { id: 'group:' + i, group: i, label: g.label + '\n' + fmtInt(g.size) + ' nodes', w: w, tw: w - 16,
      h: 48, color: MAT_COLORS[top] || MAT_COLORS.other, tip: g.label + ': ' + fmtInt(g.size) + ' nodes \u2013 click to open' };
    if (worst[i]) { d.status = worst[i]; d.statusColor = STATUS_COLORS[worst[i]]; }
    return { group: 'nodes', classes: 'group', data: d, position: { x: g.x, y: g.y } };
  });
  // Every group pair is linked somewhere in a big project; draw each group's three strongest
  // links in and out, and the rest only while the group is hovered or holds the selected node.
  var strong = new Set();
  var best = function (pick) {
    var by = new Map();
    edges.forEach(function (count, key) {
      var g = key.split('>')[pick];
      if (!by.has(g)) by.set(g, []);
      by.get(g).push([count, key]);
    });
    by.forEach(function (list) { list.sort(function (a, b) { return b[0] - a[0]; }).slice(0, 3).forEach(function (x) { strong.add(x[1]); }); });
  };
  best(0);
  best(1);
  edges.forEach(function (count, key) {
    var p = key.split('>');
    els.push({ group: 'edges', classes: strong.has(key) ? 'group' : 'group weak',
      data: { id: 'ge:' + key, source: 'group:' + p[0], target: 'group:' + p[1], width: Math.min(6, 1 + Math.log2(count)) } });
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
    if (cyOverview.zoom() < 0.7) {
      var bb = cyOverview.elements().boundingBox();
      cyOverview.zoom(0.7);
      cyOverview.pan({ x: 28 - bb.x1 * 0.7, y: 28 - bb.y1 * 0.7 });
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
    cy.edges('.lin').removeClass('lin');
    var gi = focusId ? OVERVIEW.groupOf[focusId] : undefined;
    if (gi !== undefined) cy.getElementById('group:' + gi).addClass('focus').connectedEdges().addClass('lin');
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
  var centre = !focusId ? null : GROUPED ? cyOverview.getElementById('group:' + OVERVIEW.groupOf[focusId]) : cyOverview.getElementById(focusId);
  if (centre && centre.length) cyOverview.center(centre);
  setGraphInfo(GROUPED ? fmtInt(GRAPH_NODES.length) + ' nodes in ' + fmtInt(OVERVIEW.groups.length) + ' groups \u00b7 click a group to open it' :
    fmtInt(GRAPH_NODES.length) + ' nodes' + (GRAPH_NODES.length > OVERVIEW_DAGRE_LIMIT ? ' \u00b7 layered layout' : ''));
}

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
`;
