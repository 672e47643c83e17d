/**
 * Matching primitives for selector methods: fnmatch-style globs (what dbt uses), dbt's fqn rule,
 * project-relative paths and config values.
 */
import picomatch from 'picomatch';

const GLOB_CHARS = /[*?[\]]/;

/** True when `pattern` holds an fnmatch wildcard (`*`, `?`, `[`, `]`). */
export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

const GLOB_OPTIONS = { dot: true, nobrace: true, noextglob: true, nonegate: true, windows: false } as const;

const matcherCache = new Map<string, (s: string) => boolean>();

/** Compiles (once) a glob; patterns without wildcards compare for equality. */
function compile(pattern: string): (s: string) => boolean {
  let m = matcherCache.get(pattern);
  if (!m) {
    if (hasGlob(pattern)) {
      // fnmatch semantics: only * ? [...] are special (`[!x]` negates); no braces, extglobs or `!glob`.
      const re = picomatch.makeRe(pattern.replaceAll('[!', '[^'), GLOB_OPTIONS);
      m = (s) => re.test(s);
    } else {
      m = (s) => s === pattern;
    }
    if (matcherCache.size > 1000) matcherCache.clear();
    matcherCache.set(pattern, m);
  }
  return m;
}

/**
 * fnmatch-style match of a name (tag, package, file name...) or a project-relative path. Only `*`,
 * `?` and `[...]` are special; in a path `*` stays within one folder and `**` crosses folders.
 *
 * @example
 * ```ts
 * fnmatch('stg_orders', 'stg_*'); // true
 * fnmatch('nightly', 'nightly');  // true
 * fnmatch('models/stg/a.sql', 'models/stg/*.sql'); // true
 * ```
 */
export function fnmatch(name: string, pattern: string): boolean {
  return compile(pattern)(name);
}

/** Forward slashes, no leading `./`, no trailing `/`; `.` is the empty root. */
export function normalizePath(p: string): string {
  let s = p.replaceAll('\\', '/');
  while (s.startsWith('./')) s = s.slice(2);
  s = s.replace(/\/+$/, '');
  return s === '.' ? '' : s;
}

/** The node's file, every folder above it, and its properties file (dbt's `path:` candidates). */
export function candidatePaths(node: { readonly originalFilePath: string; readonly patchPath?: string }): string[] {
  const file = normalizePath(node.originalFilePath);
  const out = [file];
  const parts = file.split('/');
  for (let i = parts.length - 1; i > 0; i--) out.push(parts.slice(0, i).join('/'));
  if (node.patchPath) {
    const patch = node.patchPath.includes('://') ? node.patchPath.split('://')[1]! : node.patchPath;
    out.push(normalizePath(patch));
  }
  return out;
}

/** The last segment of a `/` path. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** A file name without its last extension. */
export function stem(fileName: string): string {
  const i = fileName.lastIndexOf('.');
  return i <= 0 ? fileName : fileName.slice(0, i);
}

/**
 * dbt's `is_selected_node`: the selector equals the fqn's leaf, or is a dotted prefix of the
 * flattened fqn; from the first part holding a wildcard, the rest is matched with fnmatch.
 */
export function fqnMatches(fqn: readonly string[], selector: string, versioned = false): boolean {
  if (fqn.length === 0) return false;
  if (versioned) {
    // a model version's fqn ends in its name and v<version>: the name selects it, and so does
    // name_vN (dbt's is_selected_node); the version segment alone does not
    const name = fqn[fqn.length - 2];
    if (name === selector || `${name}_${fqn[fqn.length - 1]}` === selector) return true;
  } else if (fqn[fqn.length - 1] === selector) return true;
  const flat = fqn.flatMap((segment) => segment.split('.'));
  const parts = selector.split('.');
  if (flat.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (hasGlob(part)) return fnmatch(flat.slice(i).join('.'), parts.slice(i).join('.'));
    if (flat[i] !== part) return false;
  }
  return true;
}

/** dbt's `_getattr_descend` over plain objects: the value at `keys`, or `found: false` when a key is missing. */
export function descend(value: unknown, keys: readonly string[]): { found: boolean; value?: unknown } {
  let cur = value;
  for (const key of keys) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return { found: false };
    cur = (cur as Record<string, unknown>)[key];
  }
  return { found: true, value: cur };
}

/** dbt's config comparison: booleans as 'true'/'false' (any case), strings exactly (severity: any case). */
export function configValueEquals(actual: unknown, wanted: string, caseInsensitive: boolean): boolean {
  if (typeof actual === 'boolean') return wanted.toLowerCase() === String(actual);
  if (typeof actual === 'string') {
    return caseInsensitive ? actual.toUpperCase() === wanted.toUpperCase() : actual === wanted;
  }
  if (typeof actual === 'number' || typeof actual === 'bigint') return String(actual) === wanted;
  return false;
}
