import { readFileSync, statSync } from 'node:fs';
import { quoteLiteral } from '../adapters/duckdb/index.js';
import { ParseError } from '../errors.js';
import type { SeedNode } from '../manifest/types.js';
import type { Materialization } from './types.js';
import { indexesOf } from './table.js';

/**
 * The SELECT that reads a seed CSV. The file path is bound as a parameter ($1), never pasted;
 * `column_types` (from config, not data) become read_csv's `types`. Column types are sniffed from
 * every row and `null` cells are NULL, as dbt's agate reader does.
 */
export function seedSelect(node: SeedNode): string {
  const types = node.config['column_types'] as Record<string, string> | undefined;
  const delimiter = node.config.delimiter;
  // An explicit delimiter keeps the sniffer from falling back to one column when a row is malformed.
  // as dbt's agate reader: types from every row (a value that breaks a type on row 30,001 makes
  // the column text, not a failed load), and null/NULL/Null/empty cells NULL
  const opts = ['header = true', 'auto_detect = true', `delim = ${quoteLiteral(delimiter ?? ',')}`, 'sample_size = -1', "nullstr = ['', 'null', 'NULL', 'Null']"];
  if (types && Object.keys(types).length) {
    opts.push(`types = {${Object.entries(types).map(([k, v]) => `${quoteLiteral(k)}: ${quoteLiteral(v)}`).join(', ')}}`);
  }
  return `select * from read_csv($1, ${opts.join(', ')})`;
}

/**
 * When DuckDB cannot sniff a malformed file it says so without a line; reading it again with the
 * header's columns as VARCHAR and no sniffing makes it name the offending line.
 */
export function seedDiagnosticSelect(node: SeedNode): string | undefined {
  const delimiter = (node.config.delimiter) ?? ',';
  let header: string;
  try {
    header = readFileSync(node.absolutePath, 'utf8').split(/\r?\n/, 1)[0] ?? '';
  } catch {
    return undefined;
  }
  const cols = header.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  if (!cols.length || cols.some((c) => !c)) return undefined;
  return `select * from read_csv($1, header = true, auto_detect = false, delim = ${quoteLiteral(delimiter)}, quote = '"', columns = {${cols.map((c) => `${quoteLiteral(c)}: 'VARCHAR'`).join(', ')}})`;
}

export const seed: Materialization = async (ctx) => {
  const node = ctx.compiled.node as SeedNode;
  // DuckDB reads an empty file as a table with one column `column0`: a seed needs its header
  const size = statSync(node.absolutePath).size;
  if (size === 0 || (size < 4096 && !readFileSync(node.absolutePath, 'utf8').trim())) throw new ParseError('BMP_SEED_EMPTY', `${node.originalFilePath} is empty: a seed needs a header row`, { file: node.originalFilePath, nodeId: node.uniqueId });
  const build = ctx.adapter.replaceTable(ctx.relation, seedSelect(node), { existingKind: ctx.existing?.kind, indexes: indexesOf(node.config), params: [node.absolutePath] });
  let rows = 0;
  try {
    rows = (await ctx.adapter.atomically(ctx, build))();
  } catch (err) {
    // DuckDB blames the header row for a file that is not UTF-8: find the line that is not
    if (/not utf-8 encoded/i.test((err as Error).message ?? '')) throw notUtf8(node);
    const diagnostic = /sniffing file/i.test((err as Error).message ?? '') ? seedDiagnosticSelect(node) : undefined;
    // throws DuckDB's "CSV Error on Line N" when the file really is malformed
    if (diagnostic) await ctx.adapter.countRows(diagnostic, [node.absolutePath]);
    throw err;
  }
  return { rowsAffected: rows, message: `INSERT ${rows}` };
};

/** The seed's first line that is not valid UTF-8 (latin-1 files, mostly). */
function notUtf8(node: SeedNode): ParseError {
  const bytes = readFileSync(node.absolutePath);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 10) continue;
    try {
      decoder.decode(bytes.subarray(start, i));
    } catch {
      break;
    }
    line++;
    start = i + 1;
  }
  return new ParseError('BMP_SEED_ENCODING', `${node.originalFilePath} is not UTF-8: line ${line} holds a byte sequence that is not UTF-8`, { file: node.originalFilePath, line, nodeId: node.uniqueId }, 'save the file as UTF-8');
}

/** DuckDB's CSV errors, reduced to one line naming the row. */
export function describeCsvError(message: string): string {
  const line = /CSV Error on Line: (\d+)/.exec(message);
  const conv = /(Error when converting column[^\n]*|Expected Number of Columns[^\n]*|Could not convert[^\n]*)/.exec(message);
  const orig = /Original Line: ([^\n]*)/.exec(message);
  if (!line) return message.split('\n')[0]!;
  return `line ${line[1]} of the CSV: ${conv?.[1] ?? message.split('\n')[0]}${orig ? ` (row: ${orig[1]!.slice(0, 120)})` : ''}`;
}
