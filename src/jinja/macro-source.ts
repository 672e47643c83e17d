/**
 * Finds `{% macro %}`, `{% test %}`, `{% docs %}`, `{% snapshot %}` and `{% materialization %}` blocks in
 * template files by scanning text (no render), with their line numbers and argument lists.
 */
export interface MacroBlock {
  readonly kind: 'macro' | 'test' | 'materialization';
  /** The name as written (`star`; for a materialization, its name: `table`). */
  readonly name: string;
  /** Materializations: the adapter they are for (`duckdb`), or `default`. */
  readonly adapter?: string;
  readonly args: readonly MacroArg[];
  /** 1-based line of the `{% macro` tag. */
  readonly line: number;
  /** The whole block text, `{% macro ... %}` to `{% endmacro %}`. */
  readonly text: string;
  /** Offset of the block in the file. */
  readonly offset: number;
}

export interface MacroArg {
  readonly name: string;
  readonly hasDefault: boolean;
}

const BLOCK_START = /\{%-?\s*(macro|test|materialization)\s+([A-Za-z_][A-Za-z0-9_]*)\s*(\(|,)/g;

/** Splits a macro file into its top-level macro/test blocks. */
export function findMacroBlocks(text: string): MacroBlock[] {
  const blocks: MacroBlock[] = [];
  BLOCK_START.lastIndex = 0;
  // lines are counted on from the previous block (a file of many macros is read once, not once per block)
  let counted = 0;
  let line = 1;
  const lineAt = (offset: number) => {
    line += countNewlines(text, counted, offset);
    counted = offset;
    return line;
  };
  let m: RegExpExecArray | null;
  while ((m = BLOCK_START.exec(text))) {
    const kind = m[1] as 'macro' | 'test' | 'materialization';
    const start = m.index;
    const end = findBlockEnd(text, BLOCK_START.lastIndex, kind);
    if (end < 0) break;
    BLOCK_START.lastIndex = end;
    if (kind === 'materialization') {
      blocks.push({ kind, name: m[2]!, adapter: materializationAdapter(text, m.index + m[0].length), args: [], line: lineAt(start), text: text.slice(start, end), offset: start });
      continue;
    }
    const argsText = m[3] === '(' ? balancedParens(text, m.index + m[0].length - 1) : '';
    blocks.push({
      kind,
      name: m[2]!,
      args: parseArgs(argsText),
      line: lineAt(start),
      text: text.slice(start, end),
      offset: start,
    });
  }
  return blocks;
}

/** `adapter='duckdb'` or `default` in `{% materialization name, ... %}`, read from `from` to the tag's end. */
function materializationAdapter(text: string, from: number): string {
  const close = text.indexOf('%}', from);
  const rest = text.slice(from, close < 0 ? undefined : close);
  const adapter = /\badapter\s*=\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]/.exec(rest);
  return adapter ? adapter[1]! : 'default';
}

/** The tag that opens or closes a block of each kind (made once, not once per block). */
const blockTag = (kind: string) => new RegExp(`\\{%-?\\s*(${kind}|end${kind})\\b[^%]*-?%\\}`, 'g');
const BLOCK_TAGS: Readonly<Record<MacroBlock['kind'], RegExp>> = { macro: blockTag('macro'), test: blockTag('test'), materialization: blockTag('materialization') };

function findBlockEnd(text: string, from: number, kind: MacroBlock['kind']): number {
  const re = BLOCK_TAGS[kind];
  re.lastIndex = from;
  let depth = 1;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[1] === kind) depth++;
    else if (--depth === 0) return m.index + m[0].length;
  }
  return -1;
}

/** Text inside the parentheses that open at `open`. */
function balancedParens(text: string, open: number): string {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote && text[i - 1] !== '\\') quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) return text.slice(open + 1, i);
    }
  }
  return '';
}

/** Splits `a, b=1, c=[1,2]` into names, minding nested brackets and strings. */
export function parseArgs(argsText: string): MacroArg[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (const c of argsText) {
    if (quote) {
      cur += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) parts.push(cur);
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=');
      return { name: (eq < 0 ? p : p.slice(0, eq)).trim(), hasDefault: eq >= 0 };
    });
}

export function lineOf(text: string, offset: number): number {
  return 1 + countNewlines(text, 0, offset);
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export interface DocsBlockText {
  readonly name: string;
  readonly contents: string;
}

/** `{% docs name %}...{% enddocs %}` blocks of a markdown file. */
export function findDocsBlocks(text: string): DocsBlockText[] {
  const out: DocsBlockText[] = [];
  const re = /\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push({ name: m[1]!, contents: m[2]!.trim() });
  return out;
}
