/** The page's data: the `bmp-docs-data` JSON block render-html.ts writes, read once when the page loads. */
import type { PagePayload } from '../types.js';
import { byId } from './dom.js';
import { siteOf, type Site } from './nodes.js';

export const site: Site = siteOf(JSON.parse(byId('bmp-docs-data').textContent ?? '') as PagePayload);
