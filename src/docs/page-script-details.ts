/**
 * Browser code of the docs page, part 4: the details panel of a node (header, description,
 * columns, tests, lineage lists, code, config) and the project home.
 */
export const PAGE_SCRIPT_DETAILS = String.raw`
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
`;
