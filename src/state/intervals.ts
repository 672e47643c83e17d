/**
 * Microbatch interval state (SQLMesh's interval tracking): which event-time intervals of a model
 * have been processed. A batch's row is written in the batch's own transaction, so the state says
 * "done" exactly when the batch's rows are committed.
 */
import type { ProcessedInterval } from '../adapters/index.js';

/** A half-open interval `[start, end)`, as `YYYY-MM-DD HH:MM:SS` (UTC wall clock); the engine reads and records them (`processedIntervals`, `recordInterval`). */
export type Interval = ProcessedInterval;

/** Whether `[start, end)` is covered by the union of `intervals` (all sorted or not). */
export function isCovered(interval: Interval, intervals: readonly Interval[]): boolean {
  const sorted = [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let reach = interval.start;
  for (const i of sorted) {
    if (i.start > reach) break;
    if (i.end > reach) reach = i.end;
    if (reach >= interval.end) return true;
  }
  return reach >= interval.end;
}
