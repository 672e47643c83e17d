import { maskSecrets, maskSecretsDeep } from '../config/index.js';
import type { BmpEvent, NodeResult, NodeSummary } from './events.js';

export interface ReporterOptions {
  readonly write: (line: string) => void;
  readonly debug: boolean;
  readonly color: boolean;
}

const WIDTH = 80;

let clock = { second: -1, text: '' };

/** `HH:MM:SS`, formatted once per second (a 1,000-node run prints 2,000 lines). */
function time(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== clock.second) clock = { second, text: new Date(now).toTimeString().slice(0, 8) };
  return clock.text;
}

function describe(node: NodeSummary): string {
  if (node.resourceType === 'test' || node.resourceType === 'unit_test') return `${node.resourceType === 'unit_test' ? 'unit_test' : 'test'} ${node.name}`;
  if (node.resourceType === 'seed') return `seed file ${node.relation ?? node.name}`;
  if (node.resourceType === 'snapshot') return `snapshot ${node.relation ?? node.name}`;
  return `sql ${node.materialized} model ${node.relation ?? node.name}`;
}

function dots(left: string, right: string): string {
  const n = Math.max(3, WIDTH - left.length - right.length - 2);
  return `${left} ${'.'.repeat(n)} ${right}`;
}

function fmtRows(n: number | undefined): string {
  // 1,204 (toLocaleString is slow enough to show in a 1,000-node run's profile)
  return n === undefined ? '' : `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} rows `;
}

function statusLabel(r: NodeResult): string {
  const t = `in ${r.executionTime.toFixed(2)}s`;
  switch (r.status) {
    case 'success':
      return `[OK ${fmtRows(r.rowsAffected)}${t}]`.replace('OK rows', 'OK');
    case 'pass':
      return `[PASS ${t}]`;
    case 'warn':
      return `[WARN ${r.failures ?? ''} ${t}]`.replace('  ', ' ');
    case 'fail':
      return `[FAIL ${r.failures ?? ''} ${t}]`.replace('  ', ' ');
    case 'skipped':
      return '[SKIP]';
    default:
      return `[ERROR ${t}]`;
  }
}

/** One line summing the LLM figures nodes reported (see src/llm/runtime.ts), or nothing. */
function llmSummary(results: readonly NodeResult[]): string | undefined {
  const withLlm = results.map((r) => r.adapterResponse).filter((a) => a['llm_provider'] !== undefined);
  if (!withLlm.length) return undefined;
  const sum = (k: string) => withLlm.reduce((s, a) => s + (Number(a[k]) || 0), 0);
  const lookups = sum('llm_lookups');
  const hits = sum('llm_hits');
  const provider = String(withLlm[0]!['llm_provider']);
  const where = provider === 'offline' ? 'offline (deterministic stand-in, not a language model)' : `${provider}${withLlm[0]!['llm_endpoint'] ? ` at ${String(withLlm[0]!['llm_endpoint'])}` : ''}`;
  const rate = lookups ? ` (${((100 * hits) / lookups).toFixed(1)}%)` : '';
  return `LLM ${where}: ${lookups.toLocaleString('en-US')} lookups, ${hits.toLocaleString('en-US')} hits${rate}, ${sum('llm_requests').toLocaleString('en-US')} requests, ${sum('llm_retries')} retries, ${sum('llm_seconds').toFixed(2)}s fetching`;
}

/** dbt-style human lines: `1 of 12 START sql table model main.x .... [RUN]`. */
export function textReporter(opts: ReporterOptions): (e: BmpEvent) => void {
  const c = (code: number, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out = (s: string) => opts.write(maskSecrets(`${time()}  ${s}`));
  return (event) => {
    // masked before formatting (which collapses whitespace and indents), not only after
    const e = maskSecretsDeep(event);
    switch (e.type) {
      case 'warning':
        out(c(33, `[WARNING]${e.file ? ` ${e.file}${e.line ? `:${e.line}` : ''}` : ''}: ${e.message}${e.name ? ` [${e.name}]` : ''}`));
        break;
      case 'info':
        out(e.message);
        break;
      case 'run.start': {
        const parts = Object.entries(e.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`);
        out(`Found ${parts.join(', ') || 'nothing'}`);
        out(`Concurrency: ${e.threads} threads (target='${e.target}')`);
        out('');
        break;
      }
      case 'node.start':
        if (e.node.resourceType !== 'test' && e.node.resourceType !== 'unit_test' || opts.debug) out(dots(`${e.index} of ${e.total} START ${describe(e.node)}`, '[RUN]'));
        break;
      case 'node.finish': {
        const r = e.result;
        const verb =
          r.status === 'error' ? 'ERROR creating' : r.status === 'skipped' ? 'SKIP' : r.status === 'pass' ? 'PASS' : r.status === 'fail' ? 'FAIL' : r.status === 'warn' ? 'WARN' : e.node.resourceType === 'seed' ? 'OK loaded' : 'OK created';
        const color = r.status === 'error' || r.status === 'fail' ? 31 : r.status === 'warn' || r.status === 'skipped' ? 33 : 32;
        const label = e.node.resourceType === 'test' || e.node.resourceType === 'unit_test' ? `${e.index} of ${e.total} ${verb} ${e.node.name}` : `${e.index} of ${e.total} ${verb} ${describe(e.node)}`;
        out(dots(label, c(color, statusLabel(r))));
        break;
      }
      case 'log':
        if (e.info || opts.debug) out(e.message);
        break;
      case 'sql':
        if (opts.debug) out(`On connection ${e.connection}: ${e.sql.replace(/\s+/g, ' ').slice(0, 2000)}`);
        break;
      case 'run.finish': {
        out('');
        out(`Finished running ${e.results.length} node${e.results.length === 1 ? '' : 's'} in ${e.elapsed.toFixed(2)}s.${e.interrupted ? ' (interrupted)' : ''}`);
        const problems = e.results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn');
        for (const failure of e.finishErrors ?? []) {
          out('');
          out(c(31, `Error: ${failure}`));
        }
        if (problems.length) {
          out('');
          out(c(problems.some((p) => p.status !== 'warn') ? 31 : 33, problems.some((p) => p.status !== 'warn') ? 'Completed with errors:' : 'Completed with warnings:'));
          for (const p of problems) {
            out('');
            out(`${p.status === 'warn' ? 'Warning' : p.status === 'fail' ? 'Failure' : 'Error'} in ${p.uniqueId.split('.').slice(0, 1)} ${p.uniqueId.split('.').slice(2).join('.')}${p.compiledPath ? ` (${p.compiledPath})` : ''}`);
            out(`  ${p.message}`);
          }
        } else if (!e.interrupted && !e.finishErrors?.length) {
          out('');
          out(c(32, 'Completed successfully'));
        }
        const count = (s: string) => e.results.filter((r) => r.status === s).length;
        out('');
        out(`Done. PASS=${count('success') + count('pass')} WARN=${count('warn')} ERROR=${count('error') + count('fail')} SKIP=${count('skipped')} TOTAL=${e.results.length}`);
        const llm = llmSummary(e.results);
        if (llm) out(llm);
        break;
      }
    }
  };
}
