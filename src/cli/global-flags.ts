/**
 * dbt's global flags: accepted before the command (`bmp --debug run`) or after it (`bmp run --debug`),
 * and read from `DBT_<NAME>` environment variables as dbt reads them (and `BMP_<NAME>`, which wins
 * over `DBT_<NAME>`). A flag on the command line wins over both. Declared once as data.
 */
import { UsageError } from '../errors.js';
import type { LineFormat, LogLevel } from '../report/index.js';
import type { ResourceTypeOption } from '../tasks/index.js';
import type { ParsedOptions } from './command.js';
import { resourceType as resourceTypeOption } from './options.js';

type Kind = 'boolean' | 'string' | 'choice';

export interface GlobalFlagSpec {
  /** commander flags, e.g. `-d, --debug` (booleans also get `--no-<name>`). */
  readonly flags: string;
  /** The camelCase key commander gives it. */
  readonly key: string;
  readonly kind: Kind;
  readonly description: string;
  /** `DEBUG` → DBT_DEBUG and BMP_DEBUG. */
  readonly env?: string;
  readonly choices?: readonly string[];
  /** dbt accepts it; bmp has nothing for it to change (documented in docs/COMPATIBILITY.md). */
  readonly noEffect?: boolean;
}

const LOG_FORMATS = ['text', 'debug', 'json', 'default'] as const;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'none'] as const;

export const GLOBAL_FLAGS: readonly GlobalFlagSpec[] = [
  { flags: '-d, --debug', key: 'debug', kind: 'boolean', env: 'DEBUG', description: 'debug logging on the console, stack traces and the SQL of every statement' },
  { flags: '--log-format <format>', key: 'logFormat', kind: 'choice', choices: LOG_FORMATS, env: 'LOG_FORMAT', description: 'console (and log file) lines: text (default), debug, or json (dbt\'s structured events)' },
  { flags: '--log-format-file <format>', key: 'logFormatFile', kind: 'choice', choices: LOG_FORMATS, env: 'LOG_FORMAT_FILE', description: 'log file lines: debug (default), text or json' },
  { flags: '--log-level <level>', key: 'logLevel', kind: 'choice', choices: LOG_LEVELS, env: 'LOG_LEVEL', description: 'least severe console events: debug, info (default), warn, error, none' },
  { flags: '--log-level-file <level>', key: 'logLevelFile', kind: 'choice', choices: LOG_LEVELS, env: 'LOG_LEVEL_FILE', description: 'least severe log file events (default debug)' },
  { flags: '--log-path <dir>', key: 'logPath', kind: 'string', env: 'LOG_PATH', description: 'folder of the log file dbt.log (default: <project>/logs)' },
  { flags: '-q, --quiet', key: 'quiet', kind: 'boolean', env: 'QUIET', description: 'only errors on the console (and print(), ls and show output)' },
  { flags: '--print', key: 'print', kind: 'boolean', env: 'PRINT', description: 'print() output from templates (default); --no-print drops it' },
  { flags: '--use-colors', key: 'useColors', kind: 'boolean', env: 'USE_COLORS', description: 'colour the console (default on a terminal); --no-use-colors for plain text' },
  { flags: '--use-colors-file', key: 'useColorsFile', kind: 'boolean', env: 'USE_COLORS_FILE', description: 'colour the log file (default off)' },
  { flags: '--warn-error', key: 'warnError', kind: 'boolean', env: 'WARN_ERROR', description: 'treat every warning as an error (exit 2)' },
  { flags: '--warn-error-options <json>', key: 'warnErrorOptions', kind: 'string', env: 'WARN_ERROR_OPTIONS', description: `which warnings are errors, stay warnings, or are silenced: '{"error": ["NoNodeForYamlKey"] | "all", "warn": [...], "silence": [...]}' (dbt's names; include/exclude also read)` },
  { flags: '-x, --fail-fast', key: 'failFast', kind: 'boolean', env: 'FAIL_FAST', description: 'stop at the first failure' },
  { flags: '--printer-width <n>', key: 'printerWidth', kind: 'string', env: 'PRINTER_WIDTH', description: 'accepted for dbt compatibility (lines are 80 wide)', noEffect: true },
  { flags: '--send-anonymous-usage-stats', key: 'sendAnonymousUsageStats', kind: 'boolean', env: 'SEND_ANONYMOUS_USAGE_STATS', description: 'accepted for dbt compatibility (bmp sends nothing)', noEffect: true },
  { flags: '--partial-parse', key: 'partialParse', kind: 'boolean', env: 'PARTIAL_PARSE', description: 'accepted for dbt compatibility (bmp parses the whole project every time)', noEffect: true },
  { flags: '--static-parser', key: 'staticParser', kind: 'boolean', env: 'STATIC_PARSER', description: 'accepted for dbt compatibility (bmp always uses its static fast path)', noEffect: true },
  { flags: '--use-experimental-parser', key: 'useExperimentalParser', kind: 'boolean', env: 'USE_EXPERIMENTAL_PARSER', description: 'accepted for dbt compatibility', noEffect: true },
  { flags: '--version-check', key: 'versionCheck', kind: 'boolean', env: 'VERSION_CHECK', description: 'accepted for dbt compatibility (require-dbt-version is not enforced)', noEffect: true },
  { flags: '--write-json', key: 'writeJson', kind: 'boolean', env: 'WRITE_JSON', description: 'accepted for dbt compatibility (artifacts are always written)', noEffect: true },
  { flags: '--populate-cache', key: 'populateCache', kind: 'boolean', env: 'POPULATE_CACHE', description: 'accepted for dbt compatibility (bmp reads the catalog once per invocation)', noEffect: true },
  { flags: '--cache-selected-only', key: 'cacheSelectedOnly', kind: 'boolean', env: 'CACHE_SELECTED_ONLY', description: 'accepted for dbt compatibility', noEffect: true },
  { flags: '--introspect', key: 'introspect', kind: 'boolean', env: 'INTROSPECT', description: 'accepted for dbt compatibility', noEffect: true },
  { flags: '--log-cache-events', key: 'logCacheEvents', kind: 'boolean', env: 'LOG_CACHE_EVENTS', description: 'accepted for dbt compatibility', noEffect: true },
];

/** The global flags after the command line, the environment and the defaults are combined. */
export interface GlobalFlags {
  readonly debug: boolean;
  readonly logFormat: LineFormat;
  readonly logFormatFile: LineFormat;
  readonly logLevel: LogLevel | 'none';
  readonly logLevelFile: LogLevel | 'none';
  readonly logPath?: string;
  readonly quiet: boolean;
  readonly print: boolean;
  /** undefined: colour when the console is a terminal. */
  readonly useColors?: boolean;
  readonly useColorsFile: boolean;
  readonly failFast: boolean;
  readonly warnError?: boolean;
  readonly warnErrorOptions?: string;
}

const TRUE = new Set(['1', 'true', 't', 'yes', 'y', 'on']);
const FALSE = new Set(['0', 'false', 'f', 'no', 'n', 'off', '']);

/** A boolean environment variable as click reads it (`1/true/yes/on`, `0/false/no/off`). */
export function envBoolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new UsageError('BMP_CLI_ARGUMENT', `environment variable ${name}=${JSON.stringify(value)} is not a boolean`, undefined, 'use 1/true/yes/on or 0/false/no/off');
}

/** The value of `BMP_<NAME>`, else `DBT_<NAME>`, with the variable's name. */
export function envValue(env: NodeJS.ProcessEnv, name: string): { name: string; value: string } | undefined {
  for (const prefix of ['BMP_', 'DBT_']) {
    const value = env[`${prefix}${name}`];
    if (value !== undefined) return { name: `${prefix}${name}`, value };
  }
  return undefined;
}

/**
 * Combines parsed flags (`program.opts()`), the environment and dbt's defaults.
 * @throws UsageError BMP_CLI_ARGUMENT for an environment value that is not one of the flag's choices
 */
export function resolveGlobalFlags(parsed: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): GlobalFlags {
  const raw: Record<string, unknown> = {};
  for (const spec of GLOBAL_FLAGS) {
    if (parsed[spec.key] !== undefined) {
      raw[spec.key] = parsed[spec.key];
      continue;
    }
    const fromEnv = spec.env ? envValue(env, spec.env) : undefined;
    if (!fromEnv) continue;
    if (spec.kind === 'boolean') raw[spec.key] = envBoolean(fromEnv.name, fromEnv.value);
    else if (spec.kind === 'choice') {
      const v = fromEnv.value.trim().toLowerCase();
      if (!spec.choices!.includes(v)) throw new UsageError('BMP_CLI_ARGUMENT', `environment variable ${fromEnv.name}=${JSON.stringify(fromEnv.value)} must be one of ${spec.choices!.join(', ')}`);
      raw[spec.key] = v;
    } else raw[spec.key] = fromEnv.value;
  }
  // the old DBT_NO_PRINT, still read by dbt
  if (raw['print'] === undefined && env['DBT_NO_PRINT'] !== undefined) raw['print'] = !envBoolean('DBT_NO_PRINT', env['DBT_NO_PRINT']);
  const format = (v: unknown, fallback: LineFormat): LineFormat => (v === undefined || v === 'default' ? fallback : (v as LineFormat));
  const logFormat = format(raw['logFormat'], 'text');
  return {
    debug: !!raw['debug'],
    logFormat,
    // --log-format names the file's format too, unless --log-format-file says otherwise (dbt's rule)
    logFormatFile: format(raw['logFormatFile'], raw['logFormat'] !== undefined && raw['logFormat'] !== 'default' ? logFormat : 'debug'),
    logLevel: (raw['logLevel'] as LogLevel | 'none' | undefined) ?? 'info',
    logLevelFile: (raw['logLevelFile'] as LogLevel | 'none' | undefined) ?? 'debug',
    logPath: raw['logPath'] as string | undefined,
    quiet: !!raw['quiet'],
    print: raw['print'] !== false,
    useColors: raw['useColors'] as boolean | undefined,
    useColorsFile: !!raw['useColorsFile'],
    failFast: !!raw['failFast'],
    warnError: raw['warnError'] as boolean | undefined,
    warnErrorOptions: raw['warnErrorOptions'] as string | undefined,
  };
}

/** Command-level options whose default comes from `DBT_<NAME>`/`BMP_<NAME>` (dbt's envvar list). */
const ENV_STRINGS = { projectDir: 'PROJECT_DIR', profilesDir: 'PROFILES_DIR', targetPath: 'TARGET_PATH', state: 'STATE', deferState: 'DEFER_STATE', target: 'TARGET', profile: 'PROFILE' } as const;
const ENV_BOOLEANS = { fullRefresh: 'FULL_REFRESH', storeFailures: 'STORE_FAILURES', defer: 'DEFER', favorState: 'FAVOR_STATE', empty: 'EMPTY' } as const;
const INDIRECT_SELECTION = ['eager', 'cautious', 'buildable', 'empty'] as const;

/**
 * Fills command options the command line left unset from the environment.
 * @throws UsageError BMP_CLI_ARGUMENT for a boolean variable that is not one, or an INDIRECT_SELECTION that is not a mode
 */
export function withEnvDefaults(o: ParsedOptions, env: NodeJS.ProcessEnv): ParsedOptions {
  const text = (key: keyof typeof ENV_STRINGS) => o[key] ?? envValue(env, ENV_STRINGS[key])?.value;
  const flag = (key: keyof typeof ENV_BOOLEANS) => {
    if (o[key] !== undefined) return o[key];
    const v = envValue(env, ENV_BOOLEANS[key]);
    return v ? envBoolean(v.name, v.value) : undefined;
  };
  return {
    ...o,
    projectDir: text('projectDir'),
    profilesDir: text('profilesDir'),
    targetPath: text('targetPath'),
    state: text('state'),
    deferState: text('deferState'),
    target: text('target'),
    profile: text('profile'),
    resourceType: both(o.resourceType, o.resourceTypes) ?? resourceTypesFromEnv(env, 'RESOURCE_TYPES'),
    excludeResourceType: both(o.excludeResourceType, o.excludeResourceTypes) ?? resourceTypesFromEnv(env, 'EXCLUDE_RESOURCE_TYPES'),
    fullRefresh: flag('fullRefresh'),
    storeFailures: flag('storeFailures'),
    defer: flag('defer'),
    favorState: flag('favorState'),
    empty: flag('empty'),
    indirectSelection: o.indirectSelection ?? indirectSelectionFromEnv(env),
  };
}

const both = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined): readonly T[] | undefined => (a || b ? [...(a ?? []), ...(b ?? [])] : undefined);

/**
 * `DBT_RESOURCE_TYPES` / `DBT_EXCLUDE_RESOURCE_TYPES`: space-separated types, as the flags take them.
 * @throws UsageError BMP_CLI_ARGUMENT for a type dbt does not have
 */
function resourceTypesFromEnv(env: NodeJS.ProcessEnv, name: string): ParsedOptions['resourceType'] {
  const v = envValue(env, name);
  if (!v || !v.value.trim()) return undefined;
  return v.value.trim().split(/\s+/).reduce<ResourceTypeOption[]>((acc, t) => {
    try {
      return resourceTypeOption(t, acc);
    } catch (err) {
      throw new UsageError('BMP_CLI_ARGUMENT', `${v.name}: ${(err as Error).message}`);
    }
  }, []);
}

function indirectSelectionFromEnv(env: NodeJS.ProcessEnv): ParsedOptions['indirectSelection'] {
  const v = envValue(env, 'INDIRECT_SELECTION');
  if (!v) return undefined;
  const mode = INDIRECT_SELECTION.find((m) => m === v.value.trim().toLowerCase());
  if (!mode) throw new UsageError('BMP_CLI_ARGUMENT', `environment variable ${v.name}=${JSON.stringify(v.value)} must be one of ${INDIRECT_SELECTION.join(', ')}`);
  return mode;
}
