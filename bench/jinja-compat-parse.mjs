#!/usr/bin/env node
/**
 * How many macros of real dbt packages bmp's template engine can compile (parse), counted per macro
 * and per file. Reads the package archives in ../shared/compat/packages (skips when absent), unpacks
 * them under /dev/shm, registers each macros/**.sql file in a fresh TemplateEngine and compiles
 * every macro in it; nothing is rendered.
 *
 *   node bench/jinja-compat-parse.mjs [--dist dist] [--verbose]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dist = resolve(args.includes('--dist') ? args[args.indexOf('--dist') + 1] : join(root, 'dist'));
const verbose = args.includes('--verbose');
const packagesDir = join(root, '..', '..', 'shared', 'compat', 'packages');
const packages = existsSync(packagesDir) ? readdirSync(packagesDir).filter((f) => f.endsWith('.tar.gz')) : [];
if (!packages.length) {
  console.log(`skipped: no package archives in ${packagesDir}`);
  process.exit(0);
}
const { TemplateEngine } = await import(pathToFileURL(join(dist, 'jinja', 'engine.js')).href);
const work = mkdtempSync('/dev/shm/bmp-jinja-compat-');

function sqlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sqlFiles(p));
    else if (name.endsWith('.sql')) out.push(p);
  }
  return out;
}

try {
  for (const archive of packages) {
    execFileSync('tar', ['xzf', join(packagesDir, archive), '-C', work]);
    const pkgRoot = join(work, archive.replace(/\.tar\.gz$/, ''));
    const files = sqlFiles(pkgRoot).filter((f) => ('/' + relative(pkgRoot, f)).includes('/macros/'));
    let macros = 0;
    let failedMacros = 0;
    let failedFiles = 0;
    const reasons = new Map();
    for (const file of files) {
      const rel = relative(pkgRoot, file);
      const engine = new TemplateEngine();
      let fileFailed = false;
      let registered = [];
      try {
        registered = engine.addMacroFile({ file: rel, text: readFileSync(file, 'utf8') });
      } catch (err) {
        fileFailed = true;
        reasons.set(`${rel}: ${err.message}`, 1);
      }
      for (const m of registered) {
        macros++;
        try {
          engine.macroFunction(m.name);
        } catch (err) {
          failedMacros++;
          fileFailed = true;
          const msg = `${err.where?.file ?? rel}:${err.where?.line ?? '?'} ${m.name}: [${err.code ?? 'internal'}] ${err.message}`;
          reasons.set(msg, (reasons.get(msg) ?? 0) + 1);
        }
      }
      if (fileFailed) failedFiles++;
    }
    console.log(`${archive}: ${files.length} macro files, ${macros} macros; ${failedMacros} macros fail to compile (${failedFiles} files)`);
    if (verbose) for (const r of reasons.keys()) console.log(`  ${r}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
