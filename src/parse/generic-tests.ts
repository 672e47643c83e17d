import { createHash } from 'node:crypto';
import { finalizeConfig, folderConfigs, mergeConfigs, normalizeConfig, type ProjectConfig } from '../config/index.js';
import { analyzeStatic } from '../jinja/index.js';
import type { RefCall, SqlNode } from '../manifest/types.js';
import type { TestDefinition } from './properties.js';

export interface TestTarget {
  /** unique id of the model/seed/source/snapshot under test */
  readonly uniqueId: string;
  /** `orders` for a model, `source_raw_orders` for a source table */
  readonly testLabel: string;
  /** How the test refers to its model in SQL: `ref('orders')` or `source('raw', 'orders')`. */
  readonly modelRef: { readonly ref?: string; readonly source?: readonly [string, string] };
  readonly patchPath: string;
  /** Path of the resource the test is attached to, relative to its root, for fqn. */
  readonly fqnFolders: readonly string[];
}

/** dbt's `synthesize_generic_test_names`: `not_null_orders_order_id`, hashed when 64+ characters. */
export function genericTestName(testName: string, label: string, args: Readonly<Record<string, unknown>>): { name: string; alias: string } {
  const flat: string[] = [];
  for (const key of Object.keys(args).sort()) {
    if (key === 'model') continue;
    const v = args[key];
    const parts = v && typeof v === 'object' ? (Array.isArray(v) ? v : Object.values(v)) : [v];
    flat.push(...parts.map((p) => (typeof p === 'object' ? JSON.stringify(p) : String(p))));
  }
  const unique = flat.map((a) => a.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${testName}_${label}`;
  const name = unique ? `${identifier}_${unique}` : identifier;
  const alias = name.length >= 64 ? `${identifier.slice(0, 30)}_${createHash('md5').update(name).digest('hex')}` : name;
  return { name, alias };
}

/** One test node per test definition on a model/source/seed or one of its columns. */
export function makeGenericTest(project: ProjectConfig, target: TestTarget, def: TestDefinition, columnName: string | undefined): SqlNode {
  const args: Record<string, unknown> = { ...def.args };
  if (columnName !== undefined && !('column_name' in args)) args['column_name'] = columnName;
  const { name, alias } = genericTestName(def.testName, target.testLabel, args);
  const finalName = def.customName ?? name;
  const hash = createHash('md5').update(`${target.uniqueId}|${finalName}|${JSON.stringify(args)}|${JSON.stringify(def.config)}`).digest('hex').slice(0, 10);
  const fqn = [project.name, ...target.fqnFolders, finalName];
  const inline = normalizeConfig(def.config, def.where);
  const merged = mergeConfigs({ severity: 'error', store_failures: false }, ...folderConfigs(project.tests, fqn), inline);
  const config = finalizeConfig({ ...merged, alias: merged['alias'] ?? alias }, 'test');
  const refs: RefCall[] = target.modelRef.ref ? [{ name: target.modelRef.ref }] : [];
  const sources: (readonly [string, string])[] = target.modelRef.source ? [target.modelRef.source] : [];
  // Arguments like relationships' `to: ref('customers')` are dependencies too.
  for (const v of Object.values(args)) {
    if (typeof v !== 'string' || !/^\s*(ref|source)\s*\(/.test(v)) continue;
    const call = analyzeStatic(`{{ ${v.trim()} }}`)?.segments.find((s) => typeof s !== 'string');
    if (call && typeof call !== 'string' && call.fn === 'ref') refs.push(call.args.length > 1 ? { package: String(call.args[0]), name: String(call.args[1]) } : { name: String(call.args[0]) });
    if (call && typeof call !== 'string' && call.fn === 'source') sources.push([String(call.args[0]), String(call.args[1])]);
  }
  return Object.freeze({
    uniqueId: `test.${project.name}.${finalName}.${hash}`,
    resourceType: 'test',
    name: finalName,
    packageName: project.name,
    originalFilePath: target.patchPath,
    path: `${finalName}.sql`,
    fqn,
    description: '',
    config,
    tags: config.tags,
    meta: config.meta,
    columns: {},
    patchPath: target.patchPath,
    checksum: hash,
    rawCode: '',
    refs,
    sources,
    dependsOn: { nodes: [target.uniqueId], macros: [] },
    testMetadata: { name: def.testName, namespace: def.namespace, kwargs: args, testType: 'generic' },
    attachedNode: target.uniqueId,
    columnName: typeof args['column_name'] === 'string' ? (args['column_name'] as string) : columnName,
  } satisfies SqlNode);
}
