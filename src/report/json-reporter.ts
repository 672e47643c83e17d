import type { EventSink } from './events.js';
import { createLogger } from './logger.js';

/**
 * One JSON object per event per line, as dbt's `--log-format json` writes them
 * (`{"data": {...}, "info": {name, code, msg, level, ts, invocation_id, pid, thread, category, extra}}`):
 * the console half of {@link createLogger}, with no log file.
 */
export function jsonReporter(opts: { write: (line: string) => void; debug: boolean; invocationId?: string }): EventSink {
  return createLogger({ invocationId: opts.invocationId ?? '', console: { format: 'json', level: opts.debug ? 'debug' : 'info', color: false, write: opts.write } }).emit;
}
