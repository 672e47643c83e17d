#!/usr/bin/env node
/**
 * Plots the Biological Memory Pipeline's behaviour from a built database, as SVG (hand-written,
 * no plotting dependency): one figure per behavioural finding.
 *
 *   node scripts/plot-behaviour.mjs [DB] [OUT_DIR]
 *     DB       the built DuckDB file (default biological_memory.duckdb)
 *     OUT_DIR  where to write the SVGs (default docs/pipeline)
 *
 * Figures (all read the tables at the build's as_of, a cross-section of memories of every age):
 *   forgetting-curve.svg     retention (recall probability) vs age, log-log
 *   testing-effect.svg       P(recall) and P(in long-term memory) vs number of accesses
 *   emotion-by-delay.svg     P(recall) vs |valence| at a recent and a remote delay
 *   systems-consolidation.svg  hippocampal share of long-term memories vs age
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [dbPath = 'biological_memory.duckdb', outDir = 'docs/pipeline'] = process.argv.slice(2);

const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
const conn = await instance.connect();
const query = async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));

const [{ memories, as_of: asOf }] = await query("select count(*) as memories, strftime(max(as_of), '%Y-%m-%d %H:%M') as as_of from main.memory_retention");

// ---------------------------------------------------------------------------------------------
// A minimal SVG line chart: linear or log axes, series of points, legend.
// ---------------------------------------------------------------------------------------------
const W = 640;
const H = 420;
const M = { left: 70, right: 20, top: 48, bottom: 58 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v) => (Math.abs(v) >= 1000 ? v.toLocaleString('en') : Math.abs(v) >= 1 ? String(+v.toFixed(2)) : String(+v.toPrecision(2)));

function scale(axis, lo, hi, a, b) {
  if (axis.log) {
    const [l0, l1] = [Math.log10(lo), Math.log10(hi)];
    return (v) => a + ((Math.log10(v) - l0) / (l1 - l0)) * (b - a);
  }
  return (v) => a + ((v - lo) / (hi - lo)) * (b - a);
}

function ticks(axis, lo, hi) {
  if (axis.ticks) return axis.ticks;
  if (axis.log) {
    const out = [];
    const decades = Math.log10(hi / lo);
    const mantissas = decades > 3 ? [1] : decades > 1.2 ? [1, 2, 5] : [1, 1.5, 2, 3, 5, 7];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of mantissas) {
        const v = m * 10 ** e;
        if (v >= lo * 0.999 && v <= hi * 1.001) out.push({ v, label: fmt(v) });
      }
    }
    return out;
  }
  const step = (hi - lo) / 5;
  return Array.from({ length: 6 }, (_, i) => ({ v: lo + i * step, label: fmt(lo + i * step) }));
}

function chart({ title, subtitle, x, y, series, notes = [] }) {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  // the axes fit the data series; reference (dashed) lines are clipped to them
  const ys = series.filter((s) => !s.dashed).flatMap((s) => s.points.map((p) => p[1])).filter((v) => !y.log || v > 0);
  const [x0, x1] = x.range ?? [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = y.range ?? [y.log ? Math.min(...ys) / 2 : 0, y.log ? Math.min(1, Math.max(...ys) * 1.3) : Math.max(...ys) * 1.1];
  const sx = scale(x, x0, x1, M.left, W - M.right);
  const sy = scale(y, y0, y1, H - M.bottom, M.top);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${M.left}" y="20" font-size="15" font-weight="bold">${esc(title)}</text>`);
  if (subtitle) out.push(`<text x="${M.left}" y="36" font-size="11" fill="#555">${esc(subtitle)}</text>`);
  for (const t of ticks(x, x0, x1)) {
    const px = sx(t.v).toFixed(1);
    out.push(`<line x1="${px}" x2="${px}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`);
    out.push(`<text x="${px}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  for (const t of ticks(y, y0, y1)) {
    const py = sy(t.v).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py}" y2="${py}" stroke="#eee"/>`);
    out.push(`<text x="${M.left - 6}" y="${(+py + 4).toFixed(1)}" text-anchor="end">${esc(t.label)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">${esc(x.label)}</text>`);
  out.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(y.label)}</text>`);
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length];
    const pts = s.points.filter((p) => (!x.log || p[0] > 0) && (!y.log || p[1] > 0) && p[1] >= y0 && p[1] <= y1);
    const d = pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (!s.dashed) for (const p of pts) out.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="3" fill="${color}"/>`);
  });
  // the legend, over the lines
  out.push(`<rect x="${W - M.right - 236}" y="${M.top + 4}" width="230" height="${series.length * 16 + 6}" fill="white" fill-opacity="0.9" stroke="#ccc"/>`);
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length];
    const ly = M.top + 18 + i * 16;
    out.push(`<line x1="${W - M.right - 230}" x2="${W - M.right - 210}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${W - M.right - 204}" y="${ly}">${esc(s.name)}</text>`);
  });
  notes.forEach((n, i) => out.push(`<text x="${M.left + 8}" y="${H - M.bottom - 10 - i * 14}" font-size="11" fill="#555">${esc(n)}</text>`));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

const source = `${memories.toLocaleString('en')} memories, as_of ${asOf}`;
const written = [];
function write(name, svg) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, name), svg);
  written.push(join(outDir, name));
}

// 1. Forgetting curve: mean retention by age (log-spaced bins), memories never re-accessed vs all.
{
  const rows = await query(`
    select floor(log10(greatest(age_days, 1.0 / 1440)) * 4) / 4 as bin,
           exp(avg(ln(greatest(age_days, 1.0 / 1440)))) as age,
           avg(retention) filter (where access_count = 1) as pure,
           avg(retention) as all_memories,
           count(*) as n
    from main.memory_retention
    group by 1 having count(*) >= 2 order by 1`);
  // an exponential through the curve's value at ~1 day and ~30 days, for comparison
  const pure = rows.filter((r) => r.pure > 0).map((r) => [r.age, r.pure]);
  const at = (d) => pure.reduce((best, p) => (Math.abs(Math.log(p[0] / d)) < Math.abs(Math.log(best[0] / d)) ? p : best), pure[0]);
  const [a, b] = [at(1), at(30)];
  const k = Math.log(a[1] / b[1]) / (b[0] - a[0]);
  const expo = pure.map(([t]) => [t, a[1] * Math.exp(-k * (t - a[0]))]).filter(([, v]) => v > 1e-3);
  write('forgetting-curve.svg', chart({
    title: 'Forgetting slows with age (Jost 1897; Wixted & Ebbesen 1991)',
    subtitle: `mean recall probability by age, log-log; ${source}`,
    x: { label: 'age of the memory (days, log)', log: true },
    y: { label: 'retention (recall probability, log)', log: true },
    series: [
      { name: 'never re-accessed', points: pure },
      { name: 'all memories', points: rows.map((r) => [r.age, r.all_memories]) },
      { name: 'exponential through 1 d and 30 d', points: expo, dashed: true, color: '#999' },
    ],
    notes: ['a constant hazard (exponential) bends down on log-log axes; the model flattens with age'],
  }));
}

// 2. Testing effect: P(recall) and P(in long-term memory) by number of accesses (past the first night).
{
  const rows = await query(`
    select case when access_count = 1 then 1 when access_count = 2 then 2 when access_count <= 4 then 3
                when access_count <= 9 then 6 when access_count <= 19 then 13 when access_count <= 49 then 30
                when access_count <= 99 then 70 else 200 end as accesses,
           avg(retention) as p_recall,
           avg(in_long_term_memory::int) as p_ltm,
           count(*) as n
    from main.memory_retention
    where state <> 'short_term'
    group by 1 having count(*) >= 5 order by 1`);
  write('testing-effect.svg', chart({
    title: 'Retrieval strengthens memory (Roediger & Karpicke 2006)',
    subtitle: `memories past their first night, by accesses (binned, log); ${source}`,
    x: { label: 'accesses (encoding included, log)', log: true },
    y: { label: 'probability', range: [0, 1] },
    series: [
      { name: 'P(recall) at as_of', points: rows.map((r) => [r.accesses, r.p_recall]) },
      { name: 'P(in long-term memory)', points: rows.map((r) => [r.accesses, r.p_ltm]) },
    ],
  }));
}

// 3. Emotion: P(recall) by |valence| at a recent and a remote delay (memories never re-accessed).
{
  const rows = await query(`
    select floor(least(abs(emotional_valence), 0.999) * 5) / 5 + 0.1 as arousal,
           avg(retention) filter (where age_days between 2 and 90) as recent,
           avg(retention) filter (where age_days >= 180) as remote,
           count(*) filter (where age_days between 2 and 90) as n_recent,
           count(*) filter (where age_days >= 180) as n_remote
    from main.memory_retention
    where state <> 'short_term' and access_count = 1
    group by 1 order by 1`);
  write('emotion-by-delay.svg', chart({
    title: 'Emotion enhances memory, more at long delays (McGaugh 2004)',
    subtitle: `memories never re-accessed, P(recall) by |valence| (bins of 0.2); ${source}`,
    x: { label: '|emotional valence|', range: [0, 1], ticks: [0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => ({ v, label: String(v) })) },
    y: { label: 'P(recall) at as_of', range: [0, 1] },
    series: [
      { name: 'recent: 2-90 days old', points: rows.filter((r) => r.n_recent >= 5).map((r) => [r.arousal, r.recent]) },
      { name: 'remote: 180 days or older', points: rows.filter((r) => r.n_remote >= 5).map((r) => [r.arousal, r.remote]) },
    ],
  }));
}

// 4. Systems consolidation: hippocampal share of long-term memories by age.
{
  const rows = await query(`
    select floor(log10(greatest(age_days, 0.5)) * 4) / 4 as bin,
           exp(avg(ln(greatest(age_days, 0.5)))) as age,
           avg((memory_store = 'hippocampus')::int) as held_by_hippocampus,
           avg(hippocampal_share) as mean_share,
           count(*) as n
    from main.memory_retention
    where in_long_term_memory
    group by 1 having count(*) >= 5 order by 1`);
  write('systems-consolidation.svg', chart({
    title: 'Hippocampus to neocortex over weeks to years (McClelland et al. 1995)',
    subtitle: `long-term memories by age (log); ${source}`,
    x: { label: 'age of the memory (days, log)', log: true },
    y: { label: 'share', range: [0, 1] },
    series: [
      { name: 'held by the hippocampus', points: rows.map((r) => [r.age, r.held_by_hippocampus]) },
      { name: 'mean hippocampal share of the trace', points: rows.map((r) => [r.age, r.mean_share]) },
    ],
  }));
}

conn.closeSync();
instance.closeSync();
for (const f of written) console.log(f);
