/**
 * Semantic versions and the version ranges packages.yml uses (`1.2.3`, `>=1.0.0`, `<2.0.0`, a list of
 * them meaning all at once), with dbt's reading of them: an optional comparison operator, exactly three
 * numbers, a prerelease with or without its dash (`0.1.4a1`, `1.0.0-rc.1`), a build after `+`.
 */

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Without its leading dash; undefined for a release. */
  readonly prerelease?: string;
  readonly build?: string;
  /** As written. */
  readonly text: string;
}

export type Operator = '=' | '>' | '>=' | '<' | '<=';

export interface Constraint {
  readonly op: Operator;
  readonly version: Version;
  /** As written (`>=1.0.0`). */
  readonly text: string;
}

const IDENT = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const VERSION_RE = new RegExp(`^(>=|<=|>|<|=)?\\s*(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-?(${IDENT}(?:\\.${IDENT})*))?(?:\\+([0-9A-Za-z-]*(?:\\.[0-9A-Za-z-]*)*))?$`);

/**
 * Reads `[op]major.minor.patch[-prerelease][+build]`; undefined when the text is not one.
 * @example parseConstraint('>=1.0.0') // { op: '>=', version: { major: 1, minor: 0, patch: 0, ... } }
 */
export function parseConstraint(text: string): Constraint | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  const op = (m[1] ?? '=') as Operator;
  const versionText = text.trim().slice(m[1]?.length ?? 0).trim();
  const version: Version = { major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4]), text: versionText, ...(m[5] ? { prerelease: m[5] } : {}), ...(m[6] ? { build: m[6] } : {}) };
  return { op, version, text: `${m[1] ?? ''}${versionText}` };
}

/** A plain version (no operator); undefined when the text is not one. */
export function parseVersion(text: string): Version | undefined {
  const c = parseConstraint(text);
  return c && c.op === '=' && !/^=/.test(text.trim()) ? c.version : undefined;
}

/** Semantic-version order: numbers, then a release above its prereleases, then prerelease identifiers. */
export function compareVersions(a: Version, b: Version): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core) return Math.sign(core);
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  const pa = a.prerelease.split('.');
  const pb = b.prerelease.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d) return Math.sign(d);
    } else if (nx !== ny) return nx ? -1 : 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return Math.sign(pa.length - pb.length);
}

const sameCore = (a: Version, b: Version) => a.major === b.major && a.minor === b.minor && a.patch === b.patch;

/**
 * Whether `v` meets `c`. As dbt does, `<2.0.0` also keeps out `2.0.0`'s own prereleases (`2.0.0-rc1`),
 * which semantic-version order would put below it.
 */
export function satisfies(v: Version, c: Constraint): boolean {
  const d = compareVersions(v, c.version);
  switch (c.op) {
    case '=':
      return d === 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    case '<':
      return d < 0 && !(v.prerelease !== undefined && c.version.prerelease === undefined && sameCore(v, c.version));
    case '<=':
      return d <= 0;
  }
}

interface Bound {
  readonly version: Version;
  readonly inclusive: boolean;
}

/** The interval a list of constraints allows; undefined when it is empty. */
function intersect(constraints: readonly Constraint[]): { lower?: Bound; upper?: Bound } | undefined {
  let lower: Bound | undefined;
  let upper: Bound | undefined;
  for (const c of constraints) {
    const b = { version: c.version, inclusive: c.op !== '>' && c.op !== '<' };
    if (c.op !== '<' && c.op !== '<=') {
      const d = lower ? compareVersions(b.version, lower.version) : 1;
      if (d > 0 || (d === 0 && !b.inclusive)) lower = b;
    }
    if (c.op !== '>' && c.op !== '>=') {
      const d = upper ? compareVersions(b.version, upper.version) : -1;
      if (d < 0 || (d === 0 && !b.inclusive)) upper = b;
    }
  }
  if (lower && upper) {
    const d = compareVersions(lower.version, upper.version);
    if (d > 0 || (d === 0 && !(lower.inclusive && upper.inclusive))) return undefined;
  }
  return { lower, upper };
}

/** Whether some version could meet every constraint at once (whatever versions exist). */
export function compatible(constraints: readonly Constraint[]): boolean {
  return intersect(constraints) !== undefined;
}

/**
 * The first two constraints that no version can meet together, in the order given; undefined when
 * all can hold at once. For intervals on a line, a conflict always shows in some pair.
 */
export function conflictingPair<T extends { readonly constraint: Constraint }>(items: readonly T[]): [T, T] | undefined {
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (!compatible([items[i]!.constraint, items[j]!.constraint])) return [items[i]!, items[j]!];
    }
  }
  return undefined;
}

/**
 * The highest of `available` meeting every constraint. Prereleases are candidates only when
 * `allowPrerelease` or a constraint names one, as in dbt.
 * @example pickVersion(['0.1.2', '0.1.3', '0.2.0'], [parseConstraint('<0.2.0')!], false) // '0.1.3'
 */
export function pickVersion(available: readonly string[], constraints: readonly Constraint[], allowPrerelease: boolean): string | undefined {
  const pre = allowPrerelease || constraints.some((c) => c.version.prerelease !== undefined);
  let best: Version | undefined;
  let bestText: string | undefined;
  for (const text of available) {
    const v = parseVersion(text);
    if (!v || (v.prerelease !== undefined && !pre)) continue;
    if (!constraints.every((c) => satisfies(v, c))) continue;
    if (!best || compareVersions(v, best) > 0) {
      best = v;
      bestText = text;
    }
  }
  return bestText;
}

/** Versions sorted from lowest to highest (unparseable ones dropped). */
export function sortVersions(available: readonly string[]): string[] {
  return available
    .map((t) => [t, parseVersion(t)] as const)
    .filter((x): x is readonly [string, Version] => !!x[1])
    .sort((a, b) => compareVersions(a[1], b[1]))
    .map(([t]) => t);
}
