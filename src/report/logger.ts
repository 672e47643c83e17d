/**
 * One invocation's logging, as dbt does it: every event goes to the console (text, debug or JSON
 * lines, from `--log-level`) and to the log file `<log-path>/dbt.log` (debug text by default, every
 * level), each rendered from the same {@link LogEvent}s. Secrets are masked in every line.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { maskSecrets, maskSecretsDeep, stringifyMasked } from '../config/index.js';
import type { BmpEvent, EventSink, NodeSummary } from './events.js';
import { LEVELS, toLogEvents, type LogEvent, type LogLevel } from './log-events.js';

/** `text` (dbt's default), `debug` (timestamps to the microsecond, level and thread) or `json`. */
export type LineFormat = 'text' | 'debug' | 'json';

export interface LogTarget {
  readonly format: LineFormat;
  readonly level: LogLevel | 'none';
  readonly color: boolean;
}

export interface LoggerOptions {
  readonly invocationId: string;
  readonly console: LogTarget & {
    readonly write: (line: string) => void;
    /** `--quiet`: only errors and what is always printed (print(), ls, show). */
    readonly quiet?: boolean;
  };
  /** The log file; none when absent. */
  readonly file?: LogTarget & { readonly path: string };
  /** `--no-print`: drop `print()` output. */
  readonly print?: boolean;
  /** dbt's `info.extra`: the `DBT_ENV_CUSTOM_ENV_*` variables, without the prefix. */
  readonly extra?: Readonly<Record<string, string>>;
}

export interface Logger {
  /** Takes bmp events (what the library emits). */
  readonly emit: EventSink;
  /** Writes one structured event; `at`: when it happened (epoch ms), default now. */
  log(event: LogEvent, where?: { console?: boolean; file?: boolean }, at?: number): void;
  /** Whether the console gets JSON lines. */
  readonly consoleFormat: LineFormat;
  /** Writes what is buffered for the log file. */
  flush(): void;
}

const MAX_FILE_BYTES = 10 * 1024 * 1024;
const BACKUPS = 5;

/** `HH:MM:SS.ffffff`, dbt's debug-line time. */
function debugTime(d: Date): string {
  return `${d.toISOString().slice(11, 23)}000`;
}

/** Keeps dbt.log below 10 MB: the full file becomes dbt.log.1, older ones shift up to .5, as dbt rotates. */
function rotate(path: string): void {
  try {
    if (!existsSync(path) || statSync(path).size < MAX_FILE_BYTES) return;
    rmSync(`${path}.${BACKUPS}`, { force: true });
    for (let i = BACKUPS - 1; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    renameSync(path, `${path}.1`);
  } catch {
    // a log file that cannot be rotated is appended to
  }
}

const plain = (_code: number, s: string) => s;

/** `[info ]`: a debug line's level, padded as dbt pads it. */
const LEVEL_TAGS: Readonly<Record<LogLevel, string>> = { debug: '[debug]', info: '[info ]', warn: '[warn ]', error: '[error]' };

const ansi = (code: number, s: string) => `\x1b[${code}m${s}\x1b[0m`;

/**
 * The logger of one invocation.
 * @example const logger = createLogger({ invocationId, console: { format: 'json', level: 'info', color: false, write: console.log } })
 */
export function createLogger(opts: LoggerOptions): Logger {
  const pid = process.pid;
  const summaries = new Map<string, NodeSummary>();
  const consoleMin = opts.console.quiet ? LEVELS.error : LEVELS[opts.console.level];
  const fileMin = opts.file ? LEVELS[opts.file.level] : LEVELS.none;
  const extra = opts.extra ?? {};
  let clock = { second: -1, text: '' };
  // a node's lines are logged within the same millisecond: its debug time is formatted once
  let debugClock = { ms: -1, text: '' };
  const debugTimeOf = (ms: number) => {
    if (ms !== debugClock.ms) debugClock = { ms, text: debugTime(new Date(ms)) };
    return debugClock.text;
  };
  const hms = (now: number) => {
    const second = Math.floor(now / 1000);
    if (second !== clock.second) clock = { second, text: new Date(now).toTimeString().slice(0, 8) };
    return clock.text;
  };

  let fileBuffer: string[] = [];
  let fileBytes = 0;
  let fileReady = false;
  let fileBroken = false;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (!opts.file || !fileBuffer.length || fileBroken) return;
    try {
      if (!fileReady) {
        mkdirSync(join(opts.file.path, '..'), { recursive: true });
        rotate(opts.file.path);
        fileReady = true;
      }
      appendFileSync(opts.file.path, fileBuffer.join(''));
    } catch {
      fileBroken = true; // logging never fails a command
    }
    fileBuffer = [];
    fileBytes = 0;
  };

  const jsonLine = (e: LogEvent, now: number) => {
    const info = { category: '', code: e.code, extra, invocation_id: opts.invocationId, level: e.level, msg: e.msg, name: e.name, pid, thread: e.thread ?? 'MainThread', ts: `${new Date(now).toISOString().slice(0, 23)}000Z` };
    // each string masked before it is escaped (a secret with quotes or backslashes is escaped in JSON)
    return stringifyMasked({ data: e.data(), info });
  };

  // `[Thread-1 (]`: a debug line's thread, cut or padded to ten characters, made once per thread name
  const threadTags = new Map<string, string>();
  const threadTag = (thread = 'MainThread'): string => {
    let tag = threadTags.get(thread);
    if (tag === undefined) threadTags.set(thread, (tag = `[${thread.slice(0, 10).padEnd(10)}]`));
    return tag;
  };
  // the console and the file usually render an event's message alike: its plain text is made once
  let plainOf: LogEvent | undefined;
  let plainText = '';
  const textOf = (e: LogEvent, color: boolean): string => {
    if (color && e.colored) return e.colored(ansi);
    if (plainOf !== e) {
      plainOf = e;
      plainText = e.colored ? e.colored(plain) : e.msg;
    }
    return plainText;
  };
  const render = (e: LogEvent, format: LineFormat, color: boolean, now: number): string => {
    if (format === 'json') return jsonLine(e, now);
    const text = textOf(e, color);
    if (format === 'debug') {
      const separator = e.name === 'MainReportVersion' ? `\n\n${'='.repeat(30)} ${debugTimeOf(now)} | ${opts.invocationId} ${'='.repeat(30)}\n` : '';
      return `${separator}${debugTimeOf(now)} ${LEVEL_TAGS[e.level]} ${threadTag(e.thread)}: ${text}`;
    }
    if (e.name === 'PrintEvent') return text;
    // as dbt: the time opens the event's first line; the lines of a multi-line message follow as they are
    return `${hms(now)}  ${text}`;
  };

  const log = (e: LogEvent, where: { console?: boolean; file?: boolean } = {}, at?: number) => {
    if (e.name === 'PrintEvent' && opts.print === false) return;
    const level = LEVELS[e.level];
    const toConsole = where.console !== false && (level >= consoleMin || (e.always && consoleMin < LEVELS.none));
    const toFile = where.file !== false && !!opts.file && level >= fileMin;
    if (!toConsole && !toFile) return;
    const now = at ?? Date.now();
    if (toConsole) opts.console.write(maskSecrets(render(e, opts.console.format, opts.console.color, now)));
    if (toFile) {
      const line = `${maskSecrets(render(e, opts.file!.format, opts.file!.color, now))}\n`;
      fileBuffer.push(line);
      fileBytes += line.length;
      if (fileBytes > 1 << 20) flush();
      // a long invocation (watch mode) still reaches the file every second
      else if (!timer) (timer = setInterval(flush, 1000)).unref();
    }
  };

  const summaryOf = (id: string) => summaries.get(id);
  // `at`: an event reported in a batch is logged with the time it happened
  const emit: EventSink = (raw: BmpEvent, at?: number) => {
    // masked before formatting (which collapses whitespace and indents), not only after
    const event = maskSecretsDeep(raw);
    if (event.type === 'node.start' || event.type === 'node.finish') summaries.set(event.node.uniqueId, event.node);
    const now = at ?? Date.now();
    for (const e of toLogEvents(event, summaryOf, now)) log(e, undefined, now);
  };

  return { emit, log, flush, consoleFormat: opts.console.format };
}
