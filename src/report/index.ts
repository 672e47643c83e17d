/** report: events → human lines or JSON lines; artifacts. */
import type { EventSink } from './events.js';
import { jsonReporter } from './json-reporter.js';
import { textReporter } from './text-reporter.js';

export * from './events.js';
export * from './artifacts.js';
export { catalogJson } from './catalog-json.js';
export { graphSummaryJson } from './graph-summary.js';
export { manifestJson, writeManifestJson, manifestDicts, dbtNodes, macroTextByFile, dbtConfig, relationName, freshnessJson, type ManifestJsonOptions, type ManifestDicts, type ExtraResources } from './manifest-json.js';
export { createLogger, type Logger, type LoggerOptions, type LineFormat, type LogTarget } from './logger.js';
export { EVENT_CATALOGUE, LEVELS, logEvent, toLogEvents, nodeInfo, type LogEvent, type LogEventName, type LogLevel } from './log-events.js';
export { progressLine, statusLine, type ProgressLine, type ProgressOptions, type ProgressState } from './progress.js';

export const REPORTERS = {
  text: textReporter,
  json: jsonReporter,
} as const;

export type LogFormat = keyof typeof REPORTERS;

export function makeReporter(format: LogFormat, opts: { write: (line: string) => void; debug: boolean; color: boolean }): EventSink {
  return REPORTERS[format](opts);
}
