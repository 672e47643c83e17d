/** Stylesheet of the docs page (inlined into index.html). */
export const PAGE_STYLE = String.raw`
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
:root {
  --bg: #f6f8fb; --panel: #ffffff; --line: #e3e8ef; --line-2: #eef2f6; --text: #1e293b; --muted: #64748b;
  --accent: #2563eb; --ok: #16a34a; --warn: #d97706; --bad: #dc2626; --top: #0f172a;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  --sans: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
html, body { height: 100%; margin: 0; }
body { font: 14px/1.5 var(--sans); color: var(--text); background: var(--bg); display: flex; flex-direction: column; overflow: hidden; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
button, select, input { font: inherit; color: inherit; }
.mono, code, pre { font-family: var(--mono); font-size: 12.5px; }
.muted { color: var(--muted); }

.topbar { height: 54px; flex: none; display: flex; align-items: center; gap: 24px; padding: 0 18px; background: var(--top); color: #e2e8f0; }
.brand { display: flex; align-items: center; gap: 8px; min-width: 262px; font-weight: 600; white-space: nowrap; overflow: hidden; }
.logo { background: linear-gradient(135deg, #3b82f6, #8b5cf6); color: #fff; border-radius: 6px; padding: 2px 8px; font-size: 13px; letter-spacing: .02em; }
.brand .sep { color: #475569; }
.project { font-size: 15px; overflow: hidden; text-overflow: ellipsis; }
.search-wrap { position: relative; flex: 1; max-width: 640px; }
.search-wrap svg { position: absolute; left: 11px; top: 50%; transform: translateY(-50%); color: #94a3b8; }
#search { width: 100%; height: 36px; padding: 0 40px 0 36px; border-radius: 8px; border: 1px solid #334155; background: #1e293b; color: #f1f5f9; outline: none; }
#search::placeholder { color: #94a3b8; }
#search:focus { border-color: #60a5fa; box-shadow: 0 0 0 3px rgba(96,165,250,.25); }
.search-wrap kbd { position: absolute; right: 9px; top: 50%; transform: translateY(-50%); font: 11px var(--mono); color: #94a3b8; border: 1px solid #475569; border-radius: 4px; padding: 0 5px; }
.generated { margin-left: auto; font-size: 12px; color: #94a3b8; white-space: nowrap; }

.layout { flex: 1; display: flex; min-height: 0; }
.sidebar { width: 300px; flex: none; background: var(--panel); border-right: 1px solid var(--line); display: flex; flex-direction: column; min-height: 0; }
.filters { display: flex; flex-wrap: wrap; gap: 6px; padding: 12px 12px 10px; border-bottom: 1px solid var(--line-2); }
.chip { border: 1px solid var(--line); background: #fff; border-radius: 999px; padding: 2px 10px; font-size: 12px; cursor: pointer; display: inline-flex; gap: 6px; align-items: center; }
.chip:hover { border-color: #cbd5e1; background: #f8fafc; }
.chip.active { background: #eff6ff; border-color: #93c5fd; color: #1d4ed8; }
.chip .count { color: var(--muted); font-size: 11px; }
.results { list-style: none; margin: 0; padding: 4px 0 8px; overflow-y: auto; flex: 1; }
.results .group { padding: 10px 16px 4px; font-size: 11px; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; color: var(--muted); }
.result { width: 100%; display: flex; align-items: center; gap: 10px; padding: 6px 14px 6px 16px; border: 0; background: none; text-align: left; cursor: pointer; border-left: 3px solid transparent; }
.result:hover { background: #f8fafc; }
.result.selected { background: #eff6ff; border-left-color: var(--accent); }
.r-main { display: flex; flex-direction: column; min-width: 0; flex: 1; }
.r-name { font-weight: 500; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.r-sub { font-size: 11.5px; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.dot { width: 9px; height: 9px; border-radius: 3px; flex: none; display: inline-block; }
.result-count { padding: 8px 16px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line-2); }
.result-count:empty { display: none; }

.main { flex: 1; display: flex; flex-direction: column; min-width: 0; min-height: 0; }
.graph-panel { height: 44%; min-height: 160px; flex: none; display: flex; flex-direction: column; background: var(--panel); border-bottom: 1px solid var(--line); }
.graph-toolbar { display: flex; align-items: center; gap: 14px; padding: 8px 12px; border-bottom: 1px solid var(--line-2); font-size: 12.5px; }
.seg { display: inline-flex; border: 1px solid var(--line); border-radius: 7px; overflow: hidden; }
.seg button { border: 0; background: #fff; padding: 4px 12px; cursor: pointer; }
.seg button + button { border-left: 1px solid var(--line); }
.seg button.active { background: #0f172a; color: #fff; }
.depth { display: inline-flex; gap: 12px; color: var(--muted); }
.depth select { margin-left: 4px; border: 1px solid var(--line); border-radius: 6px; padding: 2px 4px; background: #fff; color: var(--text); }
.graph-info { color: var(--muted); }
.spacer { flex: 1; }
.btn { border: 1px solid var(--line); background: #fff; border-radius: 7px; padding: 4px 12px; cursor: pointer; }
.btn:hover { background: #f8fafc; border-color: #cbd5e1; }
.btn.small { padding: 2px 10px; font-size: 12px; }
.graph-wrap { position: relative; flex: 1; min-height: 0; background-color: #fbfcfe; background-image: radial-gradient(#dfe5ee 1px, transparent 1px); background-size: 18px 18px; }
.cy { position: absolute; inset: 0; }
.graph-empty { position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 6px; color: var(--muted); }
.graph-empty p { margin: 0; }
.legend { position: absolute; left: 10px; bottom: 8px; display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 11.5px; color: var(--muted); background: rgba(255,255,255,.88); padding: 4px 10px; border: 1px solid var(--line-2); border-radius: 7px; pointer-events: none; max-width: calc(100% - 20px); }
.lg { display: inline-flex; align-items: center; gap: 5px; }
.sw { width: 10px; height: 10px; border-radius: 3px; display: inline-block; }
.ring { width: 10px; height: 10px; border-radius: 3px; border: 2.5px solid; display: inline-block; background: #fff; }
.graph-tip { position: absolute; z-index: 5; pointer-events: none; background: #0f172a; color: #f8fafc; padding: 6px 9px; border-radius: 6px; font-size: 12px; box-shadow: 0 4px 14px rgba(15,23,42,.25); max-width: 360px; }
.tip-title { font-weight: 600; }
.tip-sub { color: #cbd5e1; font-size: 11.5px; }
.resizer { height: 6px; flex: none; cursor: row-resize; background: var(--bg); border-bottom: 1px solid var(--line); }
.resizer:hover { background: #dbeafe; }

.details { flex: 1; overflow-y: auto; padding: 22px 32px 48px; }
.details > * { max-width: 1180px; }
.detail-head h1 { margin: 0 0 8px; font-size: 22px; font-weight: 650; display: flex; align-items: center; flex-wrap: wrap; gap: 8px; }
.detail-head .title { margin-right: 4px; word-break: break-all; }
.badge { font-size: 11.5px; font-weight: 600; padding: 2px 8px; border-radius: 999px; background: #e2e8f0; color: #334155; }
.badge.mat { color: #fff; }
.badge.status.ok { background: #dcfce7; color: #166534; }
.badge.status.warn { background: #fef3c7; color: #92400e; }
.badge.status.bad { background: #fee2e2; color: #991b1b; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0 0 10px; font-size: 12.5px; }
.meta div { display: flex; gap: 6px; min-width: 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; word-break: break-all; }
.tags { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 10px; }
.tag { font-size: 12px; color: #475569; background: #f1f5f9; border-radius: 5px; padding: 1px 7px; }
.message { font: 12.5px var(--mono); white-space: pre-wrap; padding: 8px 12px; border-radius: 7px; margin-bottom: 10px; }
.message.bad { background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
.message.warn { background: #fffbeb; color: #92400e; border: 1px solid #fde68a; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px; margin-top: 14px; }
.card h2 { font-size: 13px; font-weight: 650; text-transform: uppercase; letter-spacing: .05em; color: #475569; margin: 0 0 10px; display: flex; align-items: center; gap: 8px; }
.card h2 .count { font-size: 11px; background: #f1f5f9; color: var(--muted); border-radius: 999px; padding: 0 7px; letter-spacing: 0; }
.card h3 { font-size: 12px; font-weight: 600; color: var(--muted); margin: 0 0 6px; }
.md p { margin: 0 0 8px; }
.md p:last-child { margin-bottom: 0; }
.md h4 { margin: 8px 0 4px; font-size: 14px; }
.md ul, .md ol { margin: 0 0 8px; padding-left: 22px; }
.md code { background: #f1f5f9; padding: 1px 5px; border-radius: 4px; }
.table-wrap { overflow-x: auto; }
table.grid { width: 100%; border-collapse: collapse; font-size: 13px; }
table.grid th { text-align: left; font-size: 11.5px; font-weight: 600; color: var(--muted); padding: 6px 10px; border-bottom: 1px solid var(--line); background: #f8fafc; }
table.grid td { padding: 7px 10px; border-bottom: 1px solid var(--line-2); vertical-align: top; }
table.grid tr:last-child td { border-bottom: 0; }
table.grid .col-name { font-weight: 600; white-space: nowrap; }
table.grid .md p { margin: 0; }
.test-chip { display: inline-block; font: 11.5px var(--mono); padding: 1px 7px; margin: 0 4px 3px 0; border-radius: 5px; border: 1px solid var(--line); background: #f8fafc; color: #334155; }
.test-chip.ok { background: #f0fdf4; border-color: #bbf7d0; color: #166534; }
.test-chip.warn { background: #fffbeb; border-color: #fde68a; color: #92400e; }
.test-chip.bad { background: #fef2f2; border-color: #fecaca; color: #991b1b; }
.test-list { display: flex; flex-direction: column; }
.test-row { display: flex; gap: 12px; align-items: center; padding: 6px 4px; border-bottom: 1px solid var(--line-2); color: var(--text); }
.test-row:last-child { border-bottom: 0; }
.test-row:hover { background: #f8fafc; text-decoration: none; }
.test-row .msg { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pill { font-size: 11px; font-weight: 600; padding: 0 8px; border-radius: 999px; background: #f1f5f9; color: var(--muted); flex: none; min-width: 52px; text-align: center; }
.pill.ok { background: #dcfce7; color: #166534; }
.pill.warn { background: #fef3c7; color: #92400e; }
.pill.bad { background: #fee2e2; color: #991b1b; }
.bad-text { color: var(--bad); font-size: 12px; }
.lineage-lists { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; max-height: 220px; overflow-y: auto; }
.chip-node { display: inline-flex; align-items: center; gap: 6px; font-size: 12.5px; padding: 2px 9px; border: 1px solid var(--line); border-radius: 6px; color: var(--text); background: #fff; }
.chip-node:hover { border-color: #93c5fd; background: #eff6ff; text-decoration: none; }
.code-box { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.code-tabs { display: flex; align-items: center; gap: 2px; padding: 4px 6px; background: #f8fafc; border-bottom: 1px solid var(--line); }
.tab { border: 0; background: none; padding: 3px 10px; border-radius: 5px; cursor: pointer; font-size: 12.5px; color: var(--muted); }
.tab.active { background: #fff; color: var(--text); box-shadow: 0 0 0 1px var(--line); }
pre.code { margin: 0; padding: 12px 14px; overflow: auto; max-height: 480px; background: #fff; line-height: 1.55; white-space: pre; tab-size: 4; }
pre.code.small { border: 1px solid var(--line); border-radius: 6px; margin-bottom: 8px; }
.tk { color: #1d4ed8; font-weight: 600; }
.ts { color: #047857; }
.ti { color: #9333ea; }
.tn { color: #c2410c; }
.tc { color: #94a3b8; font-style: italic; }
.tj { color: #b45309; background: #fffbeb; }
table.kv { border-collapse: collapse; font-size: 12.5px; }
table.kv th { text-align: left; font-weight: 500; color: var(--muted); padding: 3px 24px 3px 0; vertical-align: top; white-space: nowrap; }
table.kv td { padding: 3px 0; word-break: break-word; }
.stats { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 14px; }
.stat { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 18px; min-width: 120px; }
.stat-n { font-size: 22px; font-weight: 650; }
.stat-l { font-size: 12px; color: var(--muted); }
@media (max-width: 900px) { .sidebar { width: 220px; } .brand { min-width: 0; } .lineage-lists { grid-template-columns: 1fr; } .generated { display: none; } }
`;
