import { ConfigError, type ErrorLocation } from '../errors.js';
import { YamlFile, yamlLib } from '../config/index.js';
import { PyFloat } from './py-json.js';

/** A packages file read as dbt (PyYAML, YAML 1.1) reads it, able to say where each value was written. */
export interface YamlData {
  readonly file: string;
  /** Floats are {@link PyFloat}s, so they hash as Python writes them (`1.0`). */
  readonly data: unknown;
  locate(path: readonly (string | number)[], which?: 'key' | 'value'): ErrorLocation;
}

/**
 * Parses YAML text with YAML 1.1 rules (`no` is false, `1.0` a float), as PyYAML does for dbt.
 * @throws ConfigError BMP_YAML_SYNTAX at file:line:col
 */
export function readYamlData(text: string, file: string): YamlData {
  const located = YamlFile.parse(text, file); // syntax errors, located; and locations later
  const { parseDocument, visit, isScalar } = yamlLib();
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'number' && isScalar(node) && node.type === 'PLAIN' && /[.eE]|inf|nan/i.test(String(node.source ?? ''))) node.value = new PyFloat(node.value);
    },
  });
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError('BMP_YAML_SYNTAX', `invalid YAML: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  return { file, data: data ?? {}, locate: (path, which = 'key') => located.locate(path, which) };
}
