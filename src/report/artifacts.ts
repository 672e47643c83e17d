import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { maskSecrets } from '../config/index.js';
import type { Manifest, ManifestNode } from '../manifest/types.js';
import type { NodeResult } from './events.js';

const BMP_VERSION = '0.1.0';

/** Writes a file atomically (temp + rename) so a crash never leaves half a JSON file. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

function metadata(invocationId: string, kind: string) {
  return {
    dbt_schema_version: `https://schemas.getdbt.com/dbt/${kind}/v12.json`,
    dbt_version: `bmp-${BMP_VERSION}`,
    generated_at: new Date().toISOString(),
    invocation_id: invocationId,
    adapter_type: 'duckdb',
  };
}

function nodeJson(n: ManifestNode, compiled?: string): Record<string, unknown> {
  const base: Record<string, unknown> = {
    unique_id: n.uniqueId,
    resource_type: n.resourceType,
    name: n.name,
    package_name: n.packageName,
    path: n.path,
    original_file_path: n.originalFilePath,
    patch_path: n.patchPath ?? null,
    fqn: n.fqn,
    description: n.description,
    config: n.config,
    tags: n.tags,
    meta: n.meta,
    columns: n.columns,
    checksum: { name: 'sha256', checksum: n.checksum },
    database: n.relation?.database ?? null,
    schema: n.relation?.schema ?? null,
    alias: n.relation?.identifier ?? null,
    relation_name: n.relation ? `"${n.relation.schema}"."${n.relation.identifier}"` : null,
  };
  if ('rawCode' in n) {
    base['raw_code'] = n.rawCode;
    base['language'] = 'sql';
    base['refs'] = n.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: null }));
    base['sources'] = n.sources;
    base['depends_on'] = n.dependsOn;
    if (n.testMetadata) base['test_metadata'] = { name: n.testMetadata.name, namespace: n.testMetadata.namespace ?? null, kwargs: n.testMetadata.kwargs };
    if (n.attachedNode) base['attached_node'] = n.attachedNode;
    if (n.columnName) base['column_name'] = n.columnName;
    if (compiled !== undefined) base['compiled_code'] = compiled;
  } else if (n.resourceType === 'seed') {
    base['depends_on'] = n.dependsOn;
    base['root_path'] = dirname(n.absolutePath);
  } else if (n.resourceType === 'source') {
    base['source_name'] = n.sourceName;
    base['source_description'] = n.sourceDescription;
    base['identifier'] = n.identifier;
    base['loader'] = n.loader ?? '';
    if (n.externalLocation) base['external_location'] = n.externalLocation;
  } else if (n.resourceType === 'unit_test') {
    base['model'] = n.model.replace(/^model\.[^.]+\./, ''); // dbt writes the model's name
    base['given'] = n.given;
    base['expect'] = n.expect;
    base['overrides'] = n.overrides;
    base['depends_on'] = n.dependsOn;
  }
  return base;
}

/** `target/manifest.json`, in dbt's layout (nodes, sources, macros, docs, parent_map, child_map). */
export function manifestJson(manifest: Manifest, parents: (id: string) => readonly string[], children: (id: string) => readonly string[], invocationId: string, compiled?: ReadonlyMap<string, string>): string {
  const nodes: Record<string, unknown> = {};
  const unitTests: Record<string, unknown> = {};
  for (const n of manifest.nodes.values()) (n.resourceType === 'unit_test' ? unitTests : nodes)[n.uniqueId] = nodeJson(n, compiled?.get(n.uniqueId));
  const sources: Record<string, unknown> = {};
  for (const s of manifest.sources.values()) sources[s.uniqueId] = nodeJson(s);
  const macros: Record<string, unknown> = {};
  for (const m of manifest.macros.values()) {
    macros[m.uniqueId] = { unique_id: m.uniqueId, name: m.name, package_name: m.packageName, original_file_path: m.originalFilePath, line: m.line, arguments: m.args.map((a) => ({ name: a })), description: m.description };
  }
  const docs: Record<string, unknown> = {};
  for (const d of manifest.docs.values()) docs[d.uniqueId] = { unique_id: d.uniqueId, name: d.name, original_file_path: d.originalFilePath, block_contents: d.blockContents };
  const parentMap: Record<string, readonly string[]> = {};
  const childMap: Record<string, readonly string[]> = {};
  for (const id of [...manifest.nodes.keys(), ...manifest.sources.keys()]) {
    parentMap[id] = parents(id);
    childMap[id] = children(id);
  }
  return maskSecrets(
    JSON.stringify({
      metadata: { ...metadata(invocationId, 'manifest'), project_name: manifest.projectName },
      nodes,
      sources,
      macros,
      docs,
      unit_tests: unitTests,
      exposures: {},
      metrics: {},
      groups: {},
      selectors: {},
      disabled: Object.fromEntries([...manifest.disabled].map((id) => [id, []])),
      parent_map: parentMap,
      child_map: childMap,
    }),
  );
}

export function resultJson(r: NodeResult): Record<string, unknown> {
  return {
    unique_id: r.uniqueId,
    status: r.status,
    timing: r.timing.map((t) => ({ name: t.name, started_at: t.startedAt, completed_at: t.completedAt })),
    thread_id: r.threadId,
    execution_time: r.executionTime,
    adapter_response: { ...r.adapterResponse, rows_affected: r.rowsAffected ?? null },
    message: r.message,
    failures: r.failures ?? null,
    compiled: r.compiledPath !== undefined,
    compiled_path: r.compiledPath ?? null,
    compiled_code: r.compiledCode ?? null,
    relation_name: null,
  };
}

/**
 * `target/run_results.json`, rewritten as nodes finish (throttled) so a crash still leaves a record,
 * and once more at the end.
 */
export class RunResultsWriter {
  private readonly results: NodeResult[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly started = Date.now();
  private readonly serialized: string[] = [];

  constructor(
    private readonly path: string,
    private readonly invocationId: string,
    private readonly args: Readonly<Record<string, unknown>>,
    private readonly baseIntervalMs = 500,
  ) {
    this.intervalMs = baseIntervalMs;
  }

  private intervalMs: number;

  add(r: NodeResult): void {
    this.results.push(r);
    if (!this.timer) this.timer = setTimeout(() => this.flushSoon(), this.intervalMs);
  }

  private flushSoon(): void {
    this.timer = undefined;
    this.writing = this.writing.then(() => this.write()).catch(() => undefined);
  }

  private async write(): Promise<void> {
    const t0 = Date.now();
    // compact, as dbt writes it; each result is serialized once (a 1,000-node run rewrites the file
    // several times, and a result never changes once added)
    for (let i = this.serialized.length; i < this.results.length; i++) this.serialized.push(JSON.stringify(resultJson(this.results[i]!)));
    const head = JSON.stringify({ metadata: metadata(this.invocationId, 'run-results') }).slice(0, -1);
    const tail = JSON.stringify({ elapsed_time: (Date.now() - this.started) / 1000, args: this.args }).slice(1);
    const text = maskSecrets(`${head},"results":[${this.serialized.join(',')}],${tail}`);
    await writeFileAtomic(this.path, text);
    // keep the rewrites a small share of the run however large it grows
    this.intervalMs = Math.max(this.baseIntervalMs, (Date.now() - t0) * 20);
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    await this.write();
  }

  all(): readonly NodeResult[] {
    return this.results;
  }
}

/** compiled/ and run/ SQL paths as dbt lays them out. */
export function sqlArtifactPath(targetDir: string, kind: 'compiled' | 'run', projectName: string, node: ManifestNode): string {
  // concatenated, not path.join: the parts are already normal (an absolute target folder and
  // project-relative POSIX paths), and this runs for every node on the path between two statements
  if ('testMetadata' in node && node.testMetadata?.testType === 'generic') {
    return `${targetDir}/${kind}/${projectName}/${node.patchPath ?? node.originalFilePath}/${node.name}.sql`;
  }
  return `${targetDir}/${kind}/${projectName}/${node.originalFilePath}`;
}
