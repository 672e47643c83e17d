import { load } from 'js-yaml';
import { ConfigError, type ErrorLocation } from '../errors.js';
import { PYYAML_EVERY_FLOAT_SCHEMA, YamlFile } from '../config/index.js';

/** A packages file read as dbt (PyYAML, YAML 1.1) reads it, able to say where each value was written. */
export interface YamlData {
  readonly file: string;
  /** Floats are {@link PyFloat}s, so they hash as Python writes them (`1.0`). */
  readonly data: unknown;
  locate(path: readonly (string | number)[], which?: 'key' | 'value'): ErrorLocation;
}

/**
 * Parses YAML text with PyYAML's rules for plain scalars, as dbt reads packages.yml (the rules every
 * YAML file of bmp is read with, src/config/pyyaml-scalars.ts): `on`/`no` are booleans, `y`/`n`
 * strings, `0.10` the float 0.1, `1.0` a float that stays one.
 * @throws ConfigError BMP_YAML_SYNTAX at file:line:col
 */
export function readYamlData(text: string, file: string): YamlData {
  const located = YamlFile.parse(text, file); // syntax errors and alias bounds, located; and locations later
  let data: unknown;
  try {
    data = load(text, { filename: file, schema: PYYAML_EVERY_FLOAT_SCHEMA });
  } catch (e) {
    throw new ConfigError('BMP_YAML_SYNTAX', `invalid YAML: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  return { file, data: data ?? {}, locate: (path, which = 'key') => located.locate(path, which) };
}
