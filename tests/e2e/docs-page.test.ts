/**
 * The docs page bundle the build produces (dist/docs/page.js: src/docs/page/ with cytoscape, made
 * by scripts/bundle-cli.mjs) and how `bmp docs generate` inlines it. The page's behaviour in a browser
 * is tests/e2e/docs-site.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPageAssets, pageBundlePath, renderDocsHtml, scriptSafe } from '../../src/docs/index.js';
import { shopDocsData } from '../fixtures/docs/synthetic-docs.js';
import { bmp, copyFixture, removeDir, ROOT } from '../helpers/project.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

describe('the docs page bundle', () => {
  it('is one browser script with cytoscape, cytoscape-dagre and its licence notices, and it parses', async () => {
    expect(pageBundlePath()).toBe(join(ROOT, 'dist/docs/page.js'));
    const { script } = await loadPageAssets();
    expect(script).toMatch(/^\/\*! cytoscape \d+\.\d+\.\d+ \| Copyright \(c\)/);
    expect(script).toContain('cytoscape-dagre');
    expect(script).toContain('bmpDocs');
    expect(script).not.toMatch(/sourceMappingURL|^\s*(import|export)\s/m);
    expect(() => new Function(script)).not.toThrow();
    expect(scriptSafe(script)).not.toMatch(/<\/script|<!--/i);
  });

  it('is inlined as the page\'s one script next to the data', async () => {
    const assets = await loadPageAssets();
    const html = renderDocsHtml(shopDocsData(), assets);
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).toContain(`<script>${scriptSafe(assets.script)}</script>`);
  });

  it('is what the built CLI writes into target/docs/index.html', () => {
    const dir = copyFixture('basic');
    dirs.push(dir);
    const r = bmp(['docs', 'generate', '--project-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(dir, 'target/docs/index.html'), 'utf8');
    expect(html).toContain(`<script>${scriptSafe(readFileSync(join(ROOT, 'dist/docs/page.js'), 'utf8'))}</script>`);
  });
});
