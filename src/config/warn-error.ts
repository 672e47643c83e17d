/**
 * `--warn-error` and `--warn-error-options` (and `flags: warn_error(_options)` in the project file),
 * as dbt 1.8+ reads them: `error` ("all", "*" or a list of warning names) turns those warnings into
 * errors, `warn` keeps some of them warnings when `error` is "all", `silence` drops them. dbt 1.7's
 * `include`/`exclude` are read as `error`/`warn` (with dbt 1.10's WEOIncludeExcludeDeprecation).
 * `Deprecations` names every deprecation warning at once.
 */
import { BmpError, didYouMeanOf, UsageError, type ErrorLocation } from '../errors.js';
import { nearMisses } from './keys.js';
import { DBT_ONLY_WARNING_NAMES, WARNING_NAMES, warningAt, type ConfigWarning } from './warnings.js';
import { YamlFile } from './yaml-file.js';

export interface WarnErrorPolicy {
  /** Warnings that become errors: every one, or those named. */
  readonly error: 'all' | ReadonlySet<string>;
  /** With `error: all`, the warnings that stay warnings. */
  readonly warn: ReadonlySet<string>;
  /** Warnings not shown at all. */
  readonly silence: ReadonlySet<string>;
  /** Where the policy came from, for messages: `--warn-error`, `--warn-error-options`, `flags in dbt_project.yml`. */
  readonly source?: string;
}

/** No warning is an error, none is silenced (dbt's default). */
export const DEFAULT_WARN_POLICY: WarnErrorPolicy = Object.freeze({ error: new Set<string>(), warn: new Set<string>(), silence: new Set<string>() });

const ALL = new Set(['all', '*']);

export interface WarnPolicySources {
  /** `--warn-error`. */
  readonly warnError?: boolean;
  /** `--warn-error-options`: JSON or YAML text, or an already parsed mapping. */
  readonly warnErrorOptions?: string | Readonly<Record<string, unknown>>;
  /** The project file's `flags:` (`warn_error`, `warn_error_options`), used when the command line sets neither. */
  readonly projectFlags?: Readonly<Record<string, unknown>>;
  /** Where the project flags were written, for messages. */
  readonly projectFile?: string;
}

/**
 * The policy for this invocation: the command line's, else the project file's `flags:`.
 * Returns the warnings reading it raised (dbt's WEOIncludeExcludeDeprecation, names bmp does not know).
 * @throws UsageError BMP_WARN_ERROR_OPTIONS when both flags are given, the options are not a mapping,
 *   `error` and `include` (or `warn` and `exclude`) are both set, `warn` is set without `error: all`,
 *   or a name is a near miss of a warning name
 * @example resolveWarnPolicy({ warnErrorOptions: '{"error": ["NoNodeForYamlKey"]}' }).policy.error // Set { 'NoNodeForYamlKey' }
 */
export function resolveWarnPolicy(src: WarnPolicySources): { policy: WarnErrorPolicy; warnings: ConfigWarning[] } {
  if (src.warnError && src.warnErrorOptions !== undefined) {
    throw new UsageError('BMP_WARN_ERROR_OPTIONS', '--warn-error and --warn-error-options cannot be used together (as in dbt)', {}, `--warn-error-options '{"error": "all"}' is --warn-error`);
  }
  if (src.warnError) return { policy: { ...DEFAULT_WARN_POLICY, error: 'all', source: '--warn-error' }, warnings: [] };
  if (src.warnErrorOptions !== undefined) return parseWarnErrorOptions(src.warnErrorOptions, '--warn-error-options', {});
  const flags = src.projectFlags ?? {};
  const where: ErrorLocation = { file: src.projectFile };
  if (flags['warn_error'] !== undefined && flags['warn_error_options'] !== undefined) {
    throw new UsageError('BMP_WARN_ERROR_OPTIONS', `flags: warn_error and warn_error_options cannot be used together (as in dbt)`, where);
  }
  if (flags['warn_error'] === true) return { policy: { ...DEFAULT_WARN_POLICY, error: 'all', source: `flags: warn_error in ${src.projectFile ?? 'the project file'}` }, warnings: [] };
  if (flags['warn_error_options'] !== undefined && flags['warn_error_options'] !== null) return parseWarnErrorOptions(flags['warn_error_options'], 'flags: warn_error_options', where);
  return { policy: DEFAULT_WARN_POLICY, warnings: [] };
}

/**
 * Reads warn_error_options (`{"error": [...] | "all", "warn": [...], "silence": [...]}`).
 * @throws UsageError BMP_WARN_ERROR_OPTIONS
 */
export function parseWarnErrorOptions(input: unknown, what: string, where: ErrorLocation): { policy: WarnErrorPolicy; warnings: ConfigWarning[] } {
  const fail = (message: string, hint?: string): never => {
    throw new UsageError('BMP_WARN_ERROR_OPTIONS', `${what}: ${message}`, where, hint ?? `e.g. --warn-error-options '{"error": ["NoNodeForYamlKey"], "silence": ["CustomKeyInConfigDeprecation"]}'`);
  };
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = YamlFile.parse(input, what).data;
    } catch {
      fail('is not valid JSON or YAML');
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(`must be a mapping, got ${JSON.stringify(input)}`);
  const opts = value as Record<string, unknown>;
  const warnings: ConfigWarning[] = [];
  for (const key of Object.keys(opts)) {
    if (!['error', 'warn', 'silence', 'include', 'exclude'].includes(key)) fail(`unknown key '${key}'`, `keys: error, warn, silence${nearMisses(key, ['error', 'warn', 'silence']).map((k) => ` (${didYouMeanOf([k])})`).join('')}`);
  }
  const pick = (primary: string, alt: string): unknown => {
    const a = opts[primary];
    const b = opts[alt];
    if (a !== undefined && b !== undefined) fail(`only \`${primary}\` or \`${alt}\` can be given, not both`);
    if (b !== undefined) {
      warnings.push(warningAt('WEOIncludeExcludeDeprecation', 'BMP_WARN_ERROR_OPTIONS_RENAMED', `${what} uses '${alt}', which dbt 1.8 renamed '${primary}'; dbt 1.10 still reads it and warns: write '${primary}'`, where, alt));
      return b;
    }
    return a;
  };
  const names = (key: string, v: unknown, allowAll: boolean): 'all' | Set<string> => {
    if (v === undefined || v === null) return new Set();
    if (typeof v === 'string') {
      if (allowAll && ALL.has(v)) return 'all';
      fail(`'${key}' must be ${allowAll ? `"all", "*" or ` : ''}a list of warning names, got ${JSON.stringify(v)}`);
    }
    if (!Array.isArray(v) || !v.every((n) => typeof n === 'string')) fail(`'${key}' must be a list of warning names`);
    for (const n of v as string[]) checkName(n, what, where, warnings);
    return new Set(v as string[]);
  };
  const error = names('error', pick('error', 'include'), true);
  const warn = names('warn', pick('warn', 'exclude'), false) as Set<string>;
  const silence = names('silence', opts['silence'], false) as Set<string>;
  if (warn.size && error !== 'all') fail(`'warn' can only be given when 'error' is "all" or "*" (as in dbt)`);
  return { policy: { error, warn, silence, source: what }, warnings };
}

function checkName(name: string, what: string, where: ErrorLocation, warnings: ConfigWarning[]): void {
  if (name in WARNING_NAMES || DBT_ONLY_WARNING_NAMES.has(name)) return;
  const close = nearMisses(name, [...Object.keys(WARNING_NAMES), ...DBT_ONLY_WARNING_NAMES]);
  if (close.length) {
    throw new UsageError('BMP_WARN_ERROR_OPTIONS', `${what}: '${name}' is not a warning name`, where, didYouMeanOf(close));
  }
  warnings.push(warningAt('UnknownWarningName', 'BMP_WARN_ERROR_OPTIONS_NAME', `${what} names '${name}', a warning neither bmp nor dbt emits (dbt would reject it as not a valid error name): check the spelling, or remove it`, where, name));
}

/** What becomes of a warning under a policy: shown, turned into an error, or dropped. */
export function warningOutcome(policy: WarnErrorPolicy, name: string | undefined): 'warn' | 'error' | 'silence' {
  const key = name ?? '';
  const deprecation = !!name && name in WARNING_NAMES && WARNING_NAMES[name as keyof typeof WARNING_NAMES].deprecation;
  const named = (set: ReadonlySet<string>) => set.has(key) || (deprecation && set.has('Deprecations'));
  const isError = (policy.error === 'all' || named(policy.error)) && !named(policy.warn);
  if (isError) return 'error';
  return named(policy.silence) ? 'silence' : 'warn';
}

/** A warning the policy turned into an error: one located line, exit 2. */
export class WarningAsError extends BmpError {
  protected override get kind(): string {
    return 'Warning as Error';
  }
}

/**
 * Shows the warnings the policy keeps (`show`), drops the silenced ones, and throws for the first
 * one it makes an error, after showing the others.
 * @throws WarningAsError BMP_WARN_ERROR
 */
export function applyWarnPolicy(policy: WarnErrorPolicy, warnings: readonly ConfigWarning[], show: (w: ConfigWarning) => void): void {
  let first: ConfigWarning | undefined;
  for (const w of warnings) {
    const outcome = warningOutcome(policy, w.name);
    if (outcome === 'warn') show(w);
    else if (outcome === 'error') first ??= w;
  }
  if (first) {
    const name = first.name ?? 'the warning';
    throw new WarningAsError('BMP_WARN_ERROR', `${first.message} [${first.name ?? 'warning'}]`, { file: first.file, line: first.line }, `${name} is an error by ${policy.source ?? '--warn-error'}`);
  }
}
