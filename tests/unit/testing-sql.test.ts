import { describe, expect, it } from 'vitest';
import type { Manifest, NodeConfig, SqlNode } from '../../src/manifest/types.js';
import { macroConfig } from '../../src/parse/generic-tests.js';
import { builtinTestAggregate, builtinTestSql, relationshipsProbeSql, parseThreshold, testConfigProblem, testMessage, testStatus, testVerdictSql, verdictFromCount } from '../../src/data-tests/index.js';
import { csvSelect, fixtureTableStatements } from '../../src/adapters/duckdb/unit-test-database.js';
import { batchSql, formatRowDiff, inferType, isBatchable, parseCsv, planBatches, summarizeDiff } from '../../src/testing/index.js';

const cfg = (c: Record<string, unknown> = {}): NodeConfig => ({ enabled: true, materialized: 'test', tags: [], meta: {}, pre_hook: [], post_hook: [], severity: 'error', ...c });

describe('built-in test SQL', () => {
  it('matches dbt’s macros for the core tests', () => {
    expect(builtinTestSql('not_null', '"main"."orders"', { column_name: 'id' })).toBe('select id\nfrom "main"."orders"\nwhere id is null');
    expect(builtinTestSql('unique', 'm', { column_name: 'id' })).toBe('select id as unique_field, count(*) as n_records\nfrom m\nwhere id is not null\ngroup by id\nhaving count(*) > 1');
    expect(builtinTestSql('accepted_values', 'm', { column_name: 's', values: ['a', "o'k", 3] })).toContain("where value_field not in ('a', 'o''k', 3)");
    expect(builtinTestSql('accepted_values', 'm', { column_name: 's', values: [1, 2], quote: false })).toContain('not in (1, 2)');
    expect(builtinTestSql('accepted_range', 'm', { column_name: 'x', min_value: 0, max_value: 10 })).toBe('select *\nfrom m\nwhere not (x >= 0 and x <= 10)');
    expect(builtinTestSql('accepted_range', 'm', { column_name: 'x', min_value: 0, inclusive: false })).toBe('select *\nfrom m\nwhere not (x > 0)');
    expect(builtinTestSql('expression_is_true', 'm', { expression: 'a + b = c' })).toBe('select *\nfrom m\nwhere not (a + b = c)');
    expect(builtinTestSql('expression_is_true', 'm', { column_name: 'a', expression: '>= 0' })).toBe('select *\nfrom m\nwhere not (a >= 0)');
    expect(builtinTestSql('no_such_test', 'm', {})).toBeUndefined();
  });

  it('gives scan tests an aggregate and leaves the others out', () => {
    expect(builtinTestAggregate('not_null', { column_name: 'id' })).toBe('count_if((id is null)::boolean)');
    // accepted_values counts distinct bad values; the batch only probes for bad rows (see PROBE_TESTS)
    expect(builtinTestAggregate('accepted_values', { column_name: 's', values: ['a'] })).toBe("count_if((s not in ('a'))::boolean)");
    expect(builtinTestAggregate('accepted_range', { column_name: 'x', max_value: 5 })).toBe('count_if((not (x <= 5))::boolean)');
    expect(builtinTestAggregate('expression_is_true', { expression: 'a > 0' })).toBe('count_if((not (a > 0))::boolean)');
    expect(builtinTestAggregate('unique', { column_name: 'id' })).toBeUndefined();
    expect(builtinTestAggregate('relationships', { column_name: 'id', to: 'x', field: 'id' })).toBeUndefined();
    // dbt's left join by default; looked up in the parent's non-null values when asked
    const rel = { column_name: 'pid', to: '"main"."parents"', field: 'id' };
    expect(builtinTestSql('relationships', 'm', rel)).toContain('left join parent on child.from_field = parent.to_field\nwhere parent.to_field is null');
    expect(builtinTestSql('relationships', 'm', rel, { relationshipsLookup: 'parent' })).toBe(
      'with child as (\n  select pid as from_field\n  from m\n  where pid is not null\n),\nparent as (\n  select id as to_field\n  from "main"."parents"\n)\nselect from_field\nfrom child\nwhere from_field not in (select to_field from parent where to_field is not null)',
    );
  });

  it('probes relationships with a bitmap only on integer keys over a range worth it', () => {
    const probe = (b: Record<string, unknown>) => relationshipsProbeSql('c', 'pid', 'p', 'id', { parent_type: 'BIGINT', child_type: 'INTEGER', lo: '1', hi: '1000', n: 1000, ...b });
    expect(probe({})).toBe(
      'select count_if(not (pid between 1 and 1000)) + coalesce(bit_count(\n  bitstring_agg(pid, 1, 1000) filter (where pid between 1 and 1000)\n  & ~(select bitstring_agg(id, 1, 1000) from p where id between 1 and 1000)), 0) as missing\nfrom c\nwhere pid is not null',
    );
    expect(probe({ child_type: 'VARCHAR' })).toBeUndefined();
    expect(probe({ parent_type: 'DOUBLE' })).toBeUndefined();
    // DuckDB 1.5 has no bitstring_agg for UHUGEINT
    expect(probe({ child_type: 'UHUGEINT' })).toBeUndefined();
    expect(probe({ child_type: 'UTINYINT', parent_type: 'HUGEINT' })).toBeDefined();
    // an empty parent has no bounds
    expect(probe({ lo: null, hi: null, n: 0 })).toBeUndefined();
    // at most 32 values per parent row (plus a small floor), and at most 2^27
    expect(probe({ hi: '33000', n: 1000 })).toBeDefined();
    expect(probe({ hi: '34000', n: 1000 })).toBeUndefined();
    expect(probe({ lo: '-170141183460469231731687303715884105728', hi: '170141183460469231731687303715884105727', parent_type: 'HUGEINT', n: 1e9 })).toBeUndefined();
    expect(probe({ lo: '0', hi: String(2 ** 27), n: 1e9 })).toBeUndefined();
    expect(probe({ lo: '-5', hi: '5', n: 3 })).toContain('between -5 and 5');
  });

  it('builds one query for a group: scan tests as filtered counts, unique as a subquery', () => {
    const { sql, columns } = batchSql('"main"."orders"', [
      { id: 'a', testName: 'not_null', args: { column_name: 'id' } },
      { id: 'b', testName: 'unique', args: { column_name: 'id' } },
      { id: 'c', testName: 'accepted_range', args: { column_name: 'amount', min_value: 0 } },
    ]);
    expect([...columns]).toEqual([
      ['a', 't0'],
      ['b', 't1'],
      ['c', 't2'],
    ]);
    expect(sql).toBe(
      [
        'select *',
        'from (',
        '  select',
        '    count(*) filter (where id is null) as "t0",',
        '    count(*) filter (where not (amount >= 0)) as "t2"',
        '  from "main"."orders"',
        '  where (id is null)',
        '     or (not (amount >= 0))',
        ') as bmp_scan,',
        '(',
        '  select count(*) as "t1" from (',
        'select id as unique_field, count(*) as n_records\nfrom "main"."orders"\nwhere id is not null\ngroup by id\nhaving count(*) > 1',
        '  ) as bmp_failures',
        ') as "bmp_t1"',
      ].join('\n'),
    );
    // tests over all rows (not_constant, at_least_one) get a scan without the where
    expect(batchSql('m', [{ id: 'a', testName: 'not_null', args: { column_name: 'x' } }, { id: 'b', testName: 'at_least_one', args: { column_name: 'x' } }]).sql).toBe(
      'select *\nfrom (\n  select\n    count(*) filter (where x is null) as "t0"\n  from m\n  where (x is null)\n) as bmp_scan,\n(\n  select\n    case when count(x) = 0 then 1 else 0 end as "t1"\n  from m\n) as bmp_whole',
    );
  });

  it('a view in a single pass: one aggregate per test, no where, grouped tests and accepted_values as probes', () => {
    const { sql, columns, probes } = batchSql('"main"."v"', [
      { id: 'a', testName: 'not_null', args: { column_name: 'id' } },
      { id: 'b', testName: 'unique', args: { column_name: 'id' } },
      { id: 'c', testName: 'accepted_values', args: { column_name: 'kind', values: ['x'] } },
      { id: 'd', testName: 'unique_combination_of_columns', args: { combination_of_columns: ['id', 'kind'] } },
      { id: 'e', testName: 'at_least_one', args: { column_name: 'kind' } },
    ], { singleScan: true });
    expect(sql).toBe(
      [
        'select',
        '    count_if((id is null)::boolean) as "t0",',
        '    count(id) - count(distinct id) as "t1",',
        "    count_if((kind not in ('x'))::boolean) as \"t2\",",
        '    count(*) - count(distinct row(id, kind)) as "t3",',
        '    case when count(kind) = 0 then 1 else 0 end as "t4"',
        'from "main"."v"',
      ].join('\n'),
    );
    expect([...columns.values()]).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect([...probes].sort()).toEqual(['b', 'c', 'd']);
  });

  it('counts unique on an integer column with a bitmap, on other columns with count(distinct)', () => {
    const members = [
      { id: 'a', testName: 'unique', args: { column_name: 'ID' } },
      { id: 'b', testName: 'unique', args: { column_name: 'kind' } },
      { id: 'c', testName: 'unique', args: { column_name: '"Code"' } },
      { id: 'd', testName: 'unique', args: { column_name: 'id + 1' } },
      { id: 'e', testName: 'not_null', args: { column_name: 'id' } },
    ];
    const batch = batchSql('"main"."v"', members, { singleScan: true, integerColumns: new Set(['id', 'code']) });
    expect(batch.sql.split('\n').slice(1, 5)).toEqual([
      '    count(ID) - coalesce(bit_count(bitstring_agg(ID)), 0) as "t0",',
      '    count(kind) - count(distinct kind) as "t1",',
      '    count("Code") - coalesce(bit_count(bitstring_agg("Code")), 0) as "t2",',
      '    count(id + 1) - count(distinct id + 1) as "t3",',
    ]);
    expect(batch.bitmaps).toBe(true);
    expect([...batch.probes].sort()).toEqual(['a', 'b', 'c', 'd']);
    // no integer column tested for uniqueness: no bitmap, nothing to ask again
    expect(batchSql('"main"."v"', members.slice(1, 2), { singleScan: true, integerColumns: new Set(['id']) }).bitmaps).toBeUndefined();
    // a table's batch: the bitmap probe joins the whole-table aggregates, other uniques group by themselves
    const table = batchSql('"main"."t"', members, { integerColumns: new Set(['id']) });
    expect(table.sql).toContain('(\n  select\n    count(ID) - coalesce(bit_count(bitstring_agg(ID)), 0) as "t0"\n  from "main"."t"\n) as bmp_whole');
    expect(table.sql).toContain('select kind as unique_field, count(*) as n_records');
    expect(table.sql).not.toContain('bitstring_agg("Code")');
    expect([...table.probes].sort()).toEqual(['a']);
    expect(table.bitmaps).toBe(true);
    expect(batchSql('"main"."t"', members).bitmaps).toBeUndefined();
  });
});

describe('batch planning', () => {
  const model = { uniqueId: 'model.p.m', resourceType: 'model', name: 'm', config: cfg({ materialized: 'view' }), relation: { database: 'db', schema: 'main', identifier: 'm' } };
  const eph = { ...model, uniqueId: 'model.p.e', name: 'e', config: cfg({ materialized: 'ephemeral' }), relation: undefined };
  const manifest = { nodes: new Map([[model.uniqueId, model], [eph.uniqueId, eph]]), sources: new Map() } as unknown as Manifest;
  const test = (id: string, name: string, config: Record<string, unknown> = {}, attached = model.uniqueId): SqlNode =>
    ({ uniqueId: id, resourceType: 'test', name: id, config: cfg(config), attachedNode: attached, testMetadata: { name, kwargs: { column_name: 'id' }, testType: 'generic' } }) as unknown as SqlNode;

  it('batches default-config built-in tests of one model, and nothing else', () => {
    const none = () => false;
    expect(isBatchable(test('t1', 'not_null'), manifest, none)).toBe(true);
    expect(isBatchable(test('t1', 'unique'), manifest, none)).toBe(true);
    expect(isBatchable(test('t1', 'relationships'), manifest, none)).toBe(false);
    expect(isBatchable(test('t1', 'not_null', { where: 'id > 0' }), manifest, none)).toBe(false);
    expect(isBatchable(test('t1', 'not_null', { limit: 5 }), manifest, none)).toBe(false);
    expect(isBatchable(test('t1', 'not_null', { store_failures: true }), manifest, none)).toBe(false);
    expect(isBatchable(test('t1', 'not_null', { fail_calc: 'sum(n)' }), manifest, none)).toBe(false);
    expect(isBatchable(test('t1', 'not_null', { fail_calc: 'COUNT( * )' }), manifest, none)).toBe(true);
    expect(isBatchable(test('t1', 'not_null', { severity: 'warn', warn_if: '>5' }), manifest, none)).toBe(true);
    expect(isBatchable(test('t1', 'not_null', {}, eph.uniqueId), manifest, none)).toBe(false);
    // a user's {% test not_null %} replaces the built-in: its SQL is unknown
    expect(isBatchable(test('t1', 'not_null'), manifest, (n) => n === 'not_null')).toBe(false);
  });

  it('groups by model and leaves single tests alone', () => {
    const plan = planBatches([test('a', 'not_null'), test('b', 'accepted_range'), test('c', 'relationships')], manifest, () => false);
    expect([...plan.keys()].sort()).toEqual(['a', 'b']);
    expect(plan.get('a')).toBe(plan.get('b'));
    expect(plan.get('a')!.members.map((m) => m.id)).toEqual(['a', 'b']);
    expect(planBatches([test('a', 'not_null')], manifest, () => false).size).toBe(0);
  });
});

describe('test config', () => {
  it('parses thresholds', () => {
    expect(parseThreshold('>10')).toEqual({ op: '>', value: 10 });
    expect(parseThreshold(' != 0 ')).toEqual({ op: '!=', value: 0 });
    expect(parseThreshold('==3')).toEqual({ op: '=', value: 3 });
    expect(parseThreshold('<>2')).toEqual({ op: '!=', value: 2 });
    expect(parseThreshold('>= 2.5')).toEqual({ op: '>=', value: 2.5 });
    for (const bad of ['more than 10', '>', '10', '> x', '>1; drop table t', 5]) expect(parseThreshold(bad)).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(testConfigProblem({ severity: 'warn', warn_if: '>1', error_if: '>=10', limit: 5 })).toBeUndefined();
    expect(testConfigProblem({ severity: 'fatal' })).toMatch(/severity must be 'error' or 'warn'/);
    expect(testConfigProblem({ warn_if: 'lots' })).toMatch(/warn_if must be a comparison/);
    expect(testConfigProblem({ error_if: '>' })).toMatch(/error_if/);
    expect(testConfigProblem({ limit: -1 })).toMatch(/limit/);
    expect(testConfigProblem({ store_failures_as: 'csv' })).toMatch(/store_failures_as/);
  });

  it('applies severity, warn_if and error_if as dbt does', () => {
    const verdict = (c: Record<string, unknown>, n: number) => testStatus(cfg(c), verdictFromCount(cfg(c), n));
    expect(verdict({}, 0)).toBe('pass');
    expect(verdict({}, 1)).toBe('fail');
    expect(verdict({ severity: 'warn' }, 1)).toBe('warn');
    expect(verdict({ severity: 'WARN' }, 100)).toBe('warn');
    expect(verdict({ warn_if: '>5', error_if: '>10' }, 3)).toBe('pass');
    expect(verdict({ warn_if: '>5', error_if: '>10' }, 7)).toBe('warn');
    expect(verdict({ warn_if: '>5', error_if: '>10' }, 11)).toBe('fail');
    expect(verdict({ severity: 'warn', error_if: '>0' }, 11)).toBe('warn');
    expect(testMessage(cfg({ error_if: '>10' }), 'fail', 11)).toBe('Got 11 results, configured to fail if >10');
    expect(testMessage(cfg(), 'warn', 1)).toBe('Got 1 result, configured to warn if != 0');
    expect(testVerdictSql('select 1', cfg({ warn_if: '==2', limit: 3 }))).toBe(
      'select count(*) as failures, (count(*)) = 2 as should_warn, (count(*)) != 0 as should_error\nfrom (\nselect 1\nlimit 3\n) as dbt_internal_test',
    );
  });

  it('reads static config() calls of a {% test %} block', () => {
    expect(macroConfig("{% test x(model) %}{{ config(severity='warn', tags=['a']) }} select 1{% endtest %}")).toEqual({ severity: 'warn', tags: ['a'] });
    expect(macroConfig('{% test x(model) %}select 1{% endtest %}')).toEqual({});
  });
});

describe('unit-test fixtures', () => {
  it('parses CSV with quotes, escapes and nulls', () => {
    expect(parseCsv('a,b,c\n1,"x, y",\n2,"say ""hi""", z \n')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', null],
      ['2', 'say "hi"', 'z'],
    ]);
    expect(parseCsv('  id,name\n  1,Ada\n')).toEqual([
      ['id', 'name'],
      ['1', 'Ada'],
    ]);
    // a quoted empty field is NULL too, as dbt turns every '' of csv.DictReader into None
    expect(parseCsv('a\n""\n')).toEqual([['a'], [null]]);
    expect(parseCsv('a,b,c\n3,"",6\n')).toEqual([['a', 'b', 'c'], ['3', null, '6']]);
  });

  it('infers column types from values', () => {
    expect(inferType([1, 2, null], false)).toBe('INTEGER');
    expect(inferType([1, 3_000_000_000], false)).toBe('BIGINT');
    expect(inferType([1, 2.5], false)).toBe('DOUBLE');
    expect(inferType([true, false], false)).toBe('BOOLEAN');
    expect(inferType(['2024-01-31'], false)).toBe('DATE');
    expect(inferType(['2024-01-31 10:00:00', '2024-02-01'], false)).toBe('TIMESTAMP');
    expect(inferType(['2024-01-31T10:00:00Z'], false)).toBe('TIMESTAMPTZ');
    expect(inferType(['a', 1], false)).toBe('VARCHAR');
    expect(inferType(['1'], false)).toBe('VARCHAR');
    expect(inferType(['1', '-2'], true)).toBe('INTEGER');
    expect(inferType(['1.5', '2'], true)).toBe('DOUBLE');
    expect(inferType(['true', 'FALSE'], true)).toBe('BOOLEAN');
    expect(inferType([[1, 2], [3]], false)).toBe('INTEGER[]');
    expect(inferType([null], false)).toBe('INTEGER');
  });

  it('formats a row diff with every difference marked', () => {
    const text = formatRowDiff(['id', 'total'], { matched: [['1', '5']], missing: [['2', '10']], extra: [['2', '11'], ['3', null]] });
    expect(text.split('\n')).toEqual([
      '     id | total',
      '     ---+------',
      '     1  | 5',
      '  -  2  | 10',
      '  +  2  | 11',
      '  +  3  | null',
    ]);
    expect(summarizeDiff({ missing: 1, extra: 2 })).toBe('1 expected row missing, 2 unexpected rows');
    const many = formatRowDiff(['n'], { matched: Array.from({ length: 60 }, (_, i) => [String(i)]), missing: [['x']], extra: [] }, 10);
    expect(many).toContain('-  x');
    expect(many).toContain('... 51 more rows');
  });
});

describe("unit tests' scratch tables (src/adapters/duckdb/unit-test-database.ts)", () => {
  it('creates the typed table, then inserts the given columns with every value bound and cast', () => {
    const cols = [{ name: 'id', type: 'INTEGER' }, { name: 'my "ts"', type: 'DATE' }];
    const got = fixtureTableStatements('"bmp_unit"."given_0_o"', cols, [cols[1]!], [['2024-01-01'], [null]]);
    expect(got).toEqual([
      { sql: 'create table "bmp_unit"."given_0_o" ("id" INTEGER, "my ""ts""" DATE)', params: [] },
      { sql: 'insert into "bmp_unit"."given_0_o" ("my ""ts""") values (cast($1 as DATE)), (cast($2 as DATE))', params: ['2024-01-01', null] },
    ]);
  });

  it('splits many rows into inserts of 500 and leaves out the insert when no column or row is given', () => {
    const cols = [{ name: 'x', type: 'BIGINT' }];
    const rows = Array.from({ length: 1001 }, (_, i) => [String(i)]);
    const got = fixtureTableStatements('t', cols, cols, rows);
    expect(got.map((s) => s.params.length)).toEqual([0, 500, 500, 1]);
    expect(got[3]!.sql).toBe('insert into t ("x") values (cast($1 as BIGINT))');
    expect(fixtureTableStatements('t', cols, [], rows)).toHaveLength(1);
    expect(fixtureTableStatements('t', cols, cols, [])).toHaveLength(1);
  });

  it("reads a seed's CSV with its delimiter and column_types as literals, the path bound", () => {
    expect(csvSelect({})).toBe('select * from read_csv($1, header = true, auto_detect = true)');
    expect(csvSelect({ delimiter: ';', columnTypes: { "o'k": 'VARCHAR' } })).toBe("select * from read_csv($1, header = true, auto_detect = true, delim = ';', types = {'o''k': 'VARCHAR'})");
  });
});
