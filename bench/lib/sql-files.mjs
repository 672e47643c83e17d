/** Statement files: listing in run order and comparing two sets of compiled statements. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const collator = new Intl.Collator('en', { numeric: true });

/** All *.sql files under dir, in natural order of their path relative to dir. */
export function listSqlFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.endsWith('.sql')) out.push(p);
    }
  };
  walk(dir);
  return out.sort((a, b) => collator.compare(relative(dir, a), relative(dir, b)));
}

/**
 * A statement reduced to what matters for "is this the same SQL": identifiers unquoted, a
 * database qualifier before main. dropped, case, whitespace and trailing semicolons ignored.
 */
export function normalizeStatement(sql, database) {
  let s = sql.replaceAll('"', '').toLowerCase();
  if (database) s = s.replaceAll(`${database.toLowerCase()}.main.`, 'main.');
  return s.replace(/\s+/g, ' ').replace(/\s*([(),;])\s*/g, '$1').replace(/;+\s*$/, '').trim();
}

/**
 * Compares the statement files of two folders (matched by file name, in run order).
 * Returns { same: boolean, count, detail } where detail names the first difference.
 */
export function compareSqlDirs(actualDir, expectedDir, database, { selectOnly = false } = {}) {
  const actual = listSqlFiles(actualDir);
  const expected = listSqlFiles(expectedDir);
  if (actual.length !== expected.length) {
    return { same: false, count: actual.length, detail: `${actual.length} statement files vs ${expected.length} expected` };
  }
  for (let k = 0; k < actual.length; k++) {
    const a = normalizeStatement(readFileSync(actual[k], 'utf8'), database);
    let e = normalizeStatement(readFileSync(expected[k], 'utf8'), database);
    if (selectOnly) e = stripCtas(e);
    if (a !== e) {
      return {
        same: false,
        count: actual.length,
        detail: `first difference in ${relative(actualDir, actual[k])}:\n  bmp:       ${a.slice(0, 300)}\n  generated: ${e.slice(0, 300)}`,
      };
    }
  }
  return { same: true, count: actual.length, detail: 'identical up to quoting, case and whitespace' };
}

/** Whether a statement file holds DDL/DML that builds something (vs a bare SELECT). */
export function isBuildStatement(sql) {
  return /^\s*(create|insert|merge|delete|update|begin|copy|alter|drop)\b/i.test(sql.replace(/^\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/)*/g, ''));
}

/** The SELECT inside a normalized `create or replace table x as(...)` statement. */
function stripCtas(normalized) {
  const m = /^create (?:or replace )?(?:temp |temporary )?table [^ (]+ as\((.*)\)$/.exec(normalized);
  return m ? m[1] : normalized;
}
