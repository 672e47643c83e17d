/**
 * What a plain (unquoted) YAML scalar means, as dbt reads YAML: PyYAML's SafeLoader, YAML 1.1.
 * That differs from YAML 1.2's core schema in ways that change data, not only errors:
 *
 * | text                         | PyYAML (dbt, and bmp)     | YAML 1.2 core        |
 * | ---------------------------- | ------------------------- | -------------------- |
 * | `yes` `no` `on` `off` (any of 3 casings) | true / false  | the string           |
 * | `017`                        | 15 (octal)                | 17                   |
 * | `1_000`                      | 1000                      | the string           |
 * | `1:30`                       | 90 (base 60)              | the string           |
 * | `1e3`                        | the string (a float needs a `.`) | 1000          |
 * | `1.0e+3`                     | 1000.0                    | 1000                 |
 * | `<<: *anchor` (a key)        | merges the anchored mapping | a key named `<<`   |
 *
 * Both of bmp's YAML readers use these rules (js-yaml for speed, `yaml` for locations), so they
 * agree with each other and with dbt. Unquoted dates and timestamps (`2024-01-31`, `2024-01-31 10:00:00`)
 * are text in configs, and `date`/`datetime` values in vars ({@link PYYAML_PYTHON_SCHEMA}), as PyYAML makes them.
 */
import { Type, FAILSAFE_SCHEMA, type Schema } from 'js-yaml';
import type { ScalarTag } from 'yaml';
import { PyFloat } from '../manifest/py-float.js';
import { YAML_DATE, YAML_DATETIME, YamlTimestamp } from '../manifest/yaml-timestamp.js';

const NULL_RE = /^(?:~|null|Null|NULL|)$/;
const BOOL_RE = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const INT_RE = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT_RE = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const TIMESTAMP_RE = { test: (t: string): boolean => YAML_DATE.test(t) || YAML_DATETIME.test(t) };

const toBool = (text: string): boolean => /^(?:yes|true|on)$/i.test(text);

/** `a:b:c` in base 60, as YAML 1.1 writes times and angles. */
function sexagesimal(digits: string, parse: (part: string) => number): number {
  return digits.split(':').reduce((sum, part) => sum * 60 + parse(part), 0);
}

function toInt(text: string): number {
  let t = text.replace(/_/g, '');
  let sign = 1;
  if (t[0] === '-' || t[0] === '+') {
    if (t[0] === '-') sign = -1;
    t = t.slice(1);
  }
  if (t === '0') return 0;
  if (t.startsWith('0b')) return sign * parseInt(t.slice(2), 2);
  if (t.startsWith('0x')) return sign * parseInt(t.slice(2), 16);
  if (t.includes(':')) return sign * sexagesimal(t, (p) => parseInt(p, 10));
  if (t[0] === '0') return sign * parseInt(t, 8);
  return sign * Number(t);
}

function toFloat(text: string): number {
  let t = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (t[0] === '-' || t[0] === '+') {
    if (t[0] === '-') sign = -1;
    t = t.slice(1);
  }
  if (t === '.inf') return sign * Infinity;
  if (t === '.nan') return NaN;
  if (t.includes(':')) return sign * sexagesimal(t, parseFloat);
  return sign * parseFloat(t);
}

const keepFloat = (n: number): number | PyFloat => (Number.isInteger(n) ? new PyFloat(n) : n);

function jsYamlSchema(floats: (n: number) => unknown, timestamps = false): Schema {
  const scalar = (tag: string, re: { test(text: string): boolean }, construct: (text: string) => unknown) =>
    new Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (data: string | null) => re.test(data ?? ''), construct: (data: string | null) => construct(data ?? '') });
  return FAILSAFE_SCHEMA.extend({
    implicit: [
      // `<<: *defaults` merges the anchored mapping's keys (PyYAML does; js-yaml acts on this tag)
      new Type('tag:yaml.org,2002:merge', { kind: 'scalar', resolve: (data: string | null) => data === '<<' }),
      scalar('null', NULL_RE, () => null),
      scalar('bool', BOOL_RE, toBool),
      scalar('int', INT_RE, toInt),
      scalar('float', FLOAT_RE, (t) => floats(toFloat(t))),
      // a date that does not exist (`2024-02-30`) stays text (PyYAML refuses the file)
      ...(timestamps ? [scalar('timestamp', TIMESTAMP_RE, (t) => YamlTimestamp.parse(t) ?? t)] : []),
    ],
  });
}

/** js-yaml's schema for dbt's YAML: floats as numbers. */
export const PYYAML_SCHEMA: Schema = jsYamlSchema((n) => n);
/**
 * The same, with Python's values where JavaScript has none (for vars, which templates use as
 * Python values): integral floats kept as {@link PyFloat}s, dates and timestamps as {@link YamlTimestamp}s.
 */
export const PYYAML_PYTHON_SCHEMA: Schema = jsYamlSchema(keepFloat, true);
/** The same, with every float a {@link PyFloat} (packages files: Python writes them back as floats when it hashes specs). */
export const PYYAML_EVERY_FLOAT_SCHEMA: Schema = jsYamlSchema((n) => new PyFloat(n));

/** The same rules as tags of the `yaml` package (schema `failsafe` plus these). */
export const PYYAML_TAGS: ScalarTag[] = [
  { tag: 'tag:yaml.org,2002:null', default: true, test: NULL_RE, resolve: () => null },
  { tag: 'tag:yaml.org,2002:bool', default: true, test: BOOL_RE, resolve: toBool },
  { tag: 'tag:yaml.org,2002:int', default: true, test: INT_RE, resolve: toInt },
  { tag: 'tag:yaml.org,2002:float', default: true, test: FLOAT_RE, resolve: toFloat },
];

/**
 * The tags PyYAML would read a plain string as, for writing YAML (toyaml): a string one of them
 * matches is quoted, so it reads back as the string it is (`'2024-01-02'`, `'yes'`, `'017'`).
 */
export const PYYAML_WRITE_TAGS: ScalarTag[] = [...PYYAML_TAGS, { tag: 'tag:yaml.org,2002:timestamp', default: true, test: TIMESTAMP_RE as RegExp, resolve: (t: string) => t }];
