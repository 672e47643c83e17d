/**
 * Warnings a user can act on. Each has a stable name (dbt's event name where the meaning is the
 * same, so `--warn-error-options` written for dbt works), says where (file:line), what dbt does
 * in the same case, and what to do.
 */
import type { ErrorCode, ErrorLocation } from '../errors.js';
import type { ConfigResourceType } from './keys.js';
import type { CustomKeyUse } from './node-config.js';

export interface ConfigWarning {
  /** bmp's code, e.g. BMP_CONFIG_CUSTOM_KEY. */
  readonly code: ErrorCode;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  /** The stable name `--warn-error-options` uses, e.g. `CustomKeyInConfigDeprecation`. */
  readonly name?: string;
  /** What the warning is about (a config key, a node name), for reporting each once. */
  readonly subject?: string;
}

/**
 * The warnings bmp emits, by name: dbt's event names where dbt has the same warning, else bmp's.
 * `Deprecations` (as in dbt 1.10) names every deprecation at once.
 */
export const WARNING_NAMES = {
  /** A config key that is not the resource type's (kept in its config). dbt 1.10: same name. */
  CustomKeyInConfigDeprecation: { deprecation: true },
  /** Properties for a model/seed/snapshot that does not exist. dbt: same name (I058). */
  NoNodeForYamlKey: { deprecation: false },
  /** A properties entry for a macro that does not exist. dbt: same name (I059). */
  MacroNotFoundForPatch: { deprecation: false },
  /** A test that depends on a node that does not exist; the test is disabled. dbt: same name (I060). */
  NodeNotFoundOrDisabled: { deprecation: false },
  /** A test that depends on a disabled source; the test is disabled. dbt: same name. */
  InvalidDisabledTargetInTestNode: { deprecation: false },
  /** A test that warns (severity warn, warn_if): under --warn-error it fails instead. dbt: same name. */
  LogTestResult: { deprecation: false },
  /** A selection that matches nothing. dbt: same name. */
  NoNodesForSelectionCriteria: { deprecation: false },
  /** `include`/`exclude` in warn_error_options (dbt 1.8 renamed them `error`/`warn`). dbt 1.10: same name. */
  WEOIncludeExcludeDeprecation: { deprecation: true },
  /** A folder path under models:/seeds:/snapshots: of the project file that no node is in. dbt: same name. */
  UnusedResourceConfigPath: { deprecation: false },
  /** A project.yml/profiles.yml key dbt documents that bmp does not act on (bmp's own). */
  KeyNotActedOn: { deprecation: false },
  /** A warn_error_options name that neither bmp nor dbt emits (bmp's own). */
  UnknownWarningName: { deprecation: false },
} as const;

export type WarningName = keyof typeof WARNING_NAMES;

/** dbt's warn-level event names bmp does not emit: accepted in `--warn-error-options`, with no effect. */
export const DBT_ONLY_WARNING_NAMES: ReadonlySet<string> = new Set([
  'Deprecations', 'JinjaLogWarning', 'SeedIncreased', 'SeedExceedsLimitSamePath',
  'SeedExceedsLimitAndPathChanged', 'SeedExceedsLimitChecksumChanged', 'UnusedTables', 'WrongResourceSchemaFile', 'AdapterDeprecationWarning',
  'NothingToDo', 'FreshnessConfigProblem', 'MissingPlusPrefixDeprecation', 'CustomKeyInObjectDeprecation', 'CustomTopLevelKeyDeprecation',
  'DuplicateYAMLKeysDeprecation', 'GenericJSONSchemaValidationDeprecation', 'UnexpectedJinjaBlockDeprecation', 'PropertyMovedToConfigDeprecation',
  'SourceOverrideDeprecation', 'ConfigDataPathDeprecation', 'ConfigLogPathDeprecation', 'ConfigSourcePathDeprecation', 'ConfigTargetPathDeprecation',
  'ProjectFlagsMovedDeprecation', 'PackageRedirectDeprecation', 'PackageInstallPathDeprecation', 'ExposureNameDeprecation',
  'CollectFreshnessReturnSignature', 'TestsConfigDeprecation', 'MFTimespineWithoutYamlConfigurationDeprecation', 'MFCumulativeTypeParamsDeprecation',
  'MicrobatchModelNoEventTimeInputs', 'DeprecatedModel', 'UpcomingReferenceDeprecation', 'DeprecatedReference', 'EnvironmentVariableNamespaceDeprecation',
  'ConfigMetaFallbackDeprecation', 'DuplicateNameDistinctNodeTypesDeprecation', 'ArgumentsPropertyInGenericTestDeprecation', 'DeprecationsSummary',
  'InvalidOptionYAML', 'MainEncounteredError', 'SpacesInResourceNameDeprecation', 'ResourceNamesWithSpacesDeprecation', 'InvalidValueForField',
  'StateCheckVarsHash', 'WarnStateTargetEqual', 'SelectExcludeIgnoredWithSelectorWarning', 'RunResultWarning', 'RunResultWarningMessage',
  'LogSnapshotResult', 'LogFreshnessResult', 'CatalogGenerationError',
]);

const PLURAL: Readonly<Record<ConfigResourceType, string>> = { model: 'models', seed: 'seeds', snapshot: 'snapshots', test: 'tests', source: 'sources', unit_test: 'unit tests' };

/**
 * Custom config keys, reported once per key (at its first place, with how many other places set
 * it), whatever number of nodes they reach.
 * @example const r = new CustomKeyReport(); r.add(use); r.warnings() // [{ name: 'CustomKeyInConfigDeprecation', ... }]
 */
export class CustomKeyReport {
  private readonly byKey = new Map<string, { first: CustomKeyUse; more: number }>();
  private readonly done: ReadonlySet<string>;

  /** `alreadyReported`: keys warned about earlier in the invocation (project.yml before the files). */
  constructor(alreadyReported: Iterable<string> = []) {
    this.done = new Set(alreadyReported);
  }

  readonly add = (use: CustomKeyUse): void => {
    if (this.done.has(use.normalized)) return;
    const seen = this.byKey.get(use.normalized);
    if (seen) seen.more++;
    else this.byKey.set(use.normalized, { first: use, more: 0 });
  };

  warnings(): ConfigWarning[] {
    return [...this.byKey.values()].map(({ first, more }) => customKeyWarning(first, more));
  }
}

function customKeyWarning(use: CustomKeyUse, more: number): ConfigWarning {
  const type = use.resourceType;
  const on = type ? ` on ${PLURAL[type]}` : '';
  const k = use.normalized;
  let what: string;
  let todo: string;
  if (use.origin === 'other-type') {
    const owners = (use.ownerTypes ?? []).map((t) => PLURAL[t]).join(' and ');
    what = `config '${use.key}' applies to ${owners}, not ${type ? PLURAL[type] : 'this resource'}: it has no effect here and is kept as a custom value, as dbt keeps it`;
    todo = `move it where it applies, or under meta if it is data`;
  } else if (use.origin === 'other-adapter') {
    what = `config '${use.key}'${on} belongs to other dbt adapters and does nothing on DuckDB; it is kept as a custom value, as dbt-duckdb keeps it`;
    todo = `remove it, or if the project also targets that adapter, silence this with --warn-error-options '{"silence": ["CustomKeyInConfigDeprecation"]}'`;
  } else {
    what = `custom config '${use.key}'${on} is kept in the config (config.get('${k}') reads it, manifest.json has it); dbt 1.10 keeps it too and warns that custom keys belong under meta`;
    todo = `move it under meta (meta: {${k}: ...}) and read it with config.get('meta')['${k}']`;
  }
  const bare = use.bare ? ` (write it '+${k}': dbt 1.10 deprecates configs without '+' in dbt_project.yml)` : '';
  const also = more ? ` [set in ${more} more place${more === 1 ? '' : 's'}]` : '';
  return {
    code: 'BMP_CONFIG_CUSTOM_KEY',
    name: 'CustomKeyInConfigDeprecation',
    subject: k,
    message: `${what}${also}: ${todo}${bare}`,
    file: use.where.file,
    line: use.where.line,
  };
}

/** A warning located at `where`. */
export function warningAt(name: WarningName, code: ErrorCode, message: string, where: ErrorLocation, subject?: string): ConfigWarning {
  return { code, name, message, file: where.file, line: where.line, subject };
}
