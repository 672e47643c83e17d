/** Colours, labels and orders the page shows nodes with (pure data). */

/** Fill colour of a graph node: by materialization for models, else by resource type. */
export const MAT_COLORS: Readonly<Record<string, string>> = {
  table: '#2563eb', view: '#0d9488', incremental: '#7c3aed', ephemeral: '#94a3b8',
  external: '#0891b2', materialized_view: '#4f46e5', seed: '#a16207', source: '#475569',
  snapshot: '#db2777', analysis: '#78716c', other: '#6b7280',
};

export const MAT_LABELS: Readonly<Record<string, string>> = {
  table: 'table', view: 'view', incremental: 'incremental', ephemeral: 'ephemeral', external: 'external',
  seed: 'seed', source: 'source', snapshot: 'snapshot',
};

/** What the ring around a graph node shows (see {@link health}). */
export type Health = 'pass' | 'warn' | 'fail' | 'error' | 'skipped';

export const STATUS_COLORS: Readonly<Record<Health, string>> = { pass: '#16a34a', warn: '#f59e0b', fail: '#dc2626', error: '#dc2626', skipped: '#9ca3af' };
export const STATUS_LABELS: Readonly<Record<Health, string>> = { pass: 'tests pass', warn: 'tests warn', fail: 'tests fail', error: 'run error', skipped: 'skipped' };

export const TYPE_LABELS: Readonly<Record<string, string>> = {
  model: 'Model', source: 'Source', seed: 'Seed', snapshot: 'Snapshot', test: 'Test',
  unit_test: 'Unit test', analysis: 'Analysis', exposure: 'Exposure', metric: 'Metric', semantic_model: 'Semantic model',
  saved_query: 'Saved query', group: 'Group',
};

/** The order of resource types in the node list and the home page. */
export const TYPE_ORDER: readonly string[] = ['model', 'source', 'seed', 'snapshot', 'analysis', 'test', 'unit_test', 'exposure', 'metric', 'semantic_model', 'saved_query', 'group'];

/** Colour of a node that is not drawn in the lineage graph (tests). */
export const OFF_GRAPH_COLOR = '#94a3b8';
