import { parse } from 'yaml';
import { UsageError } from '../errors.js';

/** Parses `--vars '{k: v}'` (YAML or JSON). */
export function parseCliVars(text: string | undefined): Record<string, unknown> {
  if (!text || !text.trim()) return {};
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new UsageError('BMP_VARS_INVALID', `--vars is not valid YAML: ${(err as Error).message.split('\n')[0]}`, {}, `e.g. --vars '{working_memory_capacity: 9}'`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError('BMP_VARS_INVALID', `--vars must be a YAML mapping, got ${JSON.stringify(text)}`, {}, `e.g. --vars '{working_memory_capacity: 9}'`);
  }
  return value as Record<string, unknown>;
}
