/**
 * The generated docs site in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core): search, click, details, lineage graph, over file:// and over serveDocs().
 * Set BMP_SKIP_BROWSER=1 to skip; without it a missing /usr/bin/chromium fails loudly.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDocs, writeDocsSite } from '../../src/docs/index.js';
import { shopDocsData, syntheticDocsData } from '../fixtures/docs/synthetic-docs.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(tmpdir(), 'bmp-docs-screenshots');
const skip = process.env.BMP_SKIP_BROWSER === '1';
const ms = (x: number | undefined) => (x === undefined ? '?' : Math.round(x));

interface GraphState {
  nodes: string[];
  edges: [string, string][];
  focus: string[];
  x: Record<string, number>;
  status: Record<string, string | undefined>;
  rendered: Record<string, { x: number; y: number }>;
}

declare global {
  interface Window {
    bmpDocs?: { ready: boolean; cy(): any; overview(): any; lineage(): any; focus(): string | null; group(): number | null };
    __pwned?: unknown;
  }
}

/** Cytoscape's view of the current graph, read inside the page. */
function graphState(page: Page): Promise<GraphState> {
  return page.evaluate(() => {
    const cy = window.bmpDocs!.cy();
    const real = cy.nodes().not('.ghost');
    const state = {
      nodes: real.map((n: any) => n.id()),
      edges: cy.edges().not('.ghost').map((e: any) => [e.source().id(), e.target().id()]),
      focus: cy.nodes('.focus').map((n: any) => n.id()),
      x: {} as Record<string, number>,
      status: {} as Record<string, string | undefined>,
      rendered: {} as Record<string, { x: number; y: number }>,
    };
    real.forEach((n: any) => {
      state.x[n.id()] = n.position('x');
      state.status[n.id()] = n.data('status');
      state.rendered[n.id()] = n.renderedPosition();
    });
    return state;
  });
}

async function openSite(browser: Browser, url: string): Promise<{ page: Page; errors: string[]; loadMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.bmpDocs?.ready === true, undefined, { timeout: 60_000 });
  return { page, errors, loadMs: Date.now() - t0 };
}

async function searchAndOpen(page: Page, text: string, uniqueId: string): Promise<void> {
  await page.fill('#search', text);
  await page.waitForFunction((q) => document.getElementById('results')!.dataset.query === q, text);
  const row = page.locator(`.result[data-id="${uniqueId}"]`);
  await row.waitFor();
  await row.click();
  await page.waitForFunction((id) => location.hash.endsWith('/' + encodeURIComponent(id)), uniqueId);
  await page.locator(`.result.selected[data-id="${uniqueId}"]`).waitFor();
}

/** The whole scenario on the shop project; `label` names the screenshot. */
async function exerciseShop(browser: Browser, url: string, label: string): Promise<void> {
  const { page, errors } = await openSite(browser, url);
  try {
    // Nothing selected yet: a small project opens on the overview of the whole graph.
    expect(await page.locator('.detail-head .title').textContent()).toBe('shop');
    const overview = await graphState(page);
    expect(overview.nodes).toHaveLength(17);

    await searchAndOpen(page, 'stg_ord', 'model.shop.stg_orders');
    expect(await page.evaluate(() => window.bmpDocs!.focus())).toBe('model.shop.stg_orders');
    const details = page.locator('#details');
    expect(await details.locator('.detail-head .title').textContent()).toBe('stg_orders');
    const description = await details.locator('.card').first().textContent();
    // Hostile text arrives as text: not parsed as HTML, and its script never ran.
    expect(description).toContain('</script><script>window.__pwned = 1</script> and <b>bold html</b> & <!-- comment -->');
    expect(await details.locator('.card').first().locator('strong').textContent()).toBe('cents');
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();

    const columns = await details.locator('table.grid tbody tr').allTextContents();
    expect(columns).toHaveLength(5);
    expect(columns[0]).toContain('order_id');
    expect(columns[0]).toContain('INTEGER');
    expect(columns[0]).toContain('Primary key of the order.');
    expect(columns[0]).toContain('unique');
    expect(columns[0]).toContain('not_null');
    expect(await details.locator('.test-chip.bad').textContent()).toBe('accepted_values');

    const code = details.locator('pre.code');
    expect(await code.getAttribute('data-kind')).toBe('compiled');
    expect(await code.textContent()).toContain("from raw.orders\n-- '</script>' must not end the page");
    await details.locator('.tab[data-key="source"]').click();
    expect(await code.textContent()).toContain("{{ source('raw', 'orders') }}");
    expect(await details.locator('.lineage-lists').textContent()).toContain('raw.orders');

    // Selecting from the list switches the graph to the node's lineage, laid out left to right.
    const g = await graphState(page);
    expect(g.focus).toEqual(['model.shop.stg_orders']);
    for (const id of ['source.shop.raw.orders', 'model.shop.int_order_payments', 'model.shop.fct_orders', 'model.shop.rpt_revenue_by_country']) {
      expect(g.nodes).toContain(id);
    }
    expect(g.nodes).not.toContain('model.shop.stg_customers'); // neither ancestor nor descendant
    expect(g.edges).toContainEqual(['source.shop.raw.orders', 'model.shop.stg_orders']);
    expect(g.edges).toContainEqual(['model.shop.stg_orders', 'model.shop.int_order_payments']);
    expect(g.x['source.shop.raw.orders']!).toBeLessThan(g.x['model.shop.stg_orders']!);
    expect(g.x['model.shop.stg_orders']!).toBeLessThan(g.x['model.shop.int_order_payments']!);
    expect(g.status['model.shop.stg_orders']).toBe('fail'); // its accepted_values test failed
    expect(g.status['model.shop.fct_orders']).toBe('pass');

    await mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${label}-stg_orders.png`) });

    // A real mouse click on a child node in the canvas opens it.
    const box = (await page.locator('#cy-lineage').boundingBox())!;
    const target = g.rendered['model.shop.int_order_payments']!;
    await page.mouse.click(box.x + target.x, box.y + target.y);
    await page.waitForFunction(() => window.bmpDocs!.focus() === 'model.shop.int_order_payments');
    expect(await details.locator('.detail-head .title').textContent()).toBe('int_order_payments');
    const g2 = await graphState(page);
    expect(g2.nodes).toEqual(expect.arrayContaining(['model.shop.stg_orders', 'model.shop.stg_payments', 'model.shop.fct_orders']));

    // Depth control: one level upstream hides the sources.
    await page.selectOption('#depth-up', '1');
    const g3 = await graphState(page);
    expect(g3.nodes).toContain('model.shop.stg_orders');
    expect(g3.nodes).not.toContain('source.shop.raw.orders');
    expect(await page.evaluate(() => window.bmpDocs!.cy().nodes('.ghost').length)).toBeGreaterThan(0);

    // A test page links back to its model.
    await searchAndOpen(page, 'accepted_values', 'test.shop.accepted_values_stg_orders_status');
    expect(await details.locator('.message').textContent()).toContain('Got 3 results');
    expect(await page.evaluate(() => window.bmpDocs!.cy().nodes('.focus').map((n: any) => n.id()))).toEqual(['model.shop.stg_orders']);

    await page.click('[data-view="overview"]');
    const g4 = await graphState(page);
    expect(g4.nodes).toHaveLength(17);
    expect(g4.focus).toEqual(['model.shop.stg_orders']);
    await page.screenshot({ path: join(SHOTS, `${label}-overview.png`) });
    expect(errors).toEqual([]);
  } finally {
    await page.close();
  }
}

describe.skipIf(skip)('bmp docs site in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install it with 'apt-get update && apt-get install -y chromium' ` +
          '(or set BMP_SKIP_BROWSER=1 to skip the browser tests)',
      );
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    dir = await mkdtemp(join(tmpdir(), 'bmp-docs-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('works opened from disk (file://)', async () => {
    const file = await writeDocsSite(join(dir, 'file'), shopDocsData());
    await exerciseShop(browser, pathToFileURL(file).href, 'file');
  });

  it('works served by serveDocs() on 127.0.0.1', async () => {
    await writeDocsSite(join(dir, 'served'), shopDocsData());
    const server = await serveDocs(join(dir, 'served'), { port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      await exerciseShop(browser, server.url, 'served');
    } finally {
      await server.close();
    }
  });

  it('loads, searches and focuses a 5,000-node project', async () => {
    const data = syntheticDocsData(5000);
    const t0 = Date.now();
    const file = await writeDocsSite(join(dir, 'big'), data);
    const generateMs = Date.now() - t0;
    const bytes = (await stat(file)).size;

    const { page, errors, loadMs } = await openSite(browser, pathToFileURL(file).href);
    try {
      const t1 = Date.now();
      await page.fill('#search', 'model_4321');
      await page.waitForFunction(() => document.getElementById('results')!.dataset.query === 'model_4321');
      const searchMs = Date.now() - t1;
      expect(await page.locator('.result').first().getAttribute('data-id')).toBe('model.big.model_4321');
      const t2 = Date.now();
      await page.locator('.result').first().click();
      await page.waitForFunction(() => window.bmpDocs!.focus() === 'model.big.model_4321');
      const focusMs = Date.now() - t2;
      expect(await page.locator('.detail-head .title').textContent()).toBe('model_4321');
      const g = await graphState(page);
      expect(g.focus).toEqual(['model.big.model_4321']);
      expect(g.nodes).toEqual(expect.arrayContaining([...data.nodes.find((n) => n.uniqueId === 'model.big.model_4321')!.parents]));
      expect(g.nodes.length).toBeLessThanOrEqual(400); // depth-limited, never the whole project
      await mkdir(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, 'big-lineage.png') });

      // Too big to draw whole: the overview shows groups (folder x depth), and a click opens one.
      const t3 = Date.now();
      await page.click('[data-view="overview"]');
      const groups = await page.evaluate(() => window.bmpDocs!.overview().nodes('.group').length);
      const overviewMs = Date.now() - t3;
      expect(groups).toBeGreaterThan(3);
      expect(groups).toBeLessThan(200);
      expect(await page.evaluate(() => window.bmpDocs!.overview().nodes('.focus').length)).toBe(1);
      await page.screenshot({ path: join(SHOTS, 'big-overview.png') });
      const label = await page.evaluate(() => {
        const group = window.bmpDocs!.overview().nodes('.focus')[0];
        group.emit('tap');
        return group.data('label') as string;
      });
      await page.waitForFunction(() => window.bmpDocs!.group() !== null);
      const members = await page.evaluate(() => window.bmpDocs!.cy().nodes().length);
      expect(label).toContain(`${members} nodes`);
      expect(await page.evaluate(() => window.bmpDocs!.cy().nodes('.focus').map((n: any) => n.id()))).toEqual(['model.big.model_4321']);
      await page.screenshot({ path: join(SHOTS, 'big-group.png') });
      expect(errors).toEqual([]);
      const inPage = await page.evaluate(() => (window.bmpDocs as unknown as { timings: Record<string, number> }).timings);
      console.log(
        `docs at 5,000 lineage nodes (+${data.nodes.length - 5000} tests): generate ${generateMs} ms, ` +
          `${(bytes / 1e6).toFixed(1)} MB, load ${loadMs} ms, search ${searchMs} ms, focus ${focusMs} ms, overview ${overviewMs} ms; ` +
          `in page: ready ${ms(inPage.ready)} ms after navigation start (init ${ms(inPage.init)}), last search ${ms(inPage.search)}, ` +
          `last select ${ms(inPage.select)}, overview ${ms(inPage.overview)}, open group ${ms(inPage.lineage)}`,
      );
    } finally {
      await page.close();
    }
  });
});
