/**
 * dbt's statement family: `{% call statement(name, fetch_result=True) %}…{% endcall %}`,
 * `load_result(name)` (`.response`, `.data`, `.table`), `store_result`, `store_raw_result` and
 * `run_query(sql)` (an agate-like table, or none for a statement that returns no rows).
 *
 * As in dbt, nothing runs while parsing (`execute` is false): `statement` renders nothing, and
 * `load_result` and `run_query` return none, so `{% if execute %}` code never fails at parse.
 */
import type { StatementResult } from '../../adapters/duckdb/index.js';
import { CompileError } from '../../errors.js';
import { splitKwargs, tuple } from '../../jinja/index.js';
import { AgateTable, type AgateType, type PrintSink } from './agate.js';
import type { CallReplay } from './replay.js';

/** dbt's AdapterResponse: renders as its message; `.code`, `.rows_affected`, `._message`. */
export class AdapterResponse {
  constructor(
    readonly _message: string,
    readonly code: string | null = null,
    readonly rows_affected: number | null = null,
  ) {}
  toString(): string {
    return this._message;
  }
}

/** What `load_result(name)` returns: reachable as `r.table` and `r['table']`. */
export interface StoredResult {
  readonly response: AdapterResponse | null;
  /** The rows as lists of values (agate's matrix). */
  readonly data: readonly (readonly unknown[])[];
  readonly table: AgateTable;
}

export interface StatementScope {
  /** False while parsing: nothing runs. */
  readonly execute: boolean;
  /** Runs a statement (absent when no database is reachable: statements then fail, located). */
  readonly run?: (sql: string) => Promise<StatementResult>;
  readonly replay?: CallReplay;
  readonly print?: PrintSink;
  /** Engine values → template values, per agate type (dates become datetime objects, ...). */
  readonly convert?: (value: unknown, type: AgateType, engineType: string) => unknown;
}

/**
 * The statement members for one render. `results` holds what `statement` stored; the caller
 * empties it before each pass (see CallReplay.run).
 */
export function statementMembers(scope: StatementScope, results: Map<string, StoredResult>): Record<string, unknown> {
  const tableOf = (r: StatementResult | undefined): AgateTable => (r ? AgateTable.fromResult(r.columns, r.rows, scope.print, scope.convert) : AgateTable.empty(scope.print));

  const executeSql = (sql: string, fetch: boolean, label: string): { response: AdapterResponse; table: AgateTable; result: StatementResult } => {
    const { run, replay } = scope;
    if (!run || !replay) throw new CompileError('BMP_NO_DATABASE', `${label} needs a database, and none is open here`);
    const result = replay.call(`sql\u0000${sql}`, () => run(sql).catch((err: unknown) => {
      throw new CompileError('BMP_RUN_QUERY', `${label} failed: ${firstLine(err)}`);
    }));
    const rows = result.returnsRows ? result.rows.length : result.rowsChanged;
    const response = new AdapterResponse(result.statementType === 'SELECT' ? 'OK' : `${result.statementType} ${rows}`, result.statementType, rows);
    return { response, table: fetch ? tableOf(result) : AgateTable.empty(scope.print), result };
  };

  const store = (name: unknown, response: AdapterResponse | null, table: AgateTable | null | undefined) => {
    const t = table ?? AgateTable.empty(scope.print);
    // agate's rows as tuples, as dbt's load_result(...)['data'] holds them
    results.set(String(name), Object.freeze({ response, data: t.rows.map((r) => tuple([...r])), table: t }));
    return '';
  };

  return {
    statement: (...args: unknown[]) => {
      const { positional, kwargs } = splitKwargs(args);
      const name = kwargs['name'] ?? positional[0] ?? null;
      const fetch = truthy(kwargs['fetch_result'] ?? positional[1] ?? false);
      const language = String(kwargs['language'] ?? positional[3] ?? 'sql');
      if (!scope.execute) return '';
      const caller = kwargs['caller'] as (() => unknown) | undefined;
      if (typeof caller !== 'function') throw new CompileError('BMP_STATEMENT_USAGE', 'statement() is a call block: {% call statement(\'name\', fetch_result=True) %} select ... {% endcall %}');
      if (language !== 'sql') throw new CompileError('BMP_NOT_IMPLEMENTED', `statement(language='${language}'): bmp runs SQL only`);
      const sql = String(caller());
      const { response, table } = executeSql(sql, fetch, name === null || name === undefined ? 'statement' : `statement '${String(name)}'`);
      if (name !== null && name !== undefined) store(name, response, table);
      return '';
    },
    load_result: (name: unknown) => results.get(String(name)) ?? null,
    store_result: (...args: unknown[]) => {
      const { positional, kwargs } = splitKwargs(args);
      return store(kwargs['name'] ?? positional[0], (kwargs['response'] ?? positional[1] ?? null) as AdapterResponse | null, (kwargs['agate_table'] ?? positional[2]) as AgateTable | undefined);
    },
    store_raw_result: (...args: unknown[]) => {
      const { positional, kwargs } = splitKwargs(args);
      const [name, message, code, rowsAffected, table] = ['name', 'message', 'code', 'rows_affected', 'agate_table'].map((k, i) => kwargs[k] ?? positional[i]);
      return store(name, new AdapterResponse(String(message ?? ''), (code as string | undefined) ?? null, (rowsAffected as number | undefined) ?? null), table as AgateTable | undefined);
    },
    run_query: (sql: unknown) => {
      if (!scope.execute) return null;
      const { table, result } = executeSql(String(sql), true, 'run_query');
      return result.returnsRows ? table : null;
    },
  };
}

function truthy(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : !!v;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!.trim();
}
