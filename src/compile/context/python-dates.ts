/**
 * YAML's unquoted dates and timestamps (read as {@link YamlTimestamp}s) as the `datetime.date` /
 * `datetime.datetime` objects PyYAML gives dbt: for vars and for `fromyaml()`.
 */
import { PyFloat } from '../../jinja/index.js';
import { YamlTimestamp } from '../../manifest/yaml-timestamp.js';
import { PyDate, PyDateTime, PyTimeDelta, PyTimezone } from './modules/datetime.js';

/**
 * A var's value with YAML's unquoted dates and timestamps as `datetime.date`/`datetime.datetime`
 * objects, as PyYAML gives them to dbt (`var('start').year`, `strftime`, comparisons, `+ timedelta`);
 * inside lists and dicts too. Each list or dict is looked at once (by identity).
 */
export function pythonDates(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof YamlTimestamp) return pythonDate(value);
  if (value instanceof PyFloat) return value;
  let out = CONVERTED.get(value);
  if (out === undefined) {
    if (!hasTimestamp(value, 0)) out = value;
    else out = Array.isArray(value) ? value.map(pythonDates) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pythonDates(v)]));
    CONVERTED.set(value, out);
  }
  return out;
}

const CONVERTED = new WeakMap<object, unknown>();

function hasTimestamp(value: unknown, depth: number): boolean {
  if (value instanceof YamlTimestamp) return true;
  if (value === null || typeof value !== 'object' || depth > 50) return false;
  if (Array.isArray(value)) return value.some((v) => hasTimestamp(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const k in value) if (hasTimestamp((value as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

function pythonDate(t: YamlTimestamp): PyDate {
  if (t.kind === 'date') return new PyDate(t.year, t.month, t.day);
  const tz = t.offsetMinutes === null ? null : t.offsetMinutes === 0 ? PyTimezone.utc : new PyTimezone(new PyTimeDelta(0, t.offsetMinutes * 60));
  return new PyDateTime(t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond, tz);
}

