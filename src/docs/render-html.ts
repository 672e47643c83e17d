import { isLineageType } from './lineage.js';
import { computeOverviewGroups } from './overview-groups.js';
import { computeOverviewLayout, type OverviewLayout } from './overview-layout.js';
import { PAGE_STYLE } from './page-style.js';
import type { DocsData, PagePayload } from './types.js';

export type { PagePayload } from './types.js';

/** The browser script the page inlines. */
export interface PageAssets {
  /**
   * The page bundle the build writes to dist/docs/page.js (the modules in page/ with cytoscape and
   * cytoscape-dagre, one IIFE); {@link loadPageAssets} reads it.
   */
  readonly script: string;
}

/** Above this many lineage nodes the overview shows groups, not every node. */
export const FULL_OVERVIEW_LIMIT = 1000;

/**
 * Render the whole site as one self-contained HTML document: styles, the page script (with
 * cytoscape) and the data are all inlined, so it works from `file://` with no network. Pure.
 */
export function renderDocsHtml(data: DocsData, assets: PageAssets, layout?: OverviewLayout): string {
  const lineage = data.nodes.filter((n) => isLineageType(n.resourceType));
  const overview = layout ?? computeOverviewLayout(lineage);
  const { positions, depth } = overview;
  const byPosition = (a: string, b: string) => positions[a]![0] - positions[b]![0] || positions[a]![1] - positions[b]![1];
  const groups = lineage.length > FULL_OVERVIEW_LIMIT ? computeOverviewGroups(lineage, depth, byPosition) : {};
  const payload: PagePayload = { data, overview: { positions, depth, ...groups } };
  const title = escapeHtml(`${data.projectName} · bmp docs`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="bmp docs">
<link rel="icon" href="${FAVICON}">
<title>${title}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header class="topbar">
  <div class="brand"><span class="logo">bmp</span><span class="sep">/</span><span id="project-name" class="project">${escapeHtml(data.projectName)}</span></div>
  <div class="search-wrap">
    <svg width="15" height="15" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" aria-hidden="true"><circle cx="11" cy="11" r="7"/><path d="m20 20-3.5-3.5"/></svg>
    <input id="search" type="search" placeholder="Search models, sources, seeds, tests, columns" autocomplete="off" spellcheck="false" aria-label="Search">
    <kbd>/</kbd>
  </div>
  <div id="generated-at" class="generated"></div>
</header>
<div class="layout">
  <aside class="sidebar" aria-label="Nodes">
    <div id="type-filters" class="filters"></div>
    <ul id="results" class="results"></ul>
    <div id="result-count" class="result-count"></div>
  </aside>
  <main class="main">
    <section id="graph-panel" class="graph-panel" aria-label="Lineage graph">
      <div class="graph-toolbar">
        <div class="seg" role="group" aria-label="Graph view"><button type="button" data-view="lineage">Lineage</button><button type="button" data-view="overview">Overview</button></div>
        <div id="depth-controls" class="depth"><label>Upstream<select id="depth-up" aria-label="Upstream depth"></select></label><label>Downstream<select id="depth-down" aria-label="Downstream depth"></select></label></div>
        <span id="graph-info" class="graph-info"></span>
        <span class="spacer"></span>
        <button id="fit" class="btn" type="button">Fit</button>
      </div>
      <div id="graph-wrap" class="graph-wrap">
        <div id="cy-lineage" class="cy"></div>
        <div id="cy-overview" class="cy" hidden></div>
        <div id="graph-empty" class="graph-empty" hidden><p>Select a node to see its lineage.</p><button id="open-overview" class="btn" type="button">Show the whole project (<span id="empty-count"></span> nodes)</button></div>
        <div id="legend" class="legend"></div>
        <div id="graph-tip" class="graph-tip" hidden></div>
      </div>
    </section>
    <div id="resizer" class="resizer" title="Drag to resize"></div>
    <section id="details" class="details" aria-live="polite"></section>
  </main>
</div>
<noscript><p style="padding:24px">This page needs JavaScript.</p></noscript>
<script type="application/json" id="bmp-docs-data">${jsonForScript(payload)}</script>
<script>${scriptSafe(assets.script)}</script>
</body>
</html>
`;
}

const FAVICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">' +
      '<stop offset="0" stop-color="#3b82f6"/><stop offset="1" stop-color="#8b5cf6"/></linearGradient></defs>' +
      '<rect width="32" height="32" rx="7" fill="url(#g)"/><circle cx="9" cy="16" r="3.5" fill="#fff"/>' +
      '<circle cx="23" cy="9" r="3.5" fill="#fff"/><circle cx="23" cy="23" r="3.5" fill="#fff"/>' +
      '<path d="M12 15l8-5M12 17l8 5" stroke="#fff" stroke-width="2"/></svg>',
  );

/** Escape text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * JSON that can sit inside `<script type="application/json">`: `<`, `>` and `&` become `\u003c`
 * etc. (so no `</script>` or `<!--` can end or confuse the block) and U+2028/2029 are escaped.
 * `JSON.parse(element.textContent)` gives the value back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Make a JavaScript source safe to inline in a `<script>` element. `</script` and `<!--` can only
 * occur in string, regex or comment text of valid code, where `<\/script` and `\x3C!--` mean the same.
 */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '\\x3C!--');
}
