/**
 * Model contracts (`contract: {enforced: true}`), as dbt enforces them: before anything is built,
 * the columns the model's SQL gives must be the declared ones, by name and base type (dbt compares
 * types without size or precision); then the declared constraints hold on the built relation
 * (not_null, unique, primary_key, check; column-level and model-level), checked inside the node's
 * transaction, so a violation leaves the previous relation as it was (tables and incremental models;
 * a view's contract is its columns only, as in dbt). dbt-duckdb writes them into the table's DDL;
 * checking the relation gives the same outcome for the rows a run leaves. The column check runs
 * after the node's sql_header and before its pre-hooks; a SQL that cannot be described before them
 * (it needs what a pre-hook creates) is checked on the built relation inside the transaction.
 */
import { constraintCheckSql, contractColumnsCheckSql, contractTypesSql, firstLine, uniqueCheckSql, type Connection } from '../adapters/duckdb/index.js';
import { CompileError } from '../errors.js';
import type { Constraint, Relation, SqlNode } from '../manifest/types.js';

/** Whether the node's config enforces a contract. */
export function enforcesContract(node: SqlNode): boolean {
  const contract = node.config['contract'] as { enforced?: unknown } | undefined;
  return node.resourceType === 'model' && contract?.enforced === true;
}

/**
 * Checks the model's columns against its contract; returns the statements that check its
 * constraints on the built relation (run as the last post-hooks).
 * @throws CompileError BMP_CONTRACT naming every column that differs, located at the model
 */
export async function enforceContract(conn: Connection, node: SqlNode, compiledSql: string, rel: Relation, hasPreHooks = false): Promise<string[]> {
  const where = { file: node.originalFilePath, nodeId: node.uniqueId };
  const declared = Object.values(node.columns);
  const untyped = declared.filter((c) => !c.data_type).map((c) => c.name);
  if (!declared.length) throw new CompileError('BMP_CONTRACT', `model '${node.name}' enforces a contract but declares no columns`, where, 'list its columns with their data_type under columns: in its properties file');
  if (untyped.length) throw new CompileError('BMP_CONTRACT', `model '${node.name}' enforces a contract, but these columns have no data_type: ${untyped.join(', ')}`, where);
  // the node's sql_header first (it may define what the SQL calls), as dbt puts it in front of the probe
  const header = node.config['sql_header'];
  if (typeof header === 'string' && header.trim()) await conn.run(header);
  let types: string[];
  try {
    const [row] = await conn.rows<Record<string, string>>(contractTypesSql(declared.map((c) => c.data_type!)));
    types = declared.map((_, i) => String(row![`t${i}`]));
  } catch (err) {
    throw new CompileError('BMP_CONTRACT', `model '${node.name}': a contracted data_type is not a DuckDB type: ${firstLine((err as Error).message)}`, where);
  }
  let actual: Awaited<ReturnType<Connection['adapter']['describe']>>;
  try {
    actual = await conn.adapter.describe({ query: compiledSql });
  } catch (err) {
    // the SQL may need what a pre-hook makes (a DuckDB macro, a table): dbt checks the columns after
    // the pre-hooks, so the check moves onto the built relation, first of the in-transaction checks
    if (!hasPreHooks) throw err;
    const check = contractColumnsCheckSql(rel, declared.map((c, i) => ({ name: c.name, type: types[i]! })), `model '${node.name}' breaks its enforced contract: `);
    return [check, ...(node.config.materialized === 'view' ? [] : constraintChecks(node, rel))];
  }
  const base = (t: string) => t.replace(/\(.*\)$/s, '').trim().toUpperCase();
  const byName = new Map(actual.map((c) => [c.name.toLowerCase(), c]));
  const problems: string[] = [];
  declared.forEach((c, i) => {
    const got = byName.get(c.name.toLowerCase());
    if (!got) problems.push(`${c.name}: in the contract (${types[i]}), missing from the SQL`);
    else if (base(got.type) !== base(types[i]!)) problems.push(`${c.name}: the SQL gives ${got.type}, the contract says ${types[i]}`);
  });
  const names = new Set(declared.map((c) => c.name.toLowerCase()));
  for (const c of actual) if (!names.has(c.name.toLowerCase())) problems.push(`${c.name}: in the SQL (${c.type}), missing from the contract`);
  if (problems.length) throw new CompileError('BMP_CONTRACT', `model '${node.name}' breaks its enforced contract: ${problems.join('; ')}`, where, 'change the SQL (a cast) or the columns declared in its properties file');
  // a view's contract is its columns only: dbt applies no constraint to a view
  return node.config.materialized === 'view' ? [] : constraintChecks(node, rel);
}

/** The statements that fail when the built relation breaks a declared constraint. */
function constraintChecks(node: SqlNode, rel: Relation): string[] {
  const out: string[] = [];
  const label = `${rel.schema}.${rel.identifier}`;
  const q = (c: string) => `"${c.replaceAll('"', '""')}"`;
  const add = (c: Constraint, columns: readonly string[]) => {
    const what = `${c.name ? `constraint ${c.name}` : `${c.type} constraint`} on ${columns.length ? columns.join(', ') : 'the model'} of ${label}`;
    if ((c.type === 'not_null' || c.type === 'primary_key') && columns.length) {
      out.push(constraintCheckSql(rel, columns.map((col) => `${q(col)} is null`).join(' or '), `contract: a row breaks the ${what} (NULL)`));
    }
    if ((c.type === 'unique' || c.type === 'primary_key') && columns.length) out.push(uniqueCheckSql(rel, columns, `contract: two rows break the ${what} (the same values)`));
    // SQL's CHECK: a row fails when the condition is false (NULL passes)
    if (c.type === 'check' && c.expression) out.push(constraintCheckSql(rel, `not coalesce((${c.expression}), true)`, `contract: a row breaks the ${what} (${c.expression})`));
  };
  for (const col of Object.values(node.columns)) for (const c of col.constraints ?? []) add(c, [col.name]);
  for (const c of node.constraints ?? []) add(c, c.columns ?? []);
  return out;
}
