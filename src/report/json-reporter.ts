import { stringifyMasked } from '../config/index.js';
import type { BmpEvent } from './events.js';

/** One JSON object per event per line, with `info` fields as dbt's structured logs have. */
export function jsonReporter(opts: { write: (line: string) => void; debug: boolean }): (e: BmpEvent) => void {
  return (e) => {
    if (e.type === 'sql' && !opts.debug) return;
    if (e.type === 'log' && !e.info && !opts.debug) return;
    const level = e.type === 'warning' ? 'warn' : e.type === 'node.finish' && (e.result.status === 'error' || e.result.status === 'fail') ? 'error' : e.type === 'sql' ? 'debug' : 'info';
    // a warning's name is its event name, as in dbt's JSON logs (what --warn-error-options takes)
    const name = e.type === 'warning' && e.name ? e.name : e.type;
    opts.write(stringifyMasked({ info: { code: e.code, name, level, ts: new Date().toISOString() }, data: e }));
  };
}
