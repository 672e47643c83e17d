/**
 * Test config values that need checking before anything runs: `warn_if`/`error_if` thresholds,
 * `severity`, `limit`, `store_failures_as`, `fail_calc`. Pure; used by the parser and the runners.
 */

/** A `warn_if`/`error_if` condition: a comparison operator and a number (`'>10'`, `'!=0'`). */
export interface Threshold {
  readonly op: '=' | '!=' | '>' | '>=' | '<' | '<=';
  readonly value: number;
}

const THRESHOLD = /^\s*(==|=|!=|<>|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

/**
 * Parses a threshold condition, or returns undefined when it is malformed.
 * @example parseThreshold('>10') // { op: '>', value: 10 }
 */
export function parseThreshold(cond: unknown): Threshold | undefined {
  if (typeof cond !== 'string') return undefined;
  const m = THRESHOLD.exec(cond);
  if (!m) return undefined;
  const raw = m[1]!;
  const op = raw === '==' ? '=' : raw === '<>' ? '!=' : (raw as Threshold['op']);
  return { op, value: Number(m[2]) };
}

/** Whether a test's `fail_calc` is dbt's default `count(*)` (unset, or written so, in any case or spacing): a failure count alone decides it. */
export function isDefaultFailCalc(failCalc: unknown): boolean {
  return failCalc == null || String(failCalc).replace(/\s+/g, '').toLowerCase() === 'count(*)';
}

/** Whether `failures` meets a threshold (what `(fail_calc) <cond>` computes in SQL). */
export function meetsThreshold(failures: number, t: Threshold): boolean {
  switch (t.op) {
    case '=':
      return failures === t.value;
    case '!=':
      return failures !== t.value;
    case '>':
      return failures > t.value;
    case '>=':
      return failures >= t.value;
    case '<':
      return failures < t.value;
    case '<=':
      return failures <= t.value;
  }
}

/**
 * What is wrong with a test's config, or undefined when it is valid: `severity` is error|warn,
 * `warn_if`/`error_if` are `<op> <number>`, `limit` a non-negative integer, `store_failures_as`
 * table|view|ephemeral. Checked at parse time so a typo stops the command before anything runs.
 */
export function testConfigProblem(config: Readonly<Record<string, unknown>>): string | undefined {
  const severity = config['severity'];
  if (severity !== undefined && !/^(error|warn)$/i.test(String(severity))) return `severity must be 'error' or 'warn', got ${JSON.stringify(severity)}`;
  for (const key of ['warn_if', 'error_if']) {
    const v = config[key];
    if (v !== undefined && v !== null && !parseThreshold(v)) return `${key} must be a comparison with a number such as '>10' or '!=0', got ${JSON.stringify(v)}`;
  }
  const limit = config['limit'];
  if (limit !== undefined && limit !== null && !(Number.isInteger(limit) && (limit as number) >= 0)) return `limit must be a non-negative integer, got ${JSON.stringify(limit)}`;
  const as = config['store_failures_as'];
  if (as !== undefined && as !== null && !['table', 'view', 'ephemeral'].includes(String(as))) return `store_failures_as must be table, view or ephemeral, got ${JSON.stringify(as)}`;
  const failCalc = config['fail_calc'];
  if (failCalc !== undefined && (typeof failCalc !== 'string' || !failCalc.trim())) return `fail_calc must be a SQL expression such as 'count(*)', got ${JSON.stringify(failCalc)}`;
  return undefined;
}

