/**
 * Statement text in source files (for tests/unit/architecture.test.ts): string literals and
 * template literals whose text opens with a DDL or DML statement (`create table`, `insert into`,
 * `alter table`, `merge into`, `copy (`, ...), read with rolldown's parser, so comments and
 * documentation never count. What the rule "engine SQL lives in src/adapters" is checked with.
 */
import { readFileSync } from 'node:fs';
import { sourceFiles, visitAst, type AstNode } from './source-ast.js';

/** What stands for each `${...}` of a template literal when its text is read (an expression: a name, a keyword). */
export const HOLE = '\u0001';

/**
 * A statement's opening words, as a string or template literal starts (after whitespace); the
 * object keyword must be followed by whitespace (`'truncate'` alone is a filter's name, and
 * `create schema\u0000x` a cache key, not SQL). In a template literal each `${...}` reads as
 * {@link HOLE}, which may stand for a name (`update ${t} set`) or the object keyword (`drop ${kind} if exists`).
 */
export const STATEMENT_START =
  /^\s*(create\s+(or\s+replace\s+)?(temp(orary)?\s+)?(unique\s+)?(table|view|schema|index|sequence|macro|\u0001)|drop\s+(table|view|schema|index|sequence|macro|\u0001)|alter\s+(table|view|\u0001)|insert\s+(or\s+replace\s+)?into|merge\s+into|delete\s+from|update\s+\S+(\s+as\s+\S+)?\s+set|truncate)(?=\s)|^\s*copy\s*\(/i;

/** The opening words of each statement literal in a source text, in order. */
export function statementLiteralsOf(source: string, filename = 'file.ts'): string[] {
  const out: string[] = [];
  const check = (text: unknown) => {
    if (typeof text !== 'string') return;
    const m = STATEMENT_START.exec(text);
    if (m) out.push(m[0].trim().replace(/\s+/g, ' ').replaceAll(HOLE, '${}').toLowerCase());
  };
  visitAst(source, filename, (n) => {
    if (n.type === 'Literal') check(n['value']);
    else if (n.type === 'TemplateLiteral') {
      const quasis = (n['quasis'] as AstNode[] | undefined) ?? [];
      check(quasis.map((q) => (q['value'] as { cooked?: string } | undefined)?.cooked ?? '').join(HOLE));
    }
  });
  return out;
}

/** Every `.ts` file under `root` (tests left out), relative with `/`, and its statement literals; files with none are left out. */
export function statementLiterals(root: string, skip: (path: string) => boolean = () => false): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { path, rel } of sourceFiles(root, skip)) {
    const found = statementLiteralsOf(readFileSync(path, 'utf8'), path);
    if (found.length) out.set(rel, found);
  }
  return out;
}
