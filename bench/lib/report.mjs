/**
 * docs/BENCHMARKS.md: a machine section and one section per suite between HTML-comment markers.
 * A run replaces the sections of the suites it ran and keeps the others, so `--suite x` updates
 * only x's numbers.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export async function machineInfo() {
  const cpus = os.cpus();
  let duckdb = 'unknown';
  try {
    duckdb = (await import('@duckdb/node-api')).version();
  } catch { /* not installed */ }
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    duckdb,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

export function machineLine(m) {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}, Node ${m.node}, DuckDB ${m.duckdb}`;
}

const HEADER = `# Benchmarks

Written by \`npm run bench\` (bench/run.mjs); how to run it: bench/README.md. Every figure is a
whole-process wall time, and every result is a ratio against a baseline measured in the same run
on the same machine. Benchmarks only report: no test asserts a timing. Sections between the
\`bench:\` markers are rewritten by the next run of that suite; text outside them is kept.
`;

const esc = (s) => String(s ?? '—').replaceAll('|', '\\|').replaceAll('\n', ' ');

function renderMachine(m, date) {
  return [
    `## Machine (last run: ${date})`,
    '',
    '| | |',
    '| --- | --- |',
    `| CPU | ${esc(m.cpu)} |`,
    `| cores | ${m.cores} |`,
    `| RAM | ${m.ramGiB} GiB |`,
    `| OS | ${esc(m.os)} |`,
    `| Node | ${m.node} |`,
    `| DuckDB (@duckdb/node-api) | ${m.duckdb} |`,
    `| load average at start | ${m.loadavg} |`,
    '',
    'The machine is shared: a high load average at start means the numbers below are noisier.',
  ].join('\n');
}

/**
 * One suite's section. `result` is what the suite's run() returned:
 * { title, description?, rows: [{ measure, value, baseline, ratio, goal, met }], commands, notes }.
 */
function renderSuite(name, result, meta) {
  const lines = [`## ${esc(result.title ?? name)}`, ''];
  const load = result.load ? ` · 1-min load average at start ${result.load}` : '';
  lines.push(`Suite \`${name}\` · ${meta.date} · ${meta.machine}${load}${meta.quick ? ' · **--quick** (reduced sizes)' : ''}`);
  lines.push('');
  if (result.description) lines.push(result.description, '');
  if (result.error) lines.push(`**The suite failed:** ${esc(result.error)}`, '');
  if (result.rows?.length) {
    lines.push('| measure | result | baseline | ratio | goal | met |', '| --- | --- | --- | --- | --- | --- |');
    for (const r of result.rows) {
      const met = r.met === true ? 'yes' : r.met === false ? '**no**' : '—';
      lines.push(`| ${esc(r.measure)} | ${esc(r.value)} | ${esc(r.baseline)} | ${esc(r.ratio)} | ${esc(r.goal)} | ${met} |`);
    }
    lines.push('');
  }
  if (result.notes?.length) {
    for (const n of result.notes) lines.push(`- ${n.replaceAll('\n', '\n  ')}`);
    lines.push('');
  }
  if (result.commands?.length) {
    lines.push('Commands (timed as whole processes):', '', '```sh', ...result.commands, '```');
  }
  return lines.join('\n').trimEnd();
}

const marker = (id, edge) => `<!-- bench:${id}:${edge} -->`;

function upsert(doc, id, body) {
  const start = marker(id, 'start');
  const end = marker(id, 'end');
  const block = `${start}\n${body}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}

/** Creates or updates the benchmarks document. */
export function writeReport(file, machine, results, meta) {
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  doc = upsert(doc, 'machine', renderMachine(machine, meta.date));
  for (const [name, result] of results) {
    doc = upsert(doc, `suite:${name}`, renderSuite(name, result, { ...meta, machine: machineLine(machine) }));
  }
  writeFileSync(file, doc.trimEnd() + '\n');
}
