/**
 * Unit tests (dbt 1.8's `unit_tests:`): the model's SQL, compiled with each input replaced by its
 * `given` rows, runs in a fresh in-memory DuckDB (never the user's database); its rows are compared
 * with `expect` as multisets over the expected columns, and a failure prints a row diff.
 */
import { join } from 'node:path';
import { quoteLiteral, UnitTestDatabase, type Connection } from '../adapters/duckdb/index.js';
import { seedSelect } from '../materializations/index.js';
import { compileNode, type CompileEnv, type CompiledNode } from '../compile/index.js';
import { pyRepr } from '../config/index.js';
import { CompileError, type ErrorLocation } from '../errors.js';
import type { NodeRunner, Session } from '../execute/index.js';
import { analyzeStatic } from '../jinja/index.js';
import type { ManifestNode, SeedNode, SqlNode, UnitTestNode } from '../manifest/types.js';
import { testFileStem } from '../report/index.js';
import { fixtureColumns, loadFixture, readFixture, type FixtureColumn, type FixtureData } from './unit-fixtures.js';
import { formatRowDiff, summarizeDiff } from './unit-diff.js';

/** Runs one unit test; see the module comment. */
export const runUnitTest: NodeRunner = async (session, test, userConn) => {
  if (test.resourceType !== 'unit_test') throw new Error(`internal: the unit-test runner was given ${test.resourceType} ${test.uniqueId}`);
  const manifest = session.opts.manifest;
  const model = manifest.nodes.get(test.model) ?? [...manifest.nodes.values()].find((n) => n.resourceType === 'model' && n.name === test.model);
  const where: ErrorLocation = { file: test.originalFilePath, nodeId: test.uniqueId };
  if (!model || model.resourceType !== 'model') throw new CompileError('BMP_UNIT_TEST_MODEL', `unit test '${test.name}' tests '${test.model}', which is not a model`, where);
  const db = await UnitTestDatabase.open();
  try {
    const ctx = { projectDir: session.cfg.project.projectDir, testPaths: session.cfg.project.testPaths, where };
    const refOverrides = new Map<string, string>();
    for (const [i, given] of test.given.entries()) {
      const input = inputNode(session, model, given.input, where, test.name);
      const table = db.table(`given_${i}_${input.name}`);
      const label = `unit test '${test.name}', given ${given.input}`;
      // a seed given without rows (nor fixture) is the seed's own data, read from its CSV as dbt does
      const spec = given.rows;
      const seedData = input.resourceType === 'seed' && spec.format === 'dict' && spec.rows === undefined && !spec.fixture ? ({ kind: 'sql', sql: seedSelect(input as SeedNode).replace('$1', quoteLiteral((input as SeedNode).absolutePath)) } as const) : undefined;
      const data = seedData ?? readFixture(given.rows, { ...ctx, label });
      await createInput(session, db, userConn, table, input, data, label, where);
      refOverrides.set(input.uniqueId, table);
    }
    const compiled = await compileWithFixtures(session, test, model, db, refOverrides);
    const compiledSql = compiled.compiledSql;
    // dbt's place for it: target/compiled/<project>/<properties file>/<unit test>.sql
    session.sqlFiles.write(join(session.targetDir, 'compiled', manifest.projectName, test.originalFilePath, `${testFileStem(test.name)}.sql`), compiledSql);
    // what the model's statement needs besides its inputs, in this database as in the user's (the
    // LLM responses its llm_generate/llm_embed look up, from the user's cache or the provider)
    let prepared: Record<string, unknown>;
    try {
      const before = session.beforeMaterialize(compiled, userConn, db.connection);
      prepared = before instanceof Promise ? await before : before;
    } catch (err) {
      return { status: 'error', message: `unit test '${test.name}': model '${model.name}' could not be prepared: ${firstLine(err)}`, adapterResponse: {} };
    }
    try {
      await db.createTableAs(db.table('actual'), compiledSql);
    } catch (err) {
      return { status: 'error', message: `unit test '${test.name}': model '${model.name}' failed on the given rows: ${firstLine(err)}${hintFor(err)}`, adapterResponse: prepared };
    }
    const result = await compare(db, test, model, ctx);
    return { ...result, adapterResponse: { ...prepared, ...result.adapterResponse } };
  } finally {
    db.close();
  }
};

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function firstLine(err: unknown): string {
  return (messageOf(err).split('\n')[0] ?? '').trim();
}

function hintFor(err: unknown): string {
  const msg = messageOf(err);
  return /Table with name .* does not exist/i.test(msg) ? ' (give rows for every input; for `this` add - input: this)' : '';
}

/** The node a `given` input names: `ref('x')`, `source('s', 't')` or `this`. */
function inputNode(session: Session, model: SqlNode, input: string, where: ErrorLocation, testName: string): ManifestNode {
  const manifest = session.opts.manifest;
  if (input.trim() === 'this') return model;
  const call = analyzeStatic(`{{ ${input} }}`)?.segments.find((s) => typeof s !== 'string');
  if (call && typeof call !== 'string' && call.fn === 'ref') {
    const name = String(call.args[call.args.length - 1]);
    const found = [...manifest.nodes.values()].find((n) => n.name === name && (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot'));
    if (found) return found;
  }
  if (call && typeof call !== 'string' && call.fn === 'source') {
    const found = manifest.sources.get(`source.${manifest.projectName}.${String(call.args[0])}.${String(call.args[1])}`);
    if (found) return found;
  }
  throw new CompileError('BMP_UNIT_TEST_INPUT', `unit test '${testName}': input ${input} was not found`, where);
}

/**
 * What the real input looks like: its columns in the user's database (read only), else the seed
 * file's columns, so a test gives only the columns it cares about and the rest are typed nulls.
 */
async function knownColumns(session: Session, db: UnitTestDatabase, userConn: Connection | undefined, input: ManifestNode): Promise<FixtureColumn[]> {
  const rel = input.relation;
  if (rel) {
    const cached = session.catalog.get(rel.schema, rel.identifier);
    if (cached && !cached.columnsStale && cached.columns.length) return cached.columns.map((c) => ({ name: c.name, type: c.type }));
    if (cached?.columnsStale && userConn) {
      const fresh = await session.catalog.refresh(userConn, rel.schema, rel.identifier).catch(() => undefined);
      if (fresh?.columns.length) return fresh.columns.map((c) => ({ name: c.name, type: c.type }));
    }
  }
  if (input.resourceType === 'seed') {
    const found = await db.csvColumns(input.absolutePath, { delimiter: input.config.delimiter || undefined, columnTypes: input.config.column_types });
    if (found) return found;
  }
  return [];
}

async function createInput(session: Session, db: UnitTestDatabase, userConn: Connection, table: string, input: ManifestNode, data: FixtureData, label: string, where: ErrorLocation): Promise<void> {
  const known = await knownColumns(session, db, userConn, input);
  const declared = new Map(Object.values(input.columns).filter((c) => c.data_type).map((c) => [c.name.toLowerCase(), c.data_type!]));
  if (data.kind === 'rows') {
    // the input's columns are known (its relation, or its seed file): a given column it does not
    // have is a mistake (a renamed or dropped column), refused as dbt refuses it
    if (known.length) {
      // (a column its properties declare counts too, as dbt reads the declared data types)
      const have = new Set([...known.map((c) => c.name.toLowerCase()), ...declared.keys()]);
      const wrong = data.columns.find((c) => !have.has(c.toLowerCase()));
      if (wrong !== undefined) throw new CompileError('BMP_UNIT_TEST_FIXTURE', `${label}: Invalid column name: '${wrong.toLowerCase()}' in unit test fixture for '${input.name}'. Accepted columns for '${input.name}' are: ${pyRepr(known.map((c) => c.name.toLowerCase()))}`, where);
    }
    const columns = fixtureColumns(data, known, declared);
    if (!columns.length) {
      throw new CompileError('BMP_UNIT_TEST_FIXTURE', `${label}: no rows, and the columns of ${input.resourceType} '${input.name}' are unknown (it is not in the database)`, where, 'give at least one row, or rows as format: sql (select ... where false)');
    }
    try {
      await loadFixture(db, table, columns, data);
    } catch (err) {
      throw new CompileError('BMP_UNIT_TEST_FIXTURE', `${label}: a row does not fit the column types (${columns.map((c) => `${c.name} ${c.type}`).join(', ')}): ${firstLine(err)}`, where);
    }
    return;
  }
  try {
    await db.createTableAs(table, data.sql);
  } catch (err) {
    throw new CompileError('BMP_UNIT_TEST_FIXTURE', `${label}: the rows' SQL failed: ${firstLine(err)}`, where);
  }
  if (known.length) await db.addMissingColumns(table, known);
}

async function compileWithFixtures(session: Session, test: UnitTestNode, model: SqlNode, db: UnitTestDatabase, refOverrides: ReadonlyMap<string, string>): Promise<CompiledNode> {
  const macros = { ...(test.overrides.macros ?? {}) };
  const isIncremental = 'is_incremental' in macros ? Boolean(macros['is_incremental']) : false;
  delete macros['is_incremental'];
  const macroOverrides: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(macros)) macroOverrides[name] = () => value;
  const base = session.compileEnv();
  const env: CompileEnv = {
    ...base,
    // the model's queries (run_query, adapter.*) see the unit test's own database of fixtures
    context: { ...base.context, database: db.templateDatabase },
    contextKind: 'unit_test',
    varOverrides: test.overrides.vars ?? {},
    refOverrides,
    isIncrementalOverride: isIncremental,
    macroOverrides,
    ...(test.overrides.env_vars && { envVarOverrides: Object.fromEntries(Object.entries(test.overrides.env_vars).map(([k, v]) => [k, String(v)])) }),
  };
  return compileNode(model, env, new Map());
}

async function compare(db: UnitTestDatabase, test: UnitTestNode, model: SqlNode, ctx: { projectDir: string; testPaths: readonly string[]; where: ErrorLocation }): Promise<Awaited<ReturnType<NodeRunner>>> {
  const actual = db.table('actual');
  const actualCols = await db.describe(actual);
  const byName = new Map(actualCols.map((c) => [c.name.toLowerCase(), c]));
  const data = readFixture(test.expect, { ...ctx, label: `unit test '${test.name}', expect` });
  const expected = db.table('expected');
  let expectedNames: string[];
  // `expect: {rows: []}` expects no rows at all: compare over every column the model returns
  if (data.kind === 'rows') expectedNames = data.columns.length ? [...data.columns] : actualCols.map((c) => c.name);
  else {
    await db.createTableAs(db.table('expected_raw'), data.sql);
    expectedNames = (await db.describe(db.table('expected_raw'))).map((c) => c.name);
  }
  const unknown = expectedNames.filter((n) => !byName.has(n.toLowerCase()));
  if (unknown.length) {
    // an error, as dbt's fixture check makes it (not a failed comparison)
    return {
      status: 'error',
      message: `unit test '${test.name}': Invalid column name: '${unknown[0]!.toLowerCase()}' in unit test fixture for expected output. Accepted columns for expected output are: ${pyRepr(actualCols.map((c) => c.name.toLowerCase()))} (what model '${model.name}' returns)`,
      adapterResponse: {},
    };
  }
  const cols = expectedNames.flatMap((n) => byName.get(n.toLowerCase()) ?? []);
  if (!cols.length) {
    return { status: 'error', message: `unit test '${test.name}': expect gives no columns to compare`, adapterResponse: {} };
  }
  try {
    if (data.kind === 'rows') {
      await loadFixture(db, expected, cols, { ...data, columns: data.columns.length ? cols.map((c) => c.name) : [] });
    } else {
      await db.createCastCopy(expected, db.table('expected_raw'), cols);
    }
  } catch (err) {
    return { status: 'error', message: `unit test '${test.name}': an expected row does not fit the model's column types (${cols.map((c) => `${c.name} ${c.type}`).join(', ')}): ${firstLine(err)}`, adapterResponse: {} };
  }
  const { missing, extra, matched, expectedCount, actualCount } = await db.compare(expected, actual, cols);
  if (!missing.length && !extra.length) return { status: 'pass', message: 'PASS', failures: 0, adapterResponse: { rows: actualCount } };
  const message =
    `unit test '${test.name}' of model '${model.name}': actual differs from expected: ${summarizeDiff({ missing: missing.length, extra: extra.length })} ` +
    `(expected ${expectedCount} row${expectedCount === 1 ? '' : 's'}, got ${actualCount}; - expected but not returned, + returned but not expected)\n` +
    formatRowDiff(cols.map((c) => c.name), { missing, extra, matched });
  // dbt counts a failed unit test as one failure, however many rows differ (the diff says how many)
  return { status: 'fail', message, failures: 1, adapterResponse: { rows_missing: missing.length, rows_extra: extra.length } };
}
