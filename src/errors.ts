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
    readonly code: `BMP_${string}`,
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
  constructor(code: `BMP_${string}`, message: string, where: ErrorLocation = {}, details?: string) {
    super(code, message, where, undefined, details);
  }

  protected override get kind() {
    return 'Database Error';
  }
}

/** Raised from the template context by `exceptions.raise_compiler_error`. */
export class TemplateRaisedError extends CompileError {}

/** True for errors users cause (exit code 2), as opposed to internal bugs. */
export function isBmpError(err: unknown): err is BmpError {
  return err instanceof BmpError;
}

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
  const m = closeMatches(word, candidates);
  return m.length ? `did you mean ${m.map((x) => `'${x}'`).join(' or ')}?` : undefined;
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
