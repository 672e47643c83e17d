import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown.js';

describe('parseMarkdown', () => {
  it('splits paragraphs, headings, lists and fenced code', () => {
    const text = 'First line\nsecond line\n\n## Title here\n- one\n* two\n\n1. a\n2) b\n```sql\nselect 1\n  from t\n```\nafter';
    expect(parseMarkdown(text)).toEqual([
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'First line second line' }] },
      { kind: 'heading', inlines: [{ kind: 'text', text: 'Title here' }] },
      { kind: 'list', ordered: false, items: [[{ kind: 'text', text: 'one' }], [{ kind: 'text', text: 'two' }]] },
      { kind: 'list', ordered: true, items: [[{ kind: 'text', text: 'a' }], [{ kind: 'text', text: 'b' }]] },
      { kind: 'code', code: 'select 1\n  from t' },
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'after' }] },
    ]);
  });

  it('ends a paragraph at a heading, list or fence; ~~~ fences and CRLF work; an unclosed fence runs to the end', () => {
    expect(parseMarkdown('text\n# h\nmore\n- item').map((b) => b.kind)).toEqual(['paragraph', 'heading', 'paragraph', 'list']);
    expect(parseMarkdown('a\r\n~~~\r\nx ``` y\r\n~~~\r\nb')).toEqual([
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'a' }] },
      { kind: 'code', code: 'x ``` y' },
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'b' }] },
    ]);
    expect(parseMarkdown('```\nno end\nstill code')).toEqual([{ kind: 'code', code: 'no end\nstill code' }]);
  });

  it('takes an indented "# x" (no heading) as paragraph text instead of looping forever', () => {
    expect(parseMarkdown('  # not a heading\nnext')).toEqual([{ kind: 'paragraph', inlines: [{ kind: 'text', text: '  # not a heading next' }] }]);
  });

  it('gives nothing for empty, missing or blank text', () => {
    expect(parseMarkdown('')).toEqual([]);
    expect(parseMarkdown(undefined)).toEqual([]);
    expect(parseMarkdown(' \n\t\n')).toEqual([]);
  });
});

describe('parseInline', () => {
  it('finds code, bold, italic, links and bare URLs between text', () => {
    expect(parseInline('a `b*c` **d** __e__ *f g* [h](https://x.org/p) see http://y.org/q.')).toEqual([
      { kind: 'text', text: 'a ' }, { kind: 'code', text: 'b*c' }, { kind: 'text', text: ' ' }, { kind: 'strong', text: 'd' },
      { kind: 'text', text: ' ' }, { kind: 'strong', text: 'e' }, { kind: 'text', text: ' ' }, { kind: 'em', text: 'f g' },
      { kind: 'text', text: ' ' }, { kind: 'link', text: 'h', href: 'https://x.org/p' }, { kind: 'text', text: ' see ' },
      { kind: 'link', text: 'http://y.org/q.', href: 'http://y.org/q.' },
    ]);
  });

  it('keeps mailto and #anchor links; any other scheme becomes its label as text', () => {
    expect(parseInline('[m](mailto:a@b.c) [top](#!/model/x) [bad](javascript:alert(1)) [rel](docs/x.md)')).toEqual([
      { kind: 'link', text: 'm', href: 'mailto:a@b.c' }, { kind: 'text', text: ' ' },
      { kind: 'link', text: 'top', href: '#!/model/x' }, { kind: 'text', text: ' ' },
      { kind: 'text', text: 'bad' }, { kind: 'text', text: ') ' },
      { kind: 'text', text: 'rel' },
    ]);
  });

  it('leaves markup-looking text as text (it is never parsed as HTML)', () => {
    expect(parseInline('<b onclick="x">&amp;</b>')).toEqual([{ kind: 'text', text: '<b onclick="x">&amp;</b>' }]);
    expect(parseInline('a * b * c')).toEqual([{ kind: 'text', text: 'a * b * c' }]);
  });
});
