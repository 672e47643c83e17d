/** What the page is showing: selection, graph view and depth, search; shared by the page modules. */
import type { Core } from 'cytoscape';

export type GraphView = 'lineage' | 'overview';

/** A depth select's value: `auto`, `all` or a number of levels. */
export type Depth = string;

export interface Depths {
  readonly up: number;
  readonly down: number;
  readonly maxUp: number;
  readonly maxDown: number;
}

export interface UiState {
  graphView: GraphView;
  /** The node the graph is about (a test's model for a test). */
  focusId: string | null;
  /** The overview group opened as a graph. */
  focusGroup: number | null;
  depthUp: Depth;
  depthDown: Depth;
  /** The depths the lineage view last drew. */
  lastDepths: Depths;
  cyLineage: Core | null;
  cyOverview: Core | null;
  /** The node whose details show. */
  selectedId: string | null;
  /** The last selection came from a tap in the overview (which then stays open). */
  tapFromOverview: boolean;
  typeFilter: string;
  query: string;
}

export const ui: UiState = {
  graphView: 'lineage',
  focusId: null,
  focusGroup: null,
  depthUp: 'auto',
  depthDown: 'auto',
  lastDepths: { up: 0, down: 0, maxUp: 0, maxDown: 0 },
  cyLineage: null,
  cyOverview: null,
  selectedId: null,
  tapFromOverview: false,
  typeFilter: 'all',
  query: '',
};

/** Milliseconds of the last search, select, view switches and start-up (exposed as `bmpDocs.timings`). */
export const TIMINGS: Record<string, number> = {};
