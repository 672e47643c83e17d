import { describe, expect, it } from 'vitest';
import { escapeHtml, FULL_OVERVIEW_LIMIT, jsonForScript, renderDocsHtml, scriptSafe, type PagePayload } from './render-html.js';
import type { DocsData, DocsNode } from './types.js';

const HOSTILE = '</script><script>alert(1)</script><!-- <b onclick="x">&amp;</b> \u2028\u2029 </SCRIPT >';

function node(id: string, extra: Partial<DocsNode> = {}): DocsNode {
  const name = id.split('.').pop()!;
  return {
    uniqueId: id, resourceType: id.split('.')[0]!, name, packageName: 'p', path: `models/${name}.sql`, description: '',
    config: {}, tags: [], columns: [], parents: [], children: [], testIds: [], ...extra,
  };
}

function hostileData(): DocsData {
  return {
    projectName: `evil ${HOSTILE}`,
    generatedAt: '2024-01-01T00:00:00.000Z',
    nodes: [
      node('model.p.a', {
        description: HOSTILE, rawCode: `select '${HOSTILE}'`, compiledCode: `select '${HOSTILE}' -- </script>`,
        columns: [{ name: HOSTILE, type: 'VARCHAR', description: HOSTILE, tests: [] }], config: { meta: { note: HOSTILE } },
        tags: [HOSTILE], children: ['model.p.b'],
      }),
      node('model.p.b', { parents: ['model.p.a'] }),
    ],
  };
}

/** A stand-in for the page bundle (the real one is built by `npm run build`; tests/e2e/docs-page.test.ts checks it). */
const FAKE_ASSETS = { script: 'window.cytoscape = function () {}; var s = "</script>"; // <!--' };

/** The text of the `bmp-docs-data` block, parsed the way the page does. */
function payloadOf(html: string): PagePayload {
  const m = /<script type="application\/json" id="bmp-docs-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(m![1]!) as PagePayload;
}

describe('escaping', () => {
  it('jsonForScript leaves nothing that could close or comment the script block', () => {
    const text = jsonForScript({ s: HOSTILE });
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual({ s: HOSTILE });
  });

  it('escapeHtml escapes markup and quotes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('scriptSafe keeps the meaning of strings while removing </script and <!--', () => {
    const js = 'globalThis.__t = ["</script>", "</SCRIPT", "<!--", /<\\/script>/.source];';
    const safe = scriptSafe(js);
    expect(safe).not.toMatch(/<\/script|<!--/i);
    new Function(safe)();
    expect((globalThis as { __t?: unknown }).__t).toEqual(['</script>', '</SCRIPT', '<!--', '<\\/script>']);
  });
});

describe('renderDocsHtml', () => {
  const html = renderDocsHtml(hostileData(), FAKE_ASSETS);

  it('has exactly its own two scripts (data, page), whatever the data and the page script contain', () => {
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).not.toContain('<!--');
    expect(html).not.toContain('alert(1)</script>');
  });

  it('escapes the project name in the static markup', () => {
    expect(html).toContain('<title>evil &lt;/script&gt;&lt;script&gt;alert(1)');
    expect(html).not.toContain('<b onclick');
  });

  it('inlines the data unchanged, with overview positions for lineage nodes', () => {
    const payload = payloadOf(html);
    expect(payload.data).toEqual(hostileData());
    expect(Object.keys(payload.overview.positions).sort()).toEqual(['model.p.a', 'model.p.b']);
    expect(payload.overview.positions['model.p.a']![0]).toBeLessThan(payload.overview.positions['model.p.b']![0]);
    expect(payload.overview.groups).toBeUndefined();
  });

  it('adds overview groups past the full-overview limit', () => {
    const n = FULL_OVERVIEW_LIMIT + 1;
    const nodes = Array.from({ length: n }, (_, i) => node(`model.p.m${i}`, { parents: i ? [`model.p.m${Math.floor(i / 2)}`] : [] }));
    const payload = payloadOf(renderDocsHtml({ projectName: 'p', generatedAt: '', nodes }, FAKE_ASSETS));
    expect(payload.overview.groups!.length).toBeGreaterThan(1);
    expect(Object.keys(payload.overview.groupOf!)).toHaveLength(n);
  });
});
