/**
 * The built-in generic tests as SQL that returns failing rows, matching dbt's (and dbt_utils') macros.
 * Column names are inserted as written (dbt does the same, so expressions work); values from YAML are
 * SQL literals, quoted unless `quote: false`.
 */
import { quoteLiteral } from '../adapters/duckdb/index.js';

type Args = Readonly<Record<string, unknown>>;

export const BUILTIN_TESTS = ['unique', 'not_null', 'accepted_values', 'relationships', 'accepted_range', 'expression_is_true'] as const;

function literal(v: unknown, quote: boolean): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return quote ? quoteLiteral(String(v)) : String(v);
}

/** Failing-rows SQL for a built-in test, or undefined when `name` is not built in. */
export function builtinTestSql(name: string, model: string, args: Args): string | undefined {
  const col = args['column_name'] as string | undefined;
  switch (name) {
    case 'not_null':
      return `select ${col}\nfrom ${model}\nwhere ${col} is null`;
    case 'unique':
      return `select ${col} as unique_field, count(*) as n_records\nfrom ${model}\nwhere ${col} is not null\ngroup by ${col}\nhaving count(*) > 1`;
    case 'accepted_values': {
      const values = (args['values'] as unknown[] | undefined) ?? [];
      const quote = args['quote'] !== false;
      return `with all_values as (\n  select ${col} as value_field, count(*) as n_records\n  from ${model}\n  group by ${col}\n)\nselect *\nfrom all_values\nwhere value_field not in (${values.map((v) => literal(v, quote)).join(', ') || 'null'})`;
    }
    case 'relationships': {
      const to = String(args['to']);
      const field = String(args['field']);
      return `with child as (\n  select ${col} as from_field\n  from ${model}\n  where ${col} is not null\n),\nparent as (\n  select ${field} as to_field\n  from ${to}\n)\nselect from_field\nfrom child\nleft join parent on child.from_field = parent.to_field\nwhere parent.to_field is null`;
    }
    case 'accepted_range': {
      const inclusive = args['inclusive'] !== false;
      const conds: string[] = [];
      if (args['min_value'] !== undefined) conds.push(`${col} ${inclusive ? '>=' : '>'} ${literal(args['min_value'], false)}`);
      if (args['max_value'] !== undefined) conds.push(`${col} ${inclusive ? '<=' : '<'} ${literal(args['max_value'], false)}`);
      return `select *\nfrom ${model}\nwhere not (${conds.join(' and ') || 'true'})`;
    }
    case 'expression_is_true': {
      const expr = String(args['expression']);
      return `select *\nfrom ${model}\nwhere not (${col ? `${col} ${expr}` : expr})`;
    }
    default:
      return undefined;
  }
}
