/**
 * `persist_docs`, as dbt-duckdb acts on it: after a model, seed or snapshot is built, its
 * description becomes the relation's comment (`relation: true`) and its columns' descriptions the
 * comments of the columns the relation has (`columns: true`; a declared column it lacks is left
 * out), so the catalog, `duckdb_tables()` and any SQL client show them.
 */
import { quoteIdent, quoteLiteral, relationSql, type Connection } from '../adapters/duckdb/index.js';
import type { ExecutableNode, Relation } from '../manifest/types.js';
import type { Session } from './session.js';

/** The node's `persist_docs` switches. */
function persistDocsOf(node: ExecutableNode): { relation: boolean; columns: boolean } {
  const p = node.config['persist_docs'] as { relation?: unknown; columns?: unknown } | undefined;
  return { relation: p?.relation === true, columns: p?.columns === true };
}

/** Comments the built relation and its columns as the node's `persist_docs` asks (nothing when it does not). */
export async function persistDocs(session: Session, conn: Connection, node: ExecutableNode, rel: Relation, kind: 'table' | 'view'): Promise<void> {
  const want = persistDocsOf(node);
  if (!want.relation && !want.columns) return;
  const target = relationSql(rel);
  const statements: string[] = [];
  if (want.relation && node.description) statements.push(`comment on ${kind} ${target} is ${quoteLiteral(node.description)}`);
  const declared = Object.values(node.columns);
  if (want.columns && declared.length) {
    const built = await session.catalog.refresh(conn, rel.schema, rel.identifier);
    const actual = new Map((built?.columns ?? []).map((c) => [c.name.toLowerCase(), c.name]));
    for (const c of declared) {
      // a quoted column (quote: true) is written as its exact name; others as DuckDB folds them
      const name = actual.get(c.name.replace(/^"(.*)"$/s, '$1').toLowerCase());
      if (name !== undefined) statements.push(`comment on column ${target}.${quoteIdent(name)} is ${quoteLiteral(c.description)}`);
    }
  }
  for (const sql of statements) await conn.run(sql);
}
