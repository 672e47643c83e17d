import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { maskSecrets, secretReplacer } from '../config/index.js';
import { inPackage, type ManifestNode } from '../manifest/types.js';
import type { NodeResult } from './events.js';

export { inPackage };

const BMP_VERSION = '0.1.0';
/** The dbt release whose artifact schemas (manifest v12, run-results v6, catalog v1, sources v3) bmp writes. */
export const DBT_VERSION = '1.10.0';

/** Writes a file atomically (temp + rename) so a crash never leaves half a JSON file. */
export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined); // a full disk leaves no half-written temp file
    throw err;
  }
}

/** The buffer {@link writePiecesAtomic} encodes pieces into, written whenever the next piece may not fit. */
const WRITE_BATCH_BYTES = 1 << 20;

/**
 * Writes text given in pieces (a large artifact serialized as it is written) atomically, as
 * {@link writeFileAtomic}: into a temp file, in batches of about a megabyte, renamed at the end.
 * Each piece is encoded straight into one reused buffer (no batch string is joined: at 34 MB that
 * is a copy of the whole text, in large objects the collector then has to reclaim); a piece larger
 * than the buffer is written on its own.
 * A failure (or an exception from `pieces`) removes the temp file and leaves `path` as it was.
 */
export async function writePiecesAtomic(path: string, pieces: Iterable<string>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const file = await open(tmp, 'w');
    try {
      const buffer = Buffer.allocUnsafe(WRITE_BATCH_BYTES);
      let used = 0;
      const flush = async () => {
        for (let done = 0; done < used; ) {
          const { bytesWritten } = await file.write(buffer, done, used - done);
          if (bytesWritten <= 0) throw new Error(`cannot write ${tmp}: no space left?`);
          done += bytesWritten;
        }
        used = 0;
      };
      for (const piece of pieces) {
        // a UTF-16 code unit is at most 3 bytes of UTF-8
        const most = piece.length * 3;
        if (used + most > buffer.length && used > 0) await flush();
        if (most > buffer.length) await file.write(piece);
        else used += buffer.write(piece, used);
      }
      await flush();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined); // a full disk leaves no half-written temp file
    throw err;
  }
}

/**
 * The `metadata` block every dbt artifact opens with. `dbt_version` says which dbt the artifact
 * follows and, as semver build metadata, that bmp wrote it (tools parse it as dbt 1.10.0).
 */
export function artifactMetadata(kind: 'manifest' | 'run-results' | 'catalog' | 'sources', version: string, invocationId: string, invocationStartedAt?: string): Record<string, unknown> {
  return {
    dbt_schema_version: `https://schemas.getdbt.com/dbt/${kind}/${version}.json`,
    dbt_version: `${DBT_VERSION}+bmp.${BMP_VERSION}`,
    generated_at: new Date().toISOString(),
    invocation_id: invocationId,
    invocation_started_at: invocationStartedAt ?? null,
    env: {},
  };
}

export function resultJson(r: NodeResult): Record<string, unknown> {
  return {
    status: r.status,
    timing: r.timing.map((t) => ({ name: t.name, started_at: t.startedAt, completed_at: t.completedAt })),
    thread_id: r.threadId,
    execution_time: r.executionTime,
    adapter_response: adapterResponse(r),
    // dbt writes no message for a test that passed
    message: r.status === 'pass' ? null : r.message,
    failures: r.failures ?? null,
    unique_id: r.uniqueId,
    compiled: r.compiledCode !== undefined ? true : r.compiledPath !== undefined ? true : null,
    compiled_code: r.compiledCode ?? null,
    // a test that stores its failing rows names where (dbt's relation_name of a test)
    relation_name: r.relationName ?? storedFailures(r) ?? null,
    batch_results: null,
  };
}

/** Where a data test stored its failing rows, if it did. */
export function storedFailures(r: Pick<NodeResult, 'adapterResponse'>): string | undefined {
  const v = r.adapterResponse['stored_failures'];
  return typeof v === 'string' ? v : undefined;
}

function adapterResponse(r: NodeResult): Record<string, unknown> {
  const { stored_failures: _stored, ...rest } = r.adapterResponse;
  return { ...rest, rows_affected: r.rowsAffected ?? null };
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
  private readonly startedAt = new Date(this.started).toISOString();
  /** Each result as JSON in UTF-8, made once (a rewrite copies bytes instead of encoding the whole file again). */
  private readonly serialized: Buffer[] = [];

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
    // (secrets masked in each string before it is escaped)
    const replacer = secretReplacer();
    for (let i = this.serialized.length; i < this.results.length; i++) this.serialized.push(Buffer.from(`${i ? ',' : ''}${JSON.stringify(resultJson(this.results[i]!), replacer)}`));
    const head = JSON.stringify({ metadata: artifactMetadata('run-results', 'v6', this.invocationId, this.startedAt) }, replacer).slice(0, -1);
    const tail = JSON.stringify({ elapsed_time: (Date.now() - this.started) / 1000, args: this.args }, replacer).slice(1);
    const bytes = Buffer.concat([Buffer.from(`${head},"results":[`), ...this.serialized, Buffer.from(`],${tail}`)]);
    // a secret known only since some results were serialized is masked in the whole text
    await writeFileAtomic(this.path, replacer ? maskSecrets(bytes.toString()) : bytes);
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
  // project-relative POSIX paths), and this runs for every node on the path between two statements;
  // a package's node goes under its package's name and its path in the package, as in dbt
  const pkg = node.packagePath === undefined ? projectName : node.packageName;
  if ('testMetadata' in node && node.testMetadata?.testType === 'generic') {
    return `${targetDir}/${kind}/${pkg}/${inPackage(node, node.patchPath ?? node.originalFilePath)}/${node.path}`;
  }
  return `${targetDir}/${kind}/${pkg}/${inPackage(node, node.originalFilePath)}`;
}


/**
 * A generic test's name holds its arguments (an accepted_values list can pass the 255 bytes a file
 * name may have): from 64 characters on, the file is named as dbt names it, the first 30
 * characters and the MD5 of the full name. The full name stays in unique_id and run_results.
 */
export function testFileStem(name: string): string {
  return name.length < 64 ? name : `${name.slice(0, 30)}_${createHash('md5').update(name).digest('hex')}`;
}
