/**
 * The data a docs site is made of. Everything here is plain JSON, inlined into the page, so the
 * site opens from disk with no server and no network. The page (page/) imports these types too.
 */
import type { OverviewGroups } from './overview-groups.js';
import type { OverviewLayout } from './overview-layout.js';

/** The last run of one node, as read from `run_results.json`. */
export interface DocsRunResult {
  /** `success|error|skipped|pass|fail|warn`. */
  readonly status: string;
  /** Seconds. */
  readonly executionTime: number;
  readonly message?: string;
  /** Rows returned by a failing test. */
  readonly failures?: number;
}

export interface DocsColumn {
  readonly name: string;
  /** The type DuckDB reports (catalog), else the `data_type` written in YAML. */
  readonly type?: string;
  readonly description: string;
  /** Unique ids of the tests on this column. */
  readonly tests: readonly string[];
}

/** What a test node checks, for tests and unit tests. */
export interface DocsTestInfo {
  readonly kind: 'generic' | 'singular' | 'unit';
  /** `unique`, `not_null`, a custom generic test, or the node's own name for singular/unit tests. */
  readonly testName: string;
  readonly columnName?: string;
  /** The node the test is attached to. */
  readonly attachedNode?: string;
  readonly kwargs?: Readonly<Record<string, unknown>>;
}

export interface DocsNode {
  readonly uniqueId: string;
  /** `model|seed|source|snapshot|test|unit_test|analysis`. */
  readonly resourceType: string;
  readonly name: string;
  readonly packageName: string;
  /** Path of the defining file, relative to the project folder. */
  readonly path: string;
  readonly description: string;
  readonly materialized?: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  /** `schema.identifier` (`database.schema.identifier` when not the main database). */
  readonly relation?: string;
  readonly columns: readonly DocsColumn[];
  readonly rawCode?: string;
  readonly compiledCode?: string;
  /** Lineage parents (models, seeds, sources, snapshots); tests are never parents. */
  readonly parents: readonly string[];
  /** Lineage children; tests are listed in {@link testIds}, not here. */
  readonly children: readonly string[];
  /** Tests and unit tests attached to this node. */
  readonly testIds: readonly string[];
  /** For sources: the source name (`raw` in `source('raw', 'orders')`). */
  readonly sourceName?: string;
  readonly test?: DocsTestInfo;
}

export interface DocsData {
  readonly projectName: string;
  /** ISO timestamp. */
  readonly generatedAt: string;
  /** Models, seeds, sources, snapshots, analyses, tests and unit tests. */
  readonly nodes: readonly DocsNode[];
  /** Keyed by unique id. */
  readonly runResults?: Readonly<Record<string, DocsRunResult>>;
}

/** One column of a relation as DuckDB reports it. */
export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
}

/** What the page script reads from the `bmp-docs-data` JSON block. */
export interface PagePayload {
  readonly data: DocsData;
  /** Layered positions of every lineage node; groups when the project is too big to draw whole. */
  readonly overview: Pick<OverviewLayout, 'positions' | 'depth'> & Partial<OverviewGroups>;
}
