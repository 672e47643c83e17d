/**
 * What changed between two versions of a project, in pure functions over plain values: used by the
 * dev loop (watch/change-set.ts, which nodes to rebuild) and by `--state` (tasks/state.ts,
 * state:modified.macros), so both agree on what "changed" means.
 */

/** Macro names whose block was added, removed or edited. */
export function changedMacroNames(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Set<string> {
  const names = new Set<string>();
  for (const [name, text] of after) if (before.get(name) !== text) names.add(name);
  for (const name of before.keys()) if (!after.has(name)) names.add(name);
  return names;
}

/** Adds every macro whose text calls a name in the set, until nothing new is found. */
export function closeOverCallers(names: Set<string>, blocks: ReadonlyMap<string, string>): void {
  for (;;) {
    const re = callPattern([...names].filter((n) => !n.startsWith('test:')));
    if (!re) return;
    let grew = false;
    for (const [name, text] of blocks) {
      if (names.has(name) || !re.test(text)) continue;
      names.add(name);
      grew = true;
    }
    if (!grew) return;
  }
}

/** A regular expression matching a call of any of `names` (none: undefined). */
export function callPattern(names: readonly string[]): RegExp | undefined {
  return names.length ? new RegExp(`(?<![A-Za-z0-9_])(?:${names.join('|')})\\s*\\(`) : undefined;
}

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : typeof x === 'bigint' ? x.toString() : x,
  );
}
