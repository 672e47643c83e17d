/**
 * The runner of data tests (generic and singular): batched scans shared through a per-session
 * promise cache, one verdict query per test otherwise, store_failures, and a readable error when a
 * tested column is missing from the built relation.
 */
import { dropRelation, relationSql, type Connection } from '../adapters/duckdb/index.js';
import type { CompiledNode } from '../compile/index.js';
import { externalReader } from '../compile/index.js';
import { failuresSchema, isDefaultFailCalc, storeFailuresSql, testMessage, testStatus, testVerdictSql, verdictFromCount } from '../data-tests/index.js';
import type { NodeRunner, Session } from '../execute/index.js';
import type { ExecutableNode, ManifestNode, SqlNode } from '../manifest/types.js';
import { batchSql, type BatchGroup } from './test-batches.js';

type RunOutput = Awaited<ReturnType<NodeRunner>>;

type BatchOutcome = { readonly ok: true; readonly counts: ReadonlyMap<string, number>; readonly probes: ReadonlySet<string> } | { readonly ok: false; readonly error: string };

/**
 * The shared queries of one session: the first test of a group to run executes the group's query,
 * the others await the same promise. From the moment that first test starts until the query
 * answers, the group's other tests tell the scheduler they would only wait ({@link scanRunning}),
 * so a free worker takes other work meanwhile.
 */
export class BatchScans {
  private readonly outcomes = new Map<string, Promise<BatchOutcome>>();
  /** Groups whose shared query a started test is running (or compiling towards) and that has not answered. */
  private readonly running = new Set<string>();

  constructor(private readonly groups: ReadonlyMap<string, BatchGroup>) {}

  groupOf(testId: string): BatchGroup | undefined {
    return this.groups.get(testId);
  }

  get size(): number {
    return new Set(this.groups.values()).size;
  }

  /** Whether test `testId` belongs to a group whose shared query another test is running now. */
  scanRunning(testId: string): boolean {
    const group = this.groups.get(testId);
    return group !== undefined && this.running.has(group.key);
  }

  /**
   * Test `testId` starts (before it compiles: the scheduler picks the next node as soon as this
   * one is under way): if its group's query has not started, this test will run it.
   */
  begin(testId: string): void {
    const group = this.groups.get(testId);
    if (group && !this.outcomes.has(group.key)) this.running.add(group.key);
  }

  /** Test `testId` ended; if it never asked for its group's query (its compile failed), another test will. */
  end(testId: string): void {
    const group = this.groups.get(testId);
    if (group && !this.outcomes.has(group.key)) this.running.delete(group.key);
  }

  outcome(session: Session, group: BatchGroup, conn: Connection): Promise<BatchOutcome> {
    let p = this.outcomes.get(group.key);
    if (!p) {
      this.running.add(group.key);
      // runBatch never rejects (a failed query is an outcome)
      p = runBatch(session, group, conn).finally(() => this.running.delete(group.key));
      this.outcomes.set(group.key, p);
    }
    return p;
  }
}

async function runBatch(session: Session, group: BatchGroup, conn: Connection): Promise<BatchOutcome> {
  try {
    const target = attachedNode(session, group.key);
    if (!target?.relation) return { ok: false, error: 'no relation' };
    const { sql: relation, kind } = relationText(session, target);
    // a view is computed anew for every reference (and a filter pushed into it computes its
    // columns twice): read it in a single pass
    const singleScan = kind !== 'table';
    const integerColumns = group.members.some((m) => m.testName === 'unique') ? await integerColumnsOf(session, target, conn) : undefined;
    let batch = batchSql(relation, group.members, { singleScan, integerColumns });
    let rows: Record<string, unknown>[];
    try {
      rows = await conn.rows(batch.sql);
    } catch (err) {
      // DuckDB binds a bitmap only from the column's statistics, over a range below 10^9: else
      // count(distinct ...) as usual (a broken test fails again and falls through below)
      if (!batch.bitmaps) throw err;
      batch = batchSql(relation, group.members, { singleScan });
      rows = await conn.rows(batch.sql);
    }
    const { columns, probes } = batch;
    const row = rows[0] ?? {};
    const counts = new Map<string, number>();
    for (const [id, col] of columns) counts.set(id, Number(row[col] ?? 0));
    return { ok: true, counts, probes };
  } catch (err) {
    // one broken test (a missing column, a bad expression) must not fail its neighbours: each
    // member then runs on its own and reports its own error
    return { ok: false, error: (err as Error).message };
  }
}

const INTEGER_TYPE = /^(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/i;

/**
 * The lower-cased names of the integer-typed columns of a model's relation, from the catalog (read
 * again when this run built the relation), or undefined when unknown (an external source).
 */
async function integerColumnsOf(session: Session, node: ManifestNode, conn: Connection): Promise<ReadonlySet<string> | undefined> {
  if (node.resourceType === 'source' && node.externalLocation) return undefined;
  const r = node.relation!;
  try {
    let rel = session.catalog.get(r.schema, r.identifier);
    if (!rel || rel.columnsStale) rel = await session.catalog.refresh(conn, r.schema, r.identifier);
    return rel ? new Set(rel.columns.filter((c) => INTEGER_TYPE.test(c.type)).map((c) => c.name.toLowerCase())) : undefined;
  } catch {
    return undefined;
  }
}

function attachedNode(session: Session, id: string): ManifestNode | undefined {
  const m = session.opts.manifest;
  return m.nodes.get(id) ?? m.sources.get(id);
}

function relationText(session: Session, node: ManifestNode): { sql: string; kind: 'table' | 'view' | undefined } {
  if (node.resourceType === 'source' && node.externalLocation) return { sql: externalReader(node.externalLocation, session.cfg.project.projectDir), kind: 'view' };
  const r = node.relation!;
  return { sql: relationSql(r), kind: session.catalog.get(r.schema, r.identifier)?.kind };
}

/** The data-test runner; `scans` holds this session's batch groups. */
export function dataTestRunner(scans: BatchScans): NodeRunner {
  return async (session, node, conn) => {
    scans.begin(node.uniqueId);
    try {
      return await runDataTest(scans, session, node, conn);
    } finally {
      scans.end(node.uniqueId);
    }
  };
}

async function runDataTest(scans: BatchScans, session: Session, node: ExecutableNode, conn: Connection): Promise<RunOutput> {
  const compiled = await session.compile(node, conn);
  const group = scans.groupOf(node.uniqueId);
  if (group) {
    const out = await scans.outcome(session, group, conn);
    if (out.ok) {
      const failures = out.counts.get(node.uniqueId) ?? 0;
      const batch = { batched: true, batch_size: group.members.length };
      // the shared scan only found that there are failures: count them as dbt does
      if (failures > 0 && out.probes.has(node.uniqueId)) return exactResult(session, node as SqlNode, compiled, conn, batch);
      return countedResult(compiled, failures, batch);
    }
  }
  if (compiled.probeSql && probeDecides(compiled.config, !!session.opts.storeFailures)) {
    const missing = await probe(conn, compiled.probeSql);
    if (missing === 0) return countedResult(compiled, 0, { probe: true });
    // failures (or no answer): dbt's count from the test's own query
    return exactResult(session, node as SqlNode, compiled, conn, { probe: true });
  }
  return runSingleTest(session, node as SqlNode, compiled, conn);
}

/** A test decided by a failure count bmp computed itself (a shared scan, a probe): dbt's verdict over that count. */
function countedResult(compiled: CompiledNode, failures: number, adapterResponse: Readonly<Record<string, unknown>>): RunOutput {
  const cfg = compiled.config;
  const status = testStatus(cfg, verdictFromCount(cfg, failures));
  return { status, message: testMessage(cfg, status, failures), failures, adapterResponse, compiled };
}

/** The test's own query after a shared scan or a probe found failures: dbt's count, saying how bmp got there. */
async function exactResult(session: Session, node: SqlNode, compiled: CompiledNode, conn: Connection, how: Readonly<Record<string, unknown>>): Promise<RunOutput> {
  const exact = await runSingleTest(session, node, compiled, conn);
  return { ...exact, adapterResponse: { ...exact.adapterResponse, ...how, exact_query: true } };
}

/**
 * Whether a probe's zero settles a test: not when its failing rows are to be stored, nor when its
 * failure count is not dbt's default `count(*)` of them (a probe answers "none", not a `fail_calc`).
 */
function probeDecides(cfg: CompiledNode['config'], storeFailuresFlag: boolean): boolean {
  return !storeMode(cfg, storeFailuresFlag) && isDefaultFailCalc(cfg['fail_calc']);
}

/** A probe's answer (its first column), or undefined when it failed: the test's own query then decides and reports. */
async function probe(conn: Connection, sql: string): Promise<number | undefined> {
  try {
    const row = (await conn.rows(sql))[0];
    const value = row ? Object.values(row)[0] : undefined;
    return value === undefined || value === null ? undefined : Number(value);
  } catch {
    return undefined;
  }
}

/** One test, one verdict query (dbt's way), storing its failing rows when configured. */
export async function runSingleTest(session: Session, node: SqlNode, compiled: CompiledNode, conn: Connection): Promise<RunOutput> {
  const cfg = compiled.config;
  let testSql = compiled.compiledSql;
  let storedIn: string | undefined;
  try {
    const storeAs = storeMode(cfg, !!session.opts.storeFailures);
    if (storeAs) {
      const schema = failuresSchema(session.cfg.target.schema, cfg.schema);
      const table = String(cfg.alias ?? node.name);
      await session.ensureSchemas([schema]);
      // a relation of the other kind under the same name (store_failures_as changed) goes first
      const other = storeAs === 'view' ? 'table' : 'view';
      const stored = { database: '', schema, identifier: table };
      if ((await conn.adapter.relationKind(stored)) === other) await conn.run(dropRelation(stored, other));
      await conn.run(storeFailuresSql(schema, table, testSql, storeAs));
      storedIn = relationSql(stored);
      testSql = `select * from ${storedIn}`;
    }
    const rows = await conn.rows<{ failures: unknown; should_warn: unknown; should_error: unknown }>(testVerdictSql(testSql, cfg));
    const row = rows[0] ?? { failures: 0, should_warn: false, should_error: false };
    const failures = Number(row.failures ?? 0);
    const status = testStatus(cfg, row);
    return { status, message: testMessage(cfg, status, failures), failures, adapterResponse: storedIn ? { stored_failures: storedIn } : {}, compiled };
  } catch (err) {
    const missing = await missingColumn(session, node, conn);
    if (missing) return { status: 'error', message: missing, adapterResponse: {}, compiled };
    throw err;
  }
}

/** Where a test's failing rows go: its store_failures_as, else a table when store_failures (or --store-failures) says so. */
function storeMode(cfg: CompiledNode['config'], flag: boolean): 'table' | 'view' | undefined {
  const as = cfg['store_failures_as'];
  if (as === 'ephemeral') return undefined;
  if (as === 'table' || as === 'view') return as;
  return cfg['store_failures'] || flag ? 'table' : undefined;
}

const PLAIN_IDENT = /^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")$/;

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name;
}

/**
 * When a test failed in the database, says which tested column the built relation lacks (the
 * YAML file, the test, the column and the columns there are), or undefined when all are present.
 */
async function missingColumn(session: Session, node: SqlNode, conn: Connection): Promise<string | undefined> {
  if (node.testMetadata?.testType !== 'generic' || !node.attachedNode) return undefined;
  const checks: { column: string; target: ManifestNode | undefined }[] = [];
  if (node.columnName && PLAIN_IDENT.test(node.columnName)) checks.push({ column: node.columnName, target: attachedNode(session, node.attachedNode) });
  const kwargs = node.testMetadata.kwargs;
  const field = kwargs['field'];
  if (typeof field === 'string' && PLAIN_IDENT.test(field) && typeof kwargs['to'] === 'string') {
    checks.push({ column: field, target: refTarget(session, kwargs['to']) });
  }
  const file = node.patchPath ?? node.originalFilePath;
  for (const { column, target } of checks) {
    if (!target?.relation || (target.resourceType === 'source' && target.externalLocation)) continue;
    const r = target.relation;
    let columns: readonly string[];
    try {
      const rel = await session.catalog.refresh(conn, r.schema, r.identifier);
      if (!rel) return `test '${node.name}' (${file}): ${target.resourceType} '${target.name}' has no relation ${r.schema}.${r.identifier} in the database; build it first`;
      columns = rel.columns.map((c) => c.name);
    } catch {
      continue;
    }
    const want = unquote(column);
    if (!columns.some((c) => c.toLowerCase() === want.toLowerCase())) {
      return `column '${want}' tested by '${node.name}' (${file}) does not exist in ${target.resourceType} '${target.name}' (${r.schema}.${r.identifier}); its columns are ${columns.join(', ')}`;
    }
  }
  return undefined;
}

function refTarget(session: Session, text: string): ManifestNode | undefined {
  const m = /^\s*ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)\s*$/.exec(text);
  const s = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(text);
  const manifest = session.opts.manifest;
  if (m) {
    const name = m[2] ?? m[1]!;
    for (const n of manifest.nodes.values()) if (n.name === name && (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot')) return n;
  }
  if (s) return manifest.sources.get(`source.${manifest.projectName}.${s[1]}.${s[2]}`);
  return undefined;
}
