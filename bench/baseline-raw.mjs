#!/usr/bin/env node
/**
 * The raw floor: a plain @duckdb/node-api script that opens a fresh DuckDB file and executes a list
 * of compiled statements in order, one `connection.run()` per statement file. The overhead benchmark
 * times this whole process against `bmp run` issuing the same statements.
 *
 *   node bench/baseline-raw.mjs --db FILE --sql DIR        every *.sql under DIR (recursive), in
 *                                                         natural path order, one run() per file
 *                                                         (point it at bmp's target/run/ or at
 *                                                         `node bench/generate.mjs chain-sql DIR`)
 *   node bench/baseline-raw.mjs --db FILE --sql FILE.sql  the statements of one file, split by
 *                                                         DuckDB's own parser, one run() each
 *   node bench/baseline-raw.mjs --db FILE --chain 1000    the chain's statements generated in
 *                                                         memory (same text as chain-sql files)
 * Options:
 *   --rows 100          rows per chain root (with --chain)
 *   --transaction       wrap each statement file in BEGIN/COMMIT (bmp builds each node in one)
 *   --keep-db           do not delete FILE (and FILE.wal) first
 *   --require           load @duckdb/node-api with require() instead of import (a CommonJS package
 *                       imported from ESM is lexed file by file: ~0.1 s of start-up)
 *
 * Prints one JSON line: {"statements": N, "ms": in-process time, "db": FILE}.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chainStatement } from './generate.mjs';
import { listSqlFiles } from './lib/sql-files.mjs';

function parseArgs(argv) {
  const opts = { rows: 100, transaction: false, keepDb: false, require: false };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--db') opts.db = argv[++k];
    else if (a === '--sql') opts.sql = argv[++k];
    else if (a === '--chain') opts.chain = Number(argv[++k]);
    else if (a === '--rows') opts.rows = Number(argv[++k]);
    else if (a === '--transaction') opts.transaction = true;
    else if (a === '--keep-db') opts.keepDb = true;
    else if (a === '--require') opts.require = true;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!opts.db || (!opts.sql && !opts.chain)) {
    throw new Error('usage: node bench/baseline-raw.mjs --db FILE (--sql DIR|FILE | --chain N) [--transaction] [--keep-db] [--require]');
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  // what a plain script does (import), or the quickest way to load the package unbundled (require)
  const { DuckDBInstance } = opts.require ? createRequire(import.meta.url)('@duckdb/node-api') : await import('@duckdb/node-api');
  const db = resolve(opts.db);
  if (!opts.keepDb) {
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
  }
  const t0 = process.hrtime.bigint();
  const instance = await DuckDBInstance.create(db);
  const connection = await instance.connect();
  const exec = opts.transaction
    ? async (sql) => {
        await connection.run('BEGIN TRANSACTION');
        try {
          await connection.run(sql);
          await connection.run('COMMIT');
        } catch (err) {
          await connection.run('ROLLBACK');
          throw err;
        }
      }
    : (sql) => connection.run(sql);

  let count = 0;
  if (opts.chain) {
    for (let i = 0; i < opts.chain; i++) {
      await exec(chainStatement(i, opts.chain, opts.rows));
      count++;
    }
  } else if (existsSync(opts.sql) && statSync(opts.sql).isDirectory()) {
    const files = listSqlFiles(opts.sql);
    if (files.length === 0) throw new Error(`no .sql files under ${opts.sql}`);
    // read everything first: the file reads are not part of what DuckDB has to do
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    for (const sql of texts) {
      await exec(sql);
      count++;
    }
  } else {
    const extracted = await connection.extractStatements(readFileSync(opts.sql, 'utf8'));
    for (let k = 0; k < extracted.count; k++) {
      if (opts.transaction) await connection.run('BEGIN TRANSACTION');
      const prepared = await extracted.prepare(k);
      await prepared.run();
      if (opts.transaction) await connection.run('COMMIT');
      count++;
    }
  }
  connection.closeSync();
  instance.closeSync();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ statements: count, ms: Math.round(ms * 10) / 10, db }));
}

main().catch((err) => {
  console.error(`baseline-raw: ${err.message}`);
  process.exit(1);
});
