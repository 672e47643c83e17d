#!/usr/bin/env node
// The CLI as tsc emits it (modules). `npm run build` replaces this file with a loader of the bundled
// CLI (scripts/bundle-cli.mjs), which calls the same start().
import { start } from './start.js';

await start();
