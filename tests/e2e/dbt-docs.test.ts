/**
 * Acceptance: the official dbt-docs page (../shared/compat/dbt-docs/index.html.gz, gunzipped into a
 * temp folder at test time), served on loopback from a folder holding only bmp's manifest.json and
 * catalog.json, renders the flagship project's models, their columns (types from the catalog,
 * descriptions from the manifest) and their lineage, in headless Chromium.
 * Skips where the compat folder is absent; BMP_SKIP_BROWSER=1 skips it like the other browser test.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatDir, NO_COMPAT } from '../helpers/compat.js';
import { bmp, copyPipeline, removeDir, ROOT } from '../helpers/project.js';

const compat = compatDir();
const page_ = compat ? join(compat, 'dbt-docs', 'index.html.gz') : undefined;
const skip = !page_ || !existsSync(page_) || process.env['BMP_SKIP_BROWSER'] === '1';
if (!page_ || !existsSync(page_)) console.warn(`dbt-docs.test.ts: ${NO_COMPAT}`);

declare global {
  interface Window {
    angular: any;
  }
}

interface ManifestNode {
  name: string;
  resource_type: string;
  columns: Record<string, { description: string }>;
}

describe.skipIf(skip)('the official dbt-docs site reads bmp artifacts', () => {
  let project: string;
  let site: string;
  let server: Server;
  let url: string;
  let browser: Browser;
  let manifest: { nodes: Record<string, ManifestNode>; parent_map: Record<string, string[]>; child_map: Record<string, string[]> };
  let catalog: { nodes: Record<string, { columns: Record<string, { type: string; index: number }> }> };

  beforeAll(async () => {
    project = copyPipeline('bmp-dbt-docs-');
    for (const args of [['build'], ['docs', 'generate']]) {
      const r = bmp([...args, '--project-dir', project]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    // the folder dbt-docs is served from holds its page and bmp's two artifacts, nothing else
    site = mkdtempSync(join(tmpdir(), 'bmp-dbt-docs-site-'));
    writeFileSync(join(site, 'index.html'), gunzipSync(readFileSync(page_!)));
    for (const f of ['manifest.json', 'catalog.json']) cpSync(join(project, 'target', f), join(site, f));
    manifest = JSON.parse(readFileSync(join(site, 'manifest.json'), 'utf8'));
    catalog = JSON.parse(readFileSync(join(site, 'catalog.json'), 'utf8'));
    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname).replace(/^\/+/, '') || 'index.html';
      const file = join(site, path);
      if (!file.startsWith(site) || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': path.endsWith('.json') ? 'application/json' : 'text/html' }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (project) removeDir(project);
    if (site) removeDir(site);
  });

  async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url + hash);
    return { page, errors };
  }

  it('opens on the project overview', async () => {
    const { page, errors } = await open('#!/overview');
    await page.waitForFunction(() => document.body.innerText.includes('Welcome!'), undefined, { timeout: 60_000 });
    // the project tree lists the project (dbt-docs splits the name's first letters into their own element)
    expect((await page.locator('.app-menu, body').first().innerText()).replace(/\s+/g, '')).toContain('biological_memory');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("renders every model's page with its catalog columns and manifest descriptions", async () => {
    const models = Object.entries(manifest.nodes).filter(([, n]) => n.resource_type === 'model');
    // every model file of the flagship project is a model node
    expect(models.length).toBe(readdirSync(join(ROOT, 'models'), { recursive: true }).filter((f) => String(f).endsWith('.sql')).length);
    const { page, errors } = await open('#!/overview');
    await page.waitForFunction(() => document.body.innerText.includes('Welcome!'), undefined, { timeout: 60_000 });
    for (const [id, node] of models) {
      await page.evaluate((h) => (location.hash = h), `#!/model/${id}`);
      await page.waitForFunction((name) => document.querySelector('[ui-view].app-body h1')?.textContent?.includes(name), node.name, { timeout: 30_000 });
      const body = await page.locator('[ui-view].app-body').innerText();
      const columns = catalog.nodes[id]!.columns;
      expect(Object.keys(columns).length, id).toBeGreaterThan(0);
      for (const [name, col] of Object.entries(columns)) {
        expect(body, `${id}.${name}`).toContain(name);
        expect(body, `${id}.${name}`).toContain(col.type);
      }
      const described = Object.values(node.columns).find((c) => c.description && !c.description.includes('\n'));
      if (described) expect(body).toContain(described.description.slice(0, 30));
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draws a model's lineage: its parents and children from bmp's manifest", async () => {
    const id = 'model.biological_memory.stg_memories';
    const { page, errors } = await open(`#!/model/${id}`);
    await page.waitForFunction(() => document.querySelector('[ui-view].app-body h1')?.textContent?.includes('stg_memories'), undefined, { timeout: 60_000 });
    await page.click('.launcher-btn .btn');
    await page.waitForFunction(() => {
      const graph = window.angular.element(document.body).injector().get('graph');
      return graph.graph.elements.length > 0 && document.querySelector('.launcher canvas') !== null;
    }, undefined, { timeout: 30_000 });
    const drawn = await page.evaluate(() => {
      const graph = window.angular.element(document.body).injector().get('graph');
      const els = graph.graph.elements as { group: string; data: { id: string; source?: string; target?: string; unique_id?: string } }[];
      return {
        nodes: els.filter((e) => e.group === 'nodes').map((e) => e.data.unique_id ?? e.data.id),
        edges: els.filter((e) => e.group === 'edges').map((e) => [e.data.source, e.data.target]),
      };
    });
    const expected = [id, ...manifest.parent_map[id]!, ...manifest.child_map[id]!.filter((c) => manifest.nodes[c]?.resource_type === 'model')];
    for (const n of expected) expect(drawn.nodes, n).toContain(n);
    for (const p of manifest.parent_map[id]!) expect(drawn.edges).toContainEqual([p, id]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
