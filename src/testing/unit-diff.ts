/**
 * The readable diff a failing unit test prints: expected and actual rows in one table, `-` for an
 * expected row the model did not return, `+` for a returned row nobody expected, blank for a match.
 *
 * ### Examples
 * ```ts
 * formatRowDiff(['id', 'total'], { missing: [['2', '10']], extra: [['2', '11']], matched: [['1', '5']] });
 * ```
 * gives
 * ```text
 *     id | total
 *   ---- + -----
 *      1 | 5
 *   -  2 | 10
 *   +  2 | 11
 * ```
 */
export type DisplayRow = readonly (string | null)[];

export interface RowDiff {
  readonly missing: readonly DisplayRow[];
  readonly extra: readonly DisplayRow[];
  readonly matched: readonly DisplayRow[];
}

// created on first use: building an ICU collator costs milliseconds at start-up
let collator: Intl.Collator | undefined;

function compareRows(a: DisplayRow, b: DisplayRow): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    const c = (collator ??= new Intl.Collator('en', { numeric: true })).compare(x, y);
    if (c) return c;
  }
  return 0;
}

function cell(v: string | null): string {
  if (v === null) return 'null';
  return v.replace(/\n/g, '\\n');
}

/** The diff table, at most `maxRows` rows (then a count of the rest). */
export function formatRowDiff(columns: readonly string[], diff: RowDiff, maxRows = 50): string {
  const marked: { mark: ' ' | '-' | '+'; row: DisplayRow }[] = [
    ...diff.matched.map((row) => ({ mark: ' ' as const, row })),
    ...diff.missing.map((row) => ({ mark: '-' as const, row })),
    ...diff.extra.map((row) => ({ mark: '+' as const, row })),
  ];
  const rank = { ' ': 0, '-': 1, '+': 2 };
  marked.sort((a, b) => compareRows(a.row, b.row) || rank[a.mark] - rank[b.mark]);
  // show every difference first when the table must be cut
  let shown = marked;
  if (marked.length > maxRows) {
    const diffs = marked.filter((m) => m.mark !== ' ');
    const keep = new Set(diffs.slice(0, maxRows));
    for (const m of marked) if (keep.size < maxRows && m.mark === ' ') keep.add(m);
    shown = marked.filter((m) => keep.has(m));
  }
  const widths = columns.map((c, i) => Math.max(c.length, ...shown.map((m) => cell(m.row[i] ?? null).length)));
  const line = (mark: string, vals: readonly string[]) => `${mark}  ${vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ')}`.trimEnd();
  const out = [line(' ', columns as string[]), `   ${widths.map((w) => '-'.repeat(w)).join('-+-')}`];
  for (const m of shown) out.push(line(m.mark, m.row.map((v) => cell(v))));
  if (shown.length < marked.length) out.push(`   ... ${marked.length - shown.length} more row${marked.length - shown.length === 1 ? '' : 's'}`);
  return out.map((l) => `  ${l}`).join('\n');
}

/** One line on what differs: `1 expected row missing, 2 unexpected rows`. */
export function summarizeDiff(diff: { missing: number; extra: number }): string {
  const parts: string[] = [];
  if (diff.missing) parts.push(`${diff.missing} expected row${diff.missing === 1 ? '' : 's'} missing`);
  if (diff.extra) parts.push(`${diff.extra} unexpected row${diff.extra === 1 ? '' : 's'}`);
  return parts.join(', ');
}
