import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { applyWarnPolicy, DEFAULT_WARN_POLICY, resolveWarnPolicy, warningOutcome, WarningAsError, type ConfigWarning } from './index.js';

const policy = (o: Parameters<typeof resolveWarnPolicy>[0]) => resolveWarnPolicy(o).policy;

describe('--warn-error and --warn-error-options (dbt 1.8+)', () => {
  it('promotes every warning, or those named; warn excludes from all; silence drops', () => {
    expect(warningOutcome(policy({ warnError: true }), 'NoNodeForYamlKey')).toBe('error');
    expect(warningOutcome(policy({ warnError: true }), undefined)).toBe('error');
    const named = policy({ warnErrorOptions: '{"error": ["NoNodeForYamlKey"], "silence": ["CustomKeyInConfigDeprecation"]}' });
    expect([warningOutcome(named, 'NoNodeForYamlKey'), warningOutcome(named, 'NodeNotFoundOrDisabled'), warningOutcome(named, 'CustomKeyInConfigDeprecation')]).toEqual(['error', 'warn', 'silence']);
    const all = policy({ warnErrorOptions: { error: '*', warn: ['NoNodesForSelectionCriteria'], silence: ['NoNodesForSelectionCriteria'] } });
    expect([warningOutcome(all, 'NoNodeForYamlKey'), warningOutcome(all, 'NoNodesForSelectionCriteria')]).toEqual(['error', 'silence']);
    // the Deprecations group (dbt 1.10)
    const dep = policy({ warnErrorOptions: '{error: [Deprecations]}' });
    expect([warningOutcome(dep, 'CustomKeyInConfigDeprecation'), warningOutcome(dep, 'NoNodeForYamlKey')]).toEqual(['error', 'warn']);
    expect(warningOutcome(DEFAULT_WARN_POLICY, 'NoNodeForYamlKey')).toBe('warn');
  });

  it("reads dbt 1.7's include/exclude, with dbt 1.10's deprecation warning", () => {
    const r = resolveWarnPolicy({ warnErrorOptions: '{"include": "all", "exclude": ["NoNodeForYamlKey"]}' });
    expect(warningOutcome(r.policy, 'NoNodeForYamlKey')).toBe('warn');
    expect(warningOutcome(r.policy, 'NodeNotFoundOrDisabled')).toBe('error');
    expect(r.warnings.map((w) => w.name)).toEqual(['WEOIncludeExcludeDeprecation', 'WEOIncludeExcludeDeprecation']);
  });

  it('the project flags apply unless the command line says otherwise', () => {
    const flags = { warn_error_options: { error: ['NoNodeForYamlKey'] } };
    expect(warningOutcome(policy({ projectFlags: flags, projectFile: 'dbt_project.yml' }), 'NoNodeForYamlKey')).toBe('error');
    expect(warningOutcome(policy({ projectFlags: flags, warnErrorOptions: '{"error": []}' }), 'NoNodeForYamlKey')).toBe('warn');
    expect(warningOutcome(policy({ projectFlags: { warn_error: true } }), 'KeyNotActedOn')).toBe('error');
  });

  it.each([
    [{ warnError: true, warnErrorOptions: '{}' }, /cannot be used together/],
    [{ warnErrorOptions: '[1]' }, /must be a mapping/],
    [{ warnErrorOptions: '{"error": ["X"], "include": ["Y"]}' }, /only `error` or `include`/],
    [{ warnErrorOptions: '{"error": "some"}' }, /"all", "\*" or a list/],
    [{ warnErrorOptions: '{"error": ["NoNodeForYamlKey"], "warn": ["NodeNotFoundOrDisabled"]}' }, /'warn' can only be given when 'error' is "all"/],
    [{ warnErrorOptions: '{"error": ["NoNodeForYamlKeys"]}' }, /'NoNodeForYamlKeys' is not a warning name/],
    [{ warnErrorOptions: '{"erorr": "all"}' }, /unknown key 'erorr'/],
  ])('rejects %j', (src, message) => {
    expect(() => resolveWarnPolicy(src)).toThrow(UsageError);
    expect(() => resolveWarnPolicy(src)).toThrow(message);
  });

  it('accepts a name only dbt emits, and warns about a name neither knows', () => {
    expect(resolveWarnPolicy({ warnErrorOptions: '{"error": ["JinjaLogWarning"]}' }).warnings).toEqual([]);
    expect(resolveWarnPolicy({ warnErrorOptions: '{"error": ["MyOwnWarning"]}' }).warnings.map((w) => w.name)).toEqual(['UnknownWarningName']);
  });

  it('shows kept warnings, then fails on the first promoted one with its location', () => {
    const shown: string[] = [];
    const ws: ConfigWarning[] = [
      { code: 'BMP_CONFIG_CUSTOM_KEY', name: 'CustomKeyInConfigDeprecation', message: 'custom', file: 'a.sql', line: 1 },
      { code: 'BMP_PROPERTIES_UNKNOWN_KEY', name: 'NoNodeForYamlKey', message: 'no node', file: 'schema.yml', line: 4 },
      { code: 'BMP_KEY_IGNORED', name: 'KeyNotActedOn', message: 'ignored' },
    ];
    const p = policy({ warnErrorOptions: '{"error": ["NoNodeForYamlKey"]}' });
    let err: unknown;
    try {
      applyWarnPolicy(p, ws, (w) => shown.push(w.message));
    } catch (e) {
      err = e;
    }
    expect(shown).toEqual(['custom', 'ignored']);
    expect(err).toBeInstanceOf(WarningAsError);
    expect((err as WarningAsError).format()).toBe('Warning as Error (schema.yml:4): no node [NoNodeForYamlKey] (NoNodeForYamlKey is an error by --warn-error-options) [BMP_WARN_ERROR]');
  });
});
