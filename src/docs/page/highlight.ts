/** SQL / Jinja highlighting: a pure tokenizer (unit-tested) and the DOM it becomes (text nodes and spans). */
import { el } from './dom.js';

/** `tj` Jinja tag, `tc` comment, `ts` string, `ti` quoted identifier, `tn` number, `tk` keyword. */
export type TokenClass = 'tj' | 'tc' | 'ts' | 'ti' | 'tn' | 'tk';

/** A run of the text: highlighted (`cls`) or plain (`null`). The runs concatenate to the whole text. */
export interface Token {
  readonly text: string;
  readonly cls: TokenClass | null;
}

/** Longer code is shown as plain text. */
export const HIGHLIGHT_LIMIT = 300_000;

const SQL_KEYWORDS: ReadonlySet<string> = new Set(('select from where and or not in is null as on join left right inner outer full cross ' +
  'group by order having limit offset union all distinct case when then else end with recursive insert into ' +
  'values update set delete create table view or replace materialized drop alter if exists cast qualify ' +
  'over partition window rows range between asc desc nulls first last using lateral natural true false ' +
  'like ilike any exclude except intersect returning struct list interval filter within array').split(' '));

const TOKEN_RE = /(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\})|(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*')|("(?:[^"]|"")*")|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_$]*)/g;

export function tokenizeSql(code: string): Token[] {
  if (code.length > HIGHLIGHT_LIMIT) return [{ text: code, cls: null }];
  const out: Token[] = [];
  let last = 0;
  for (const m of code.matchAll(TOKEN_RE)) {
    const cls: TokenClass | null = m[1] ? 'tj' : m[2] ? 'tc' : m[3] ? 'ts' : m[4] ? 'ti' : m[5] ? 'tn' :
      SQL_KEYWORDS.has(m[6]!.toLowerCase()) ? 'tk' : null;
    if (!cls) continue;
    if (m.index > last) out.push({ text: code.slice(last, m.index), cls: null });
    out.push({ text: m[0], cls });
    last = m.index + m[0].length;
  }
  if (last < code.length) out.push({ text: code.slice(last), cls: null });
  return out;
}

export function highlightSql(code: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const t of tokenizeSql(code)) frag.appendChild(t.cls ? el('span', { className: t.cls, text: t.text }) : document.createTextNode(t.text));
  return frag;
}
