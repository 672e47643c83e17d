/**
 * Every code a {@link BmpError} (or a warning) can carry: a closed list, so a typo is a type error
 * rather than a new code. tests/unit/error-codes.test.ts checks each is raised somewhere in src/.
 */
export const ERROR_CODES = [
  'BMP_ADAPTER_ARGUMENT', 'BMP_ARGS_INVALID', 'BMP_CLEAN_OUTSIDE', 'BMP_CLEAN_PROTECTED',
  'BMP_CLI_ARGUMENT', 'BMP_COLUMN_NOT_STRING', 'BMP_CONFIG_CUSTOM_KEY', 'BMP_CONFIG_INVALID_VALUE', 'BMP_CONFIG_PATH_UNUSED',
  'BMP_CONFIG_REQUIRED', 'BMP_CONFIG_UNKNOWN_KEY', 'BMP_CONTRACT', 'BMP_DATABASE_UNSUPPORTED', 'BMP_DB_LOCKED', 'BMP_DB_OPEN',
  'BMP_DEPS_ARCHIVE', 'BMP_DEPS_DUPLICATE_NAME', 'BMP_DEPS_GIT', 'BMP_DEPS_GIT_REVISION_CONFLICT',
  'BMP_DEPS_HUB_INVALID', 'BMP_DEPS_INVALID', 'BMP_DEPS_LOCAL_MISSING', 'BMP_DEPS_LOCK_INVALID',
  'BMP_DEPS_NETWORK', 'BMP_DEPS_NOT_A_PACKAGE', 'BMP_DEPS_NOT_FOUND', 'BMP_DEPS_NO_VERSION',
  'BMP_DEPS_UNKNOWN_KEY', 'BMP_DEPS_UNRESOLVABLE', 'BMP_DEPS_UNSUPPORTED', 'BMP_DEPS_VERSION_CONFLICT',
  'BMP_DEPS_VERSION_INVALID', 'BMP_DOCS_NOT_GENERATED', 'BMP_DOCS_PORT_IN_USE', 'BMP_DOC_DUPLICATE',
  'BMP_DOC_UNDEFINED', 'BMP_DUPLICATE_NODE', 'BMP_ENV_VAR_MISSING', 'BMP_ENV_VAR_SECRET', 'BMP_EVENT_TIME_INVALID',
  'BMP_EXTERNAL_CONFIG', 'BMP_EXTERNAL_MISSING', 'BMP_GRAPH_CYCLE', 'BMP_INCREMENTAL_DUPLICATE_KEY',
  'BMP_INDEX_PENDING', 'BMP_INDEX_REBUILD', 'BMP_INDEX_RESTORE', 'BMP_INIT_EXISTS', 'BMP_INTERRUPTED',
  'BMP_KEY_IGNORED', 'BMP_LLM_ARGUMENT', 'BMP_LLM_CONFIG', 'BMP_LLM_INTERRUPTED', 'BMP_LLM_PROVIDER',
  'BMP_LLM_PRUNE_CRITERIA', 'BMP_MACRO_ARGS', 'BMP_MACRO_DUPLICATE', 'BMP_MACRO_INVALID',
  'BMP_MACRO_UNDEFINED', 'BMP_MATERIALIZATION_RETURN', 'BMP_MATERIALIZATION_UNKNOWN',
  'BMP_MICROBATCH_CONFIG', 'BMP_MICROBATCH_FAILED', 'BMP_MICROBATCH_TOO_MANY', 'BMP_NOT_IMPLEMENTED',
  'BMP_NO_DATABASE', 'BMP_NO_RUNNER', 'BMP_PACKAGE_DUPLICATE', 'BMP_PATCH_UNUSED', 'BMP_PROFILES_DIR',
  'BMP_PROFILE_INVALID', 'BMP_PROFILE_NOT_FOUND', 'BMP_PROFILE_UNKNOWN_KEY', 'BMP_PROJECT_INVALID',
  'BMP_PROJECT_NOT_FOUND', 'BMP_PROJECT_UNKNOWN_KEY', 'BMP_PROPERTIES_DUPLICATE',
  'BMP_PROPERTIES_INVALID', 'BMP_PROPERTIES_UNKNOWN_KEY', 'BMP_PYTHON_MODEL', 'BMP_RAISED',
  'BMP_RAISED_DATABASE', 'BMP_RAISED_DEPENDENCY', 'BMP_REF_DISABLED', 'BMP_REF_NOT_INFERRED', 'BMP_REF_UNDEFINED',
  'BMP_RELATION_COLLISION', 'BMP_RELATION_MISSING', 'BMP_RELATION_TYPE', 'BMP_RESOURCE_INVALID',
  'BMP_RESOURCE_REF', 'BMP_RETRY_COMMAND', 'BMP_RETRY_NOTHING_TO_READ', 'BMP_RUN_QUERY',
  'BMP_SCHEMA_CHANGE', 'BMP_SEED_EMPTY', 'BMP_SEED_ENCODING', 'BMP_SELECTION_EMPTY',
  'BMP_SELECTORS_INVALID', 'BMP_SELECTOR_INVALID', 'BMP_SELECTOR_UNKNOWN',
  'BMP_SELECTOR_UNKNOWN_METHOD', 'BMP_SELECTOR_UNSUPPORTED_METHOD', 'BMP_SHOW_NO_DATABASE',
  'BMP_SHOW_SELECTION', 'BMP_SNAPSHOT_CONFIG', 'BMP_SNAPSHOT_DUPLICATE_KEY', 'BMP_SNAPSHOT_RELATION',
  'BMP_SOURCE_UNDEFINED', 'BMP_SQL_ERROR', 'BMP_STATEMENT_USAGE', 'BMP_STATE_INVALID',
  'BMP_STATE_MISSING', 'BMP_STATE_REQUIRED', 'BMP_STRATEGY_INVALID', 'BMP_TARGET_NOT_FOUND',
  'BMP_TARGET_NOT_WRITABLE', 'BMP_TEMPLATE_CALLS', 'BMP_TEMPLATE_LIMIT', 'BMP_TEMPLATE_RECURSION',
  'BMP_TEMPLATE_RENDER', 'BMP_TEMPLATE_RETURN', 'BMP_TEMPLATE_SYNTAX', 'BMP_TEMPLATE_TYPE',
  'BMP_TEMPLATE_UNDEFINED', 'BMP_TEMPLATE_UNSUPPORTED', 'BMP_TEMPLATE_VALUE', 'BMP_TEMPLATE_WARNING',
  'BMP_TEST_ARGUMENT', 'BMP_TEST_CONFIG', 'BMP_TEST_INVALID', 'BMP_TEST_TARGET',
  'BMP_TEST_TARGET_DISABLED', 'BMP_TEST_TARGET_MISSING', 'BMP_TEST_UNDEFINED', 'BMP_UNIQUE_INDEX',
  'BMP_UNIT_TEST_FIXTURE', 'BMP_UNIT_TEST_INPUT', 'BMP_UNIT_TEST_INVALID', 'BMP_UNIT_TEST_MODEL',
  'BMP_VARS_INVALID', 'BMP_VAR_UNDEFINED', 'BMP_WARN_ERROR', 'BMP_WARN_ERROR_OPTIONS',
  'BMP_WARN_ERROR_OPTIONS_NAME', 'BMP_WARN_ERROR_OPTIONS_RENAMED', 'BMP_YAML_ALIAS_LIMIT',
  'BMP_YAML_SYNTAX', 'BMP_YAML_TEMPLATE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Errors a user can cause. Each carries a stable code, where it happened and an optional hint;
 * the CLI prints them as one line and exits 2 (or 1 for {@link NodeRunError}).
 */
export interface ErrorLocation {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly nodeId?: string;
}

export class BmpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly where: ErrorLocation = {},
    readonly hint?: string,
    /**
     * Lines printed indented under the one-line message (DuckDB's `LINE n` and caret, the chain of
     * macro calls an error passed through); kept under the message in run results.
     */
    readonly details?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** `file:line:col` (or what part of it is known), for one-line messages. */
  get location(): string | undefined {
    const { file, line, column } = this.where;
    if (!file) return undefined;
    return [file, line, line !== undefined ? column : undefined].filter((p) => p !== undefined).join(':');
  }

  /**
   * The one-line message the CLI prints (line breaks in names or quoted engine messages become
   * spaces). `mask` is applied to each part before that, so a secret holding a line break is still
   * recognised.
   */
  format(mask: (text: string) => string = (t) => t): string {
    const loc = this.location;
    const node = this.where.nodeId ? ` in ${describeNode(this.where.nodeId)}` : '';
    const hint = this.hint ? ` (${mask(this.hint)})` : '';
    return `${this.kind}${node}${loc ? ` (${loc})` : ''}: ${mask(this.message)}${hint} [${this.code}]`.replace(/\s*[\r\n]+\s*/g, ' ');
  }

  protected get kind(): string {
    return 'Error';
  }

  /** The kind of error as dbt titles it (`Compilation Error`, `Database Error`, ...). */
  get title(): string {
    return this.kind;
  }
}

function describeNode(uniqueId: string): string {
  const [type, , ...rest] = uniqueId.split('.');
  return `${type} ${rest.join('.')}`;
}

export class ConfigError extends BmpError {
  protected override get kind() {
    return 'Config Error';
  }
}
export class ParseError extends BmpError {
  protected override get kind() {
    return 'Parsing Error';
  }
}
export class CompileError extends BmpError {
  protected override get kind() {
    return 'Compilation Error';
  }
}
export class GraphError extends BmpError {
  protected override get kind() {
    return 'Graph Error';
  }
}
export class UsageError extends BmpError {
  protected override get kind() {
    return 'Usage Error';
  }
}
export class DatabaseError extends BmpError {
  protected override get kind() {
    return 'Database Error';
  }
}

/**
 * DuckDB rejected SQL a command ran outside a run's nodes (`bmp show`): the CLI prints the summary
 * line, then DuckDB's details (`LINE 2: ...`, the caret, candidate names) indented, and exits 1.
 */
export class SqlError extends BmpError {
  constructor(code: ErrorCode, message: string, where: ErrorLocation = {}, details?: string) {
    super(code, message, where, undefined, details);
  }

  protected override get kind() {
    return 'Database Error';
  }
}

/** Raised from the template context by `exceptions.raise_compiler_error`. */
export class TemplateRaisedError extends CompileError {}

/** Levenshtein-based "did you mean"; returns the closest candidates within a sane distance. */
export function closeMatches(word: string, candidates: Iterable<string>, max = 3): string[] {
  const scored: [number, string][] = [];
  const lw = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lw, c.toLowerCase());
    const limit = Math.max(2, Math.floor(Math.max(word.length, c.length) / 3));
    if (d <= limit) scored.push([d, c]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  // only the closest ones: a clear best match is suggested alone
  const best = scored[0]?.[0];
  return scored
    .filter(([d]) => d === best)
    .slice(0, max)
    .map(([, c]) => c);
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  return didYouMeanOf(closeMatches(word, candidates));
}

/** The one wording of a suggestion, from matches already found: `did you mean 'a' or 'b'?` (undefined for none). */
export function didYouMeanOf(matches: readonly string[]): string | undefined {
  return matches.length ? `did you mean ${matches.map((x) => `'${x}'`).join(' or ')}?` : undefined;
}

function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
