/**
 * watch: the edit-run loop behind `bmp run --watch`, `bmp build --watch` and `bmp dev`. Saves are
 * debounced, the project re-parsed, and only the changed nodes and their descendants run again.
 */
export { watchProject, type ProjectWatcher, type WatchCommand, type WatchOptions, type WatchSummary } from './watch-project.js';
export { changedNodes, snapshotProject, type ChangeReason, type ChangeSet, type ProjectSnapshot } from './change-set.js';
export { FileWatcher, type FileWatcherOptions } from './file-watcher.js';
