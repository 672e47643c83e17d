/**
 * Every CLI option, declared once as data (Vitest's cli-config idea) and fed to commander.
 */
import { didYouMean } from '../errors.js';
import type { ResourceTypeOption } from '../tasks/index.js';
import type { ParsedOptions } from './command.js';

export interface OptionSpec<K extends string = string> {
  /** The key commander gives the value (its camelCase of the long flag). */
  readonly key: K;
  readonly flags: string;
  readonly description: string;
  readonly default?: unknown;
  readonly parse?: (value: string, previous: unknown) => unknown;
}

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`);
  return n;
};

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got '${v}'`);
  return n;
};

export const GLOBAL_OPTIONS: readonly OptionSpec<keyof ParsedOptions>[] = [
  { key: 'projectDir', flags: '--project-dir <dir>', description: 'folder holding project.yml (or dbt_project.yml)' },
  { key: 'profilesDir', flags: '--profiles-dir <dir>', description: 'folder holding profiles.yml (default: the project folder, then ~/.bmp)' },
  { key: 'profile', flags: '--profile <name>', description: "the profile to load instead of the project's `profile`" },
  { key: 'target', flags: '-t, --target <name>', description: 'profile output to use (default: the profile\'s target)' },
  { key: 'threads', flags: '--threads <n>', description: 'nodes run in parallel (default: the target\'s threads)', parse: positiveInt('--threads') },
  { key: 'vars', flags: '--vars <yaml>', description: "override project vars key by key, e.g. '{working_memory_capacity: 9}'" },
  { key: 'waitForLock', flags: '--wait-for-lock <seconds>', description: 'wait this long for another process to release the database', parse: int('--wait-for-lock') },
  { key: 'targetPath', flags: '--target-path <dir>', description: 'where artifacts and compiled SQL go (default: target-path in project.yml, else target)' },
];

/** dbt's resource types (`--resource-type`); those bmp has no nodes of select nothing. */
const RESOURCE_TYPES: readonly ResourceTypeOption[] = ['model', 'seed', 'snapshot', 'test', 'unit_test', 'source', 'analysis', 'exposure', 'metric', 'semantic_model', 'saved_query', 'all', 'default'];

export function resourceType(v: string, previous: unknown): ResourceTypeOption[] {
  const type = RESOURCE_TYPES.find((t) => t === v);
  if (!type) throw new Error(`unknown resource type '${v}' (${didYouMean(v, RESOURCE_TYPES) ?? `one of ${RESOURCE_TYPES.join(', ')}`})`);
  return [...(Array.isArray(previous) ? previous : []), type];
}

export const SELECTION_OPTIONS: readonly OptionSpec<keyof ParsedOptions>[] = [
  { key: 'select', flags: '-s, --select <selector...>', description: 'dbt selection syntax: name, +name, name+, @name, tag:x, path:x, config.k:v; space = union, comma = intersection' },
  { key: 'models', flags: '-m, --models <selector...>', description: 'alias of --select (older dbt)' },
  { key: 'exclude', flags: '--exclude <selector...>', description: 'nodes to leave out (same syntax)' },
  { key: 'resourceType', flags: '--resource-type <type...>', description: 'only these resource types (model, seed, snapshot, test, unit_test, source, analysis; all)', parse: resourceType },
  { key: 'resourceTypes', flags: '--resource-types <type...>', description: '(same as --resource-type)', parse: resourceType },
  { key: 'excludeResourceType', flags: '--exclude-resource-type <type...>', description: 'leave these resource types out', parse: resourceType },
  { key: 'excludeResourceTypes', flags: '--exclude-resource-types <type...>', description: '(same as --exclude-resource-type)', parse: resourceType },
  { key: 'selector', flags: '--selector <name>', description: 'a selection named in selectors.yml (instead of --select/--exclude)' },
  { key: 'state', flags: '--state <dir>', description: "a previous run's artifacts (manifest.json, run_results.json), for state:modified, state:new, result:error ... and --defer" },
  { key: 'deferState', flags: '--defer-state <dir>', description: 'the artifacts --defer reads, when not those of --state' },
  { key: 'defer', flags: '--defer', description: "refs to nodes this run does not build read the --state run's relations when they do not exist here" },
  { key: 'defer', flags: '--no-defer', description: '(turns --defer off)' },
  { key: 'favorState', flags: '--favor-state', description: "with --defer: read the --state run's relations even when the node exists here" },
  { key: 'favorState', flags: '--no-favor-state', description: '(turns --favor-state off)' },
  { key: 'indirectSelection', flags: '--indirect-selection <mode>', description: 'tests of selected nodes: eager (default), cautious, buildable, empty' },
];

const eventTime = (name: string) => (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(v.trim())) throw new Error(`${name} must be a date or timestamp like 2024-05-01 or '2024-05-01 13:00:00', got '${v}'`);
  return v.trim();
};

export const RUN_OPTIONS: readonly OptionSpec<keyof ParsedOptions>[] = [
  { key: 'fullRefresh', flags: '-f, --full-refresh', description: 'rebuild incremental models and seeds from scratch' },
  { key: 'eventTimeStart', flags: '--event-time-start <ts>', description: 'microbatch: (re)process the batches from this time (UTC), done or not', parse: eventTime('--event-time-start') },
  { key: 'eventTimeEnd', flags: '--event-time-end <ts>', description: 'microbatch: process batches before this time (UTC); alone, run as if now were this time', parse: eventTime('--event-time-end') },
  { key: 'empty', flags: '--empty', description: 'build every model from empty inputs (refs and sources read zero rows): checks the SQL and the schema' },
  { key: 'storeFailures', flags: '--store-failures', description: "store every test's failing rows in the database (as store_failures: true does)" },
  { key: 'llmOffline', flags: '--llm-offline', description: 'use the offline LLM provider whatever the profile says' },
];

/** `show --limit`: rows to print, -1 for all. */
export const LIMIT_OPTION: OptionSpec<'limit'> = {
  key: 'limit',
  flags: '--limit <n>',
  description: 'rows to print (-1 for all)',
  default: 5,
  parse: (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < -1) throw new Error(`--limit must be an integer (-1 for all rows), got '${v}'`);
    return n;
  },
};

/** `docs serve --port`: 0 picks a free port. */
export const PORT_OPTION: OptionSpec<'port'> = {
  key: 'port',
  flags: '--port <port>',
  description: 'port (0: any free one)',
  default: 8080,
  parse: (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be a port number from 0 to 65535, got '${v}'`);
    return n;
  },
};
