/**
 * What a session writes under target/ while nodes run: target/compiled (each node's SQL as
 * compiled) and target/run (the statements a materialization ran), through a {@link SqlFileWriter}.
 * The compiled SQL is also kept in memory, for manifest.json and run_results.json.
 */
import { normalize, resolve } from 'node:path';
import type { ManifestNode } from '../manifest/types.js';
import { sqlArtifactPath } from '../report/index.js';
import { SqlFileWriter } from './sql-files.js';

export class ArtifactWriter {
  /** Compiled SQL by unique id (what `compiled_code` of the artifacts says). */
  readonly compiledSql = new Map<string, string>();
  readonly files: SqlFileWriter;
  /** The target folder, absolute and normalized (artifact paths are concatenated onto it). */
  readonly targetDir: string;
  /** The target folder as configured, normalized, for the paths artifacts record (`target/compiled/...`). */
  private readonly relativeTargetDir: string;

  /**
   * @param projectDir, targetPath where target/ is.
   * @param stream write files on the worker thread as they come (a command that only compiles has a
   *   core free for it); otherwise they are batched until {@link flush} or a checkpoint.
   */
  constructor(
    projectDir: string,
    targetPath: string,
    private readonly projectName: string,
    stream: boolean,
  ) {
    this.files = new SqlFileWriter(stream);
    this.targetDir = resolve(projectDir, targetPath); // an absolute target-path stands as it is
    this.relativeTargetDir = normalize(targetPath).replace(/[\\/]+$/, '');
  }

  /** Keeps a node's compiled SQL and writes it to target/compiled. */
  compiled(node: ManifestNode, sql: string): void {
    this.compiledSql.set(node.uniqueId, sql);
    // its path is made when the file is written (off the path between two statements)
    this.files.write(() => sqlArtifactPath(this.targetDir, 'compiled', this.projectName, node), sql);
  }

  /** Writes what a node ran to target/run (transaction control left out), as dbt does. */
  ran(node: ManifestNode, statements: readonly string[]): void {
    this.files.write(sqlArtifactPath(this.targetDir, 'run', this.projectName, node), statements.filter((x) => !/^(begin|commit|rollback)/i.test(x)).join(';\n\n') + ';');
  }

  /** The path run_results records for a node's compiled SQL (relative to the project), if it was compiled. */
  compiledPath(node: ManifestNode): string | undefined {
    return this.compiledSql.has(node.uniqueId) ? sqlArtifactPath(this.relativeTargetDir, 'compiled', this.projectName, node) : undefined;
  }
}
