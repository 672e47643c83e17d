import { describe, expect, it } from 'vitest';
import { CompileError } from '../errors.js';
import { GLOBAL_PACKAGE, MacroRegistry } from './macro-registry.js';

function registry(files: Record<string, Record<string, string>>, dispatch: { macroNamespace: string; searchOrder: string[] }[] = []): MacroRegistry {
  const r = new MacroRegistry('shop', { dispatch, packages: Object.keys(files).filter((p) => p !== 'shop' && p !== GLOBAL_PACKAGE) });
  for (const [pkg, byFile] of Object.entries(files)) for (const [file, text] of Object.entries(byFile)) r.addFile(pkg, { file, text });
  return r;
}

const where = (m: { packageName: string; name: string } | undefined) => (m ? `${m.packageName}.${m.name}` : undefined);

describe('MacroRegistry', () => {
  const r = registry({
    shop: { 'macros/a.sql': '{% macro shared() %}{% endmacro %}{% macro duckdb__pick() %}{% endmacro %}{% test unique(model, column_name) %}{% endtest %}' },
    utils: { 'dbt_packages/utils/macros/u.sql': '{% macro shared() %}{% endmacro %}{% macro only_utils() %}{% endmacro %}{% macro default__pick() %}{% endmacro %}{% test equality(model) %}{% endtest %}' },
    dates: { 'dbt_packages/dates/macros/d.sql': '{% macro only_dates() %}{% endmacro %}{% macro default__pick() %}{% endmacro %}{% test equality(model) %}{% endtest %}' },
    dbt: { 'bmp:x.sql': '{% macro shared() %}{% endmacro %}{% macro dateadd() %}{% endmacro %}{% macro default__dateadd() %}{% endmacro %}{% test unique(model, column_name) %}{% endtest %}' },
  });

  it('resolves an unqualified name in the root project, then the calling package, then dbt', () => {
    expect(where(r.resolve('shared', 'utils'))).toBe('shop.shared');
    expect(where(r.resolve('only_utils', 'utils'))).toBe('utils.only_utils');
    expect(where(r.resolve('only_utils', 'shop'))).toBeUndefined(); // a package's macro needs its namespace elsewhere
    expect(where(r.resolve('only_dates', 'utils'))).toBeUndefined();
    expect(where(r.resolve('dateadd', 'dates'))).toBe('dbt.dateadd');
  });

  it('keeps the same name in two packages apart, and rejects it twice in one', () => {
    expect(where(r.get('utils', 'shared'))).toBe('utils.shared');
    expect(where(r.get('dbt', 'shared'))).toBe('dbt.shared');
    try {
      r.addFile('utils', { file: 'dbt_packages/utils/macros/v.sql', text: '\n{% macro shared() %}{% endmacro %}' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CompileError);
      expect((err as CompileError).code).toBe('BMP_MACRO_DUPLICATE');
      expect((err as CompileError).message).toBe("macro 'shared' is defined twice in package 'utils': dbt_packages/utils/macros/u.sql:1 and dbt_packages/utils/macros/v.sql:2");
      expect((err as CompileError).where).toMatchObject({ file: 'dbt_packages/utils/macros/v.sql', line: 2 });
    }
  });

  it('numbers the line each block of a file starts on, nested blocks and materializations included', () => {
    const text = "{% macro a() %}\n{% endmacro %}\n\n{% macro b(x,\n y) %}{% macro inner() %}{% endmacro %}\n{% endmacro %}\n{% test t(model) %}\n\n{% endtest %}{% materialization m, adapter='duckdb' %}\n{% endmaterialization %}\n{% macro c() %}{% endmacro %}";
    const added = new MacroRegistry('shop').addFile('shop', { file: 'macros/many.sql', text });
    expect(added.map((m) => [m.kind, m.name, m.line])).toEqual([
      ['macro', 'a', 1],
      ['macro', 'b', 4],
      ['test', 'test_t', 7],
      ['materialization', 'materialization_m_duckdb', 9],
      ['macro', 'c', 11],
    ]);
  });

  it("dispatches along the project's search order, duckdb__ before default__", () => {
    // default order for an installed package: the root project, then the package
    expect(r.dispatchOrder('utils')).toEqual(['shop', 'utils']);
    expect(where(r.dispatchTarget('pick', 'utils', 'shop').macro)).toBe('shop.duckdb__pick');
    expect(where(r.dispatchTarget('pick', 'dates', 'shop').macro)).toBe('shop.duckdb__pick');
    const configured = registry({ utils: { 'u.sql': '{% macro default__pick() %}{% endmacro %}' }, dates: { 'd.sql': '{% macro duckdb__pick() %}{% endmacro %}' } }, [{ macroNamespace: 'utils', searchOrder: ['dates', 'utils'] }]);
    expect(where(configured.dispatchTarget('pick', 'utils', 'shop').macro)).toBe('dates.duckdb__pick');
    expect(configured.dispatchTarget('nothing', 'utils', 'shop')).toEqual({ searched: ['dates.duckdb__nothing', 'dates.default__nothing', 'utils.duckdb__nothing', 'utils.default__nothing'] });
    // no namespace (or an unknown one): the caller's unqualified lookup
    expect(r.dispatchOrder(undefined)).toEqual([undefined]);
    expect(where(r.dispatchTarget('pick', undefined, 'dates').macro)).toBe('shop.duckdb__pick');
    expect(where(r.dispatchTarget('dateadd', 'dbt', 'shop').macro)).toBe('dbt.default__dateadd');
  });

  it('finds generic tests by namespace, else root, calling package, other packages, dbt', () => {
    expect(where(r.findTest('equality', 'dates'))).toBe('dates.test_equality');
    expect(where(r.findTest('equality', undefined, 'dates'))).toBe('dates.test_equality');
    expect(where(r.findTest('equality', undefined, 'shop'))).toBe('dates.test_equality'); // first installed package by name
    expect(where(r.findTest('unique', undefined, 'utils'))).toBe('shop.test_unique');
    expect(where(r.findTest('unique', 'dbt'))).toBe('dbt.test_unique');
    expect(r.findTest('equality', 'nowhere')).toBeUndefined();
  });

  it("tells dbt's own macros from overridden ones", () => {
    expect(r.isGlobalDefault(undefined)).toBe(true);
    expect(r.isGlobalDefault(r.get('dbt', 'dateadd'))).toBe(true);
    expect(r.isGlobalDefault(r.get('shop', 'test_unique'))).toBe(false);
    const overridden = registry({ shop: { 'o.sql': '{% macro default__dateadd() %}{% endmacro %}' }, dbt: { 'x.sql': '{% macro dateadd() %}{% endmacro %}{% macro default__dateadd() %}{% endmacro %}' } });
    expect(overridden.isGlobalDefault(overridden.get('dbt', 'dateadd'))).toBe(false);
  });

  it('finds materializations: root first, duckdb before default; packages only for new names', () => {
    const m = registry({
      shop: { 'm.sql': "{% materialization table, default %}{% endmaterialization %}{% materialization mine, adapter='duckdb' %}{% endmaterialization %}" },
      utils: { 'u.sql': "{% materialization view, default %}{% endmaterialization %}{% materialization mine, default %}{% endmaterialization %}{% materialization theirs, default %}{% endmaterialization %}" },
    });
    expect(where(m.findMaterialization('table', true))).toBe('shop.materialization_table_default');
    expect(m.findMaterialization('view', true)).toBeUndefined(); // a package cannot replace a built-in one
    expect(where(m.findMaterialization('mine', false))).toBe('shop.materialization_mine_duckdb');
    expect(where(m.findMaterialization('theirs', false))).toBe('utils.materialization_theirs_default');
  });

  describe("bmp's duckdb__ implementations for a package namespace", () => {
    const BMP = { file: 'bmp:utils.sql', text: '{% macro duckdb__tables() %}bmp{% endmacro %}{% macro duckdb__other() %}{% endmacro %}' };
    const withBmp = (files: Record<string, Record<string, string>>, dispatch: { macroNamespace: string; searchOrder: string[] }[] = []) => {
      const reg = registry(files, dispatch);
      reg.addAdapterFile('utils', BMP);
      return reg;
    };
    const source = (m: { file: string } | undefined) => m?.file;

    it("is the candidate where the package has no duckdb__, before the package's default__", () => {
      const reg = withBmp({ utils: { 'u.sql': '{% macro tables() %}{% endmacro %}{% macro default__tables() %}{% endmacro %}' } });
      const found = reg.dispatchTarget('tables', 'utils', 'shop');
      expect(where(found.macro)).toBe('utils.duckdb__tables'); // runs as a macro of the namespace
      expect(source(found.macro)).toBe('bmp:utils.sql');
      expect(found.searched).toEqual(['shop.duckdb__tables', 'shop.default__tables', 'utils.duckdb__tables']);
    });

    it("loses to the root project's duckdb__ or default__ and to the package's own duckdb__", () => {
      for (const root of ['duckdb__tables', 'default__tables']) {
        const reg = withBmp({ shop: { 'o.sql': `{% macro ${root}() %}{% endmacro %}` }, utils: { 'u.sql': '{% macro default__tables() %}{% endmacro %}' } });
        expect(source(reg.dispatchTarget('tables', 'utils', 'utils').macro)).toBe('o.sql');
      }
      const own = withBmp({ utils: { 'u.sql': '{% macro duckdb__tables() %}{% endmacro %}{% macro default__tables() %}{% endmacro %}' } });
      expect(source(own.dispatchTarget('tables', 'utils', 'shop').macro)).toBe('u.sql');
    });

    it("keeps the project's dispatch: order, and is offered only at the namespace's own place in it", () => {
      const files = { utils: { 'u.sql': '{% macro default__tables() %}{% endmacro %}' }, shim: { 's.sql': '{% macro default__tables() %}{% endmacro %}' } };
      // a shim package before the namespace: its default__ comes first
      const shimmed = withBmp(files, [{ macroNamespace: 'utils', searchOrder: ['shop', 'shim', 'utils'] }]);
      expect(source(shimmed.dispatchTarget('tables', 'utils', 'shop').macro)).toBe('s.sql');
      // the namespace left out of the order: neither it nor bmp's implementation is searched
      const without = withBmp(files, [{ macroNamespace: 'utils', searchOrder: ['shop'] }]);
      expect(without.dispatchTarget('tables', 'utils', 'shop')).toEqual({ searched: ['shop.duckdb__tables', 'shop.default__tables'] });
      const after = withBmp({ utils: {}, shim: { 's.sql': '{% macro default__tables() %}{% endmacro %}' } }, [{ macroNamespace: 'utils', searchOrder: ['utils', 'shim'] }]);
      expect(source(after.dispatchTarget('tables', 'utils', 'shop').macro)).toBe('bmp:utils.sql');
    });

    it('is in no namespace and no unqualified lookup, and not offered to another namespace', () => {
      const reg = withBmp({ utils: { 'u.sql': '{% macro default__tables() %}{% endmacro %}' }, dates: { 'd.sql': '{% macro default__tables() %}{% endmacro %}' } });
      expect(reg.get('utils', 'duckdb__tables')).toBeUndefined();
      expect(reg.resolve('duckdb__tables', 'utils')).toBeUndefined();
      expect(source(reg.dispatchTarget('tables', undefined, 'utils').macro)).toBe('u.sql'); // no namespace: the caller's own default__
      expect(source(reg.dispatchTarget('tables', 'dates', 'shop').macro)).toBe('d.sql');
      expect(reg.adapterMacro('utils', 'duckdb__other')?.name).toBe('duckdb__other');
    });

    it('takes only duckdb__ macros, each once', () => {
      const reg = registry({});
      expect(() => reg.addAdapterFile('utils', { file: 'bmp:x.sql', text: '{% macro default__tables() %}{% endmacro %}' })).toThrow(/only duckdb__ macros/);
      expect(() => reg.addAdapterFile('utils', { file: 'bmp:x.sql', text: '{% test duckdb__t(model) %}{% endtest %}' })).toThrow(/only duckdb__ macros/);
      reg.addAdapterFile('utils', BMP);
      expect(() => reg.addAdapterFile('utils', { file: 'bmp:y.sql', text: '{% macro duckdb__tables() %}{% endmacro %}' })).toThrow("macro 'duckdb__tables' for 'utils' is defined twice: bmp:utils.sql:1 and bmp:y.sql:1");
    });
  });
});
