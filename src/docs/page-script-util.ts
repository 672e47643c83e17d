/**
 * Browser code of the docs page, part 1: DOM helpers, status and colour rules, a safe
 * markdown subset for descriptions and a SQL/Jinja highlighter.
 *
 * The page script is plain ES2020 kept as `String.raw` text (no template literals, no `${`) and
 * concatenated into one IIFE by render-html.ts; all parts share its scope. Data is only ever put
 * into the DOM with `textContent` and attributes, never parsed as HTML.
 */
export const PAGE_SCRIPT_UTIL = String.raw`
var payload = JSON.parse(document.getElementById('bmp-docs-data').textContent);
var DATA = payload.data;
var OVERVIEW = payload.overview;
var RUN = DATA.runResults || {};
var NODES = DATA.nodes;
var BY_ID = new Map();
NODES.forEach(function (n) { BY_ID.set(n.uniqueId, n); });
var LINEAGE_TYPES = { model: 1, seed: 1, source: 1, snapshot: 1, analysis: 1 };
var GRAPH_NODES = NODES.filter(function (n) { return LINEAGE_TYPES[n.resourceType] === 1; });

var MAT_COLORS = {
  table: '#2563eb', view: '#0d9488', incremental: '#7c3aed', ephemeral: '#94a3b8',
  external: '#0891b2', materialized_view: '#4f46e5', seed: '#a16207', source: '#475569',
  snapshot: '#db2777', analysis: '#78716c', other: '#6b7280'
};
var MAT_LABELS = {
  table: 'table', view: 'view', incremental: 'incremental', ephemeral: 'ephemeral', external: 'external',
  seed: 'seed', source: 'source', snapshot: 'snapshot'
};
var STATUS_COLORS = { pass: '#16a34a', warn: '#f59e0b', fail: '#dc2626', error: '#dc2626', skipped: '#9ca3af' };
var STATUS_LABELS = { pass: 'tests pass', warn: 'tests warn', fail: 'tests fail', error: 'run error', skipped: 'skipped' };
var TYPE_LABELS = {
  model: 'Model', source: 'Source', seed: 'Seed', snapshot: 'Snapshot', test: 'Test',
  unit_test: 'Unit test', analysis: 'Analysis'
};

function el(tag, props, children) {
  var e = document.createElement(tag);
  if (props) {
    Object.keys(props).forEach(function (k) {
      var v = props[k];
      if (v === undefined || v === null || v === false) return;
      if (k === 'text') e.textContent = String(v);
      else if (k === 'className') e.className = v;
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.keys(v).forEach(function (d) { e.dataset[d] = v[d]; });
      else e.setAttribute(k, v === true ? '' : String(v));
    });
  }
  (children || []).forEach(function (c) {
    if (c === undefined || c === null || c === false) return;
    e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  });
  return e;
}

function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }

function fmtInt(n) { return Number(n).toLocaleString('en-US'); }

function displayName(n) {
  return n.resourceType === 'source' && n.sourceName ? n.sourceName + '.' + n.name : n.name;
}

/** Colour key of a node: its materialization for models, else its resource type. */
function matKey(n) {
  if (n.resourceType === 'model') return MAT_COLORS[n.materialized] ? n.materialized : 'other';
  return MAT_COLORS[n.resourceType] ? n.resourceType : 'other';
}

function runOf(id) { return RUN[id]; }

/** Worst status of the tests attached to a node: fail > warn > pass; null when none ran. */
function testStatus(n) {
  var worst = null;
  n.testIds.forEach(function (t) {
    var r = RUN[t];
    if (!r) return;
    var s = r.status === 'fail' || r.status === 'error' ? 'fail' : r.status === 'warn' ? 'warn' :
      r.status === 'pass' || r.status === 'success' ? 'pass' : null;
    if (s === 'fail' || (s === 'warn' && worst !== 'fail') || (s === 'pass' && !worst)) worst = s;
  });
  return worst;
}

/** What the ring around a graph node shows: the node's own failure first, then its tests. */
function health(n) {
  var own = RUN[n.uniqueId];
  if (own && (own.status === 'error' || own.status === 'fail')) return 'error';
  var t = testStatus(n);
  if (t) return t;
  if (own && own.status === 'skipped') return 'skipped';
  return null;
}

function statusClass(status) {
  if (status === 'pass' || status === 'success') return 'ok';
  if (status === 'warn') return 'warn';
  if (status === 'fail' || status === 'error') return 'bad';
  return 'muted';
}

// ---- a safe markdown subset: paragraphs, headings, lists, fenced code, inline code/bold/italic/links
function renderMarkdown(text) {
  var root = el('div', { className: 'md' });
  var lines = String(text || '').replace(/\r\n?/g, '\n').split('\n');
  var i = 0;
  while (i < lines.length) {
    var line = lines[i];
    if (/^\s*$/.test(line)) { i++; continue; }
    if (/^\s*(\x60\x60\x60|~~~)/.test(line)) {
      var fence = line.trim().slice(0, 3);
      var code = [];
      i++;
      while (i < lines.length && lines[i].trim().slice(0, 3) !== fence) code.push(lines[i++]);
      i++;
      root.appendChild(el('pre', { className: 'code small' }, [highlightSql(code.join('\n'))]));
      continue;
    }
    var h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) { root.appendChild(inline(el('h4'), h[2])); i++; continue; }
    if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      var ordered = /^\s*\d/.test(line);
      var list = el(ordered ? 'ol' : 'ul');
      while (i < lines.length && /^\s*([-*+]|\d+[.)])\s+/.test(lines[i])) {
        list.appendChild(inline(el('li'), lines[i].replace(/^\s*([-*+]|\d+[.)])\s+/, '')));
        i++;
      }
      root.appendChild(list);
      continue;
    }
    var para = [];
    while (i < lines.length && !/^\s*$/.test(lines[i]) && !/^\s*(\x60\x60\x60|~~~|#{1,6}\s|[-*+]\s)/.test(lines[i])) para.push(lines[i++]);
    root.appendChild(inline(el('p'), para.join(' ')));
  }
  return root;
}

var INLINE_RE = /(\x60[^\x60]+\x60)|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+)/g;

function inline(parent, text) {
  var last = 0;
  var m;
  INLINE_RE.lastIndex = 0;
  while ((m = INLINE_RE.exec(text))) {
    if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
    if (m[1]) parent.appendChild(el('code', { text: m[1].slice(1, -1) }));
    else if (m[2] || m[3]) parent.appendChild(el('strong', { text: m[2] || m[3] }));
    else if (m[4]) parent.appendChild(el('em', { text: m[4] }));
    else if (m[5]) parent.appendChild(link(m[5], m[6]));
    else if (m[7]) parent.appendChild(link(m[7], m[7]));
    last = INLINE_RE.lastIndex;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  return parent;
}

function link(label, href) {
  if (!/^(https?:|mailto:|#)/i.test(href)) return document.createTextNode(label);
  return el('a', { href: href, text: label, target: href.charAt(0) === '#' ? null : '_blank', rel: 'noopener noreferrer' });
}

// ---- SQL / Jinja highlighting, built from text nodes and spans
var SQL_KEYWORDS = new Set(('select from where and or not in is null as on join left right inner outer full cross ' +
  'group by order having limit offset union all distinct case when then else end with recursive insert into ' +
  'values update set delete create table view or replace materialized drop alter if exists cast qualify ' +
  'over partition window rows range between asc desc nulls first last using lateral natural true false ' +
  'like ilike any exclude except intersect returning struct list interval filter within array').split(' '));
var TOKEN_RE = /(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\})|(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*')|("(?:[^"]|"")*")|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_$]*)/g;

function highlightSql(code) {
  var frag = document.createDocumentFragment();
  if (code.length > 300000) { frag.appendChild(document.createTextNode(code)); return frag; }
  var last = 0;
  var m;
  TOKEN_RE.lastIndex = 0;
  while ((m = TOKEN_RE.exec(code))) {
    var cls = m[1] ? 'tj' : m[2] ? 'tc' : m[3] ? 'ts' : m[4] ? 'ti' : m[5] ? 'tn' :
      SQL_KEYWORDS.has(m[6].toLowerCase()) ? 'tk' : null;
    if (!cls) continue;
    if (m.index > last) frag.appendChild(document.createTextNode(code.slice(last, m.index)));
    frag.appendChild(el('span', { className: cls, text: m[0] }));
    last = TOKEN_RE.lastIndex;
  }
  if (last < code.length) frag.appendChild(document.createTextNode(code.slice(last)));
  return frag;
}

function copyText(text, button) {
  var done = function () {
    var old = button.textContent;
    button.textContent = 'Copied';
    setTimeout(function () { button.textContent = old; }, 1200);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
  } else { fallbackCopy(text); done(); }
}

function fallbackCopy(text) {
  var ta = el('textarea', { style: 'position:fixed;left:-9999px;top:0' });
  ta.value = text;
  document.body.appendChild(ta);
  ta.select();
  try { document.execCommand('copy'); } catch (e) { /* nothing to do */ }
  document.body.removeChild(ta);
}
`;
