/**
 * A safe markdown subset for descriptions: paragraphs, headings (shown as h4), lists, fenced code,
 * inline code, bold, italic and links (http(s), mailto and #anchors only; other links become their
 * text). Parsing is pure (unit-tested); rendering builds elements and text nodes, never HTML.
 */
import { el } from './dom.js';
import { highlightSql } from './highlight.js';

export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'code' | 'strong' | 'em'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string };

export type Block =
  | { readonly kind: 'code'; readonly code: string }
  | { readonly kind: 'heading' | 'paragraph'; readonly inlines: readonly Inline[] }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: readonly (readonly Inline[])[] };

const BLANK = /^\s*$/;
const FENCE = /^\s*(```|~~~)/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const ITEM = /^\s*([-*+]|\d+[.)])\s+/;
const PARAGRAPH_END = /^\s*(```|~~~|#{1,6}\s|[-*+]\s)/;

export function parseMarkdown(text: string | null | undefined): Block[] {
  const blocks: Block[] = [];
  const lines = String(text || '').replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (BLANK.test(line)) { i++; continue; }
    if (FENCE.test(line)) {
      const fence = line.trim().slice(0, 3);
      const code: string[] = [];
      i++;
      while (i < lines.length && lines[i]!.trim().slice(0, 3) !== fence) code.push(lines[i++]!);
      i++;
      blocks.push({ kind: 'code', code: code.join('\n') });
      continue;
    }
    const h = HEADING.exec(line);
    if (h) { blocks.push({ kind: 'heading', inlines: parseInline(h[2]!) }); i++; continue; }
    if (ITEM.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: Inline[][] = [];
      while (i < lines.length && ITEM.test(lines[i]!)) {
        items.push(parseInline(lines[i]!.replace(ITEM, '')));
        i++;
      }
      blocks.push({ kind: 'list', ordered, items });
      continue;
    }
    // the first line always belongs to the paragraph: an indented `  # x` is no heading but would end one
    const para: string[] = [lines[i++]!];
    while (i < lines.length && !BLANK.test(lines[i]!) && !PARAGRAPH_END.test(lines[i]!)) para.push(lines[i++]!);
    blocks.push({ kind: 'paragraph', inlines: parseInline(para.join(' ')) });
  }
  return blocks;
}

const INLINE_RE = /(`[^`]+`)|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+)/g;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE_RE)) {
    if (m.index > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
    if (m[1]) out.push({ kind: 'code', text: m[1].slice(1, -1) });
    else if (m[2] || m[3]) out.push({ kind: 'strong', text: (m[2] || m[3])! });
    else if (m[4]) out.push({ kind: 'em', text: m[4] });
    else if (m[5]) out.push(link(m[5], m[6]!));
    else if (m[7]) out.push(link(m[7], m[7]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

function link(text: string, href: string): Inline {
  return /^(https?:|mailto:|#)/i.test(href) ? { kind: 'link', text, href } : { kind: 'text', text };
}

export function renderMarkdown(text: string | null | undefined): HTMLDivElement {
  const root = el('div', { className: 'md' });
  for (const b of parseMarkdown(text)) {
    if (b.kind === 'code') root.appendChild(el('pre', { className: 'code small' }, [highlightSql(b.code)]));
    else if (b.kind === 'list') root.appendChild(el(b.ordered ? 'ol' : 'ul', null, b.items.map((item) => inline(el('li'), item))));
    else root.appendChild(inline(el(b.kind === 'heading' ? 'h4' : 'p'), b.inlines));
  }
  return root;
}

function inline<E extends HTMLElement>(parent: E, inlines: readonly Inline[]): E {
  for (const x of inlines) {
    if (x.kind === 'text') parent.appendChild(document.createTextNode(x.text));
    else if (x.kind === 'link') parent.appendChild(el('a', { href: x.href, text: x.text, target: x.href.charAt(0) === '#' ? null : '_blank', rel: 'noopener noreferrer' }));
    else parent.appendChild(el(x.kind, { text: x.text }));
  }
  return parent;
}
