import { describe, expect, it } from 'vitest';
import { isTuple } from '../../jinja/python/value.js';
import { AgateTable, AgateType } from './agate.js';

const table = (printed: string[] = []) =>
  AgateTable.fromResult(
    [
      { name: 'id', type: 'INTEGER' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'score', type: 'DECIMAL(5,2)' },
    ],
    [
      [2, 'b', 1.5],
      [1, 'a', null],
      [3, 'c', 2.5],
    ],
    (t) => printed.push(t),
  );

describe('AgateTable (run_query / load_result(...).table)', () => {
  it('is a sequence of rows; rows answer by position, name and mapping methods', () => {
    const t = table();
    expect(t.length).toBe(3);
    expect([...t].map((r) => r[0])).toEqual([2, 1, 3]);
    const row = t.rows[1]!;
    expect([row[1], row['name'], row.get('name'), row.get('nope', 'd')]).toEqual(['a', 'a', 'a', 'd']);
    expect([...row.keys()]).toEqual(['id', 'name', 'score']);
    expect([...row.values()]).toEqual([1, 'a', null]);
    expect([...row.items()].map((kv) => [...kv])).toEqual([['id', 1], ['name', 'a'], ['score', null]]);
    // agate's tuples: Python prints them (and SQL reads them) as ('id', 'name', 'score')
    expect([row.keys(), row.values(), row.items()].every(isTuple)).toBe(true);
    expect(row.dict()).toEqual({ id: 1, name: 'a', score: null });
  });

  it('columns answer by position and name, with agate types and value helpers', () => {
    const t = table();
    expect([...t.column_names]).toEqual(['id', 'name', 'score']);
    expect([...t.columns[0]!.values()]).toEqual([2, 1, 3]);
    expect([...t.columns['name']!.values()]).toEqual(['b', 'a', 'c']);
    expect([...t.columns[2]!]).toEqual([1.5, null, 2.5]);
    expect([...t.columns[2]!.values_without_nulls()]).toEqual([1.5, 2.5]);
    expect(t.columns[0]!.values_sorted()).toEqual([1, 2, 3]);
    expect(t.column_types.map((c) => c.name)).toEqual(['Integer', 'Text', 'Number']);
    expect(t.columns[0]!.data_type).toBe(AgateType.Integer);
    // agate's MappedSequence: table.columns is also a mapping (dbt_utils.get_query_results_as_dict iterates .items())
    const cols = t.columns as unknown as { keys(): string[]; items(): [string, { values(): unknown[] }][]; get(k: string, d?: unknown): unknown; values(): unknown[] };
    expect(cols.keys()).toEqual(['id', 'name', 'score']);
    expect(cols.items().map(([n, c]) => [n, [...c.values()]])).toEqual([['id', [2, 1, 3]], ['name', ['b', 'a', 'c']], ['score', [1.5, null, 2.5]]]);
    expect(cols.get('name')).toBe(t.columns[1]);
    expect(cols.get('nope', 'd')).toBe('d');
    expect(cols.values()).toEqual([t.columns[0], t.columns[1], t.columns[2]]);
    expect(AgateType.ofDuckDb('TIMESTAMP WITH TIME ZONE')).toBe(AgateType.DateTime);
    expect(AgateType.ofDuckDb('DATE')).toBe(AgateType.Date);
  });

  it('selects, excludes, filters, sorts, limits and renames like agate', () => {
    const t = table();
    expect(t.select(['name']).rows.map((r) => [...r])).toEqual([['b'], ['a'], ['c']]);
    expect([...t.exclude('score').column_names]).toEqual(['id', 'name']);
    expect(t.where((r) => (r[0] as number) > 1).length).toBe(2);
    expect(t.find((r) => r['name'] === 'c')?.[0]).toBe(3);
    expect(t.find((r) => r['name'] === 'z')).toBeNull();
    expect([...t.order_by('id').columns[0]!.values()]).toEqual([1, 2, 3]);
    expect([...t.order_by('id', true).columns[0]!.values()]).toEqual([3, 2, 1]);
    expect(t.limit(2).length).toBe(2);
    expect([...t.rename(['x', 'y', 'z']).column_names]).toEqual(['x', 'y', 'z']);
    expect([...t.rename({ id: 'key', __keywords: true } as never).column_names]).toEqual(['key', 'name', 'score']);
  });

  it('print_table writes a text table to the print sink and returns none', () => {
    const printed: string[] = [];
    expect(table(printed).print_table()).toBeNull();
    expect(printed[0]!.split('\n')).toEqual(['| id | name | score |', '| -- | ---- | ----- |', '| 2  | b    | 1.5   |', '| 1  | a    |       |', '| 3  | c    | 2.5   |']);
    table(printed).print_table({ max_rows: 1, __keywords: true } as never);
    expect(printed[1]!.split('\n')).toHaveLength(4);
  });
});

describe('AgateTable column names', () => {
  it('a column named like an index (`select 1`) stays reachable by position only', () => {
    const t = AgateTable.fromResult([{ name: '1', type: 'INTEGER' }, { name: 'length', type: 'INTEGER' }], [[5, 6]]);
    expect(t.columns.length).toBe(2);
    expect([...t.columns[0]!.values()]).toEqual([5]);
    expect(t.rows[0]!.length).toBe(2);
    expect(t.rows[0]!.get('length')).toBe(6);
  });
});
