#!/usr/bin/env node
/**
 * Prints what a benchmark built, as one JSON line, so a timed run can be checked for having done
 * the work: node bench/lib/inspect-db.mjs DB [TABLE]
 *   {"tables": <relations in schema main>, "rows": <rows of TABLE>, "checksum": <sum(v) of TABLE>}
 * Runs as its own process (read-only) so the benchmark runner never holds the database file.
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [db, table] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
const connection = await instance.connect();
const one = async (sql) => (await connection.runAndReadAll(sql)).getRows()[0];
const [tables] = await one("select count(*) from information_schema.tables where table_schema = 'main'");
const out = { tables: Number(tables) };
if (table) {
  const [rows, checksum] = await one(`select count(*), sum(v) from main."${table.replaceAll('"', '""')}"`);
  out.rows = Number(rows);
  out.checksum = checksum === null ? null : String(checksum);
}
connection.closeSync();
instance.closeSync();
console.log(JSON.stringify(out));
