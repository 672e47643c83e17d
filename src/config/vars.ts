import { ConfigError, UsageError } from '../errors.js';
import { YamlFile } from './yaml-file.js';

/** Parses `--vars '{k: v}'` (YAML or JSON). */
export function parseCliVars(text: string | undefined): Record<string, unknown> {
  if (!text || !text.trim()) return {};
  let value: unknown;
  try {
    value = YamlFile.parse(text, '--vars').data;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const { line, column } = err.where;
    const pos = column === undefined ? '' : line === 1 ? ` at column ${column}` : ` at line ${line}, column ${column}`;
    throw new UsageError('BMP_VARS_INVALID', `--vars is not valid YAML${pos}: ${err.message.replace(/^invalid YAML: /, '')}`, {}, `e.g. --vars '{working_memory_capacity: 9}'`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError('BMP_VARS_INVALID', `--vars must be a YAML mapping, got ${JSON.stringify(text)}`, {}, `e.g. --vars '{working_memory_capacity: 9}'`);
  }
  return value as Record<string, unknown>;
}
