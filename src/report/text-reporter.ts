import type { EventSink } from './events.js';
import { createLogger } from './logger.js';

export interface ReporterOptions {
  readonly write: (line: string) => void;
  readonly debug: boolean;
  readonly color: boolean;
}

/**
 * dbt-style human lines on one writer, `HH:MM:SS  1 of 12 START sql table model main.x .... [RUN]`:
 * the console half of {@link createLogger} (info level, debug with `debug`), with no log file.
 */
export function textReporter(opts: ReporterOptions): EventSink {
  return createLogger({ invocationId: '', console: { format: 'text', level: opts.debug ? 'debug' : 'info', color: opts.color, write: opts.write } }).emit;
}
