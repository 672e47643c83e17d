import { resolve } from 'node:path';
import { loadConfig, type ProjectConfig } from '../config/index.js';
import { BmpError } from '../errors.js';
import type { Session } from '../execute/index.js';
import { nullSink, type EventSink } from '../report/index.js';
import { COMMAND_TYPES, execute, loadProject, selectFor, type LoadedProject, type RunOptions } from '../tasks/index.js';
import { changedNodes, snapshotProject, type ProjectSnapshot } from './change-set.js';
import { FileWatcher } from './file-watcher.js';
import { jinjaYamlSyntax } from '../jinja/index.js';

export type WatchCommand = 'run' | 'build';

export interface WatchOptions extends RunOptions {
  /** Quiet time after the last file event before a rebuild starts; a burst of saves is one rebuild. Default 200 ms. */
  readonly debounceMs?: number;
  /**
   * Called with an error that stopped one cycle (config, YAML, template, ref, cycle, a locked
   * database, or an internal error); watching goes on and the next save tries again.
   */
  readonly onError: (err: unknown) => void;
}

export interface WatchSummary {
  /** Runs that reached the database (the first full one included). */
  readonly runs: number;
  /** True when stopping cut a run short (its work was rolled back). */
  readonly interrupted: boolean;
}

export interface ProjectWatcher {
  /** Stops watching; a run in flight is interrupted and rolled back. `done` resolves once all is closed. */
  stop(): void;
  /** Resolves when the watcher has stopped. */
  readonly done: Promise<WatchSummary>;
  /** Folders being watched, relative to the project. */
  readonly watching: readonly string[];
}

/** The project files at the top of the project folder that count as edits. */
const ROOT_FILES = ['project.yml', 'dbt_project.yml', 'profiles.yml'];
const DEFAULT_ROOTS = ['models', 'macros', 'seeds', 'tests', 'snapshots'];

/**
 * `bmp run --watch` / `bmp build --watch` / `bmp dev`: runs the selection once, then on every save under
 * the project's model, macro, seed, test, snapshot and docs paths (or of project.yml/profiles.yml)
 * re-parses the project and runs only the changed nodes and their descendants that the selection
 * holds (see {@link changedNodes} for what "changed" means). Saves during a run are queued; errors
 * are handed to `onError` and the watch goes on.
 * @example const w = await watchProject('build', { projectDir: '.', emit, onError: console.error }); await w.done
 * @throws ConfigError BMP_PROJECT_NOT_FOUND when there is no project to watch (other errors go to `onError`).
 */
export async function watchProject(command: WatchCommand, opts: WatchOptions): Promise<ProjectWatcher> {
  const projectDir = resolve(opts.projectDir ?? '.');
  let roots = DEFAULT_ROOTS;
  let ignore = ['target'];
  try {
    const cfg = await loadConfig({ ...opts, yamlSyntax: jinjaYamlSyntax() });
    roots = rootsOf(cfg.project);
    ignore = [cfg.project.targetPath];
  } catch (err) {
    if (err instanceof BmpError && err.code === 'BMP_PROJECT_NOT_FOUND') throw err;
    // anything else is reported by the first cycle; watch the default folders meanwhile
  }
  const loop = new WatchLoop(command, opts);
  const watcher = new FileWatcher({ projectDir, roots, rootFiles: ROOT_FILES, ignore, onChange: (f) => loop.queue(f) });
  loop.attach(watcher);
  loop.start();
  return {
    stop: () => loop.stop(),
    done: loop.done,
    get watching() {
      return watcher.watching;
    },
  };
}

function rootsOf(p: ProjectConfig): string[] {
  return [...p.modelPaths, ...p.macroPaths, ...p.seedPaths, ...p.testPaths, ...p.snapshotPaths, ...p.docsPaths];
}

class WatchLoop {
  readonly done: Promise<WatchSummary>;
  private resolveDone!: (s: WatchSummary) => void;
  private watcher?: FileWatcher;
  private prev?: ProjectSnapshot;
  /** Files saved since the current cycle started. */
  private pending = new Set<string>();
  /** Files saved in cycles that failed before running: still count for the next one. */
  private carried = new Set<string>();
  private timer?: NodeJS.Timeout;
  private busy = false;
  private stopping = false;
  private interrupted = false;
  private runs = 0;
  private session?: Session;
  private readonly emit: EventSink;
  /** Load-time warnings already shown: each is printed once per watch, not once per save. */
  private readonly seenWarnings = new Set<string>();

  constructor(
    private readonly command: WatchCommand,
    private readonly opts: WatchOptions,
  ) {
    this.emit = opts.emit ?? nullSink;
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  attach(watcher: FileWatcher): void {
    this.watcher = watcher;
  }

  start(): void {
    void this.runCycle(undefined);
  }

  queue(file: string): void {
    if (this.stopping) return;
    this.pending.add(file);
    if (this.busy) return; // picked up when the running cycle ends
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.opts.debounceMs ?? 200);
  }

  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.timer);
    this.watcher?.close();
    if (this.session) {
      this.interrupted = true;
      this.session.interrupt();
    }
    if (!this.busy) this.finish();
  }

  private flush(): void {
    if (this.busy || this.stopping || !this.pending.size) return;
    const files = this.pending;
    this.pending = new Set();
    void this.runCycle(files);
  }

  private finish(): void {
    this.resolveDone({ runs: this.runs, interrupted: this.interrupted });
  }

  private async runCycle(files: ReadonlySet<string> | undefined): Promise<void> {
    this.busy = true;
    try {
      await this.cycle(files);
    } catch (err) {
      this.opts.onError(err);
    } finally {
      this.busy = false;
    }
    if (this.stopping) return this.finish();
    if (this.pending.size) {
      this.timer = setTimeout(() => this.flush(), this.opts.debounceMs ?? 200);
      return;
    }
    this.info(`Waiting for changes in ${this.watcher?.watching.join(', ') || 'the project'} (Ctrl-C to stop)`);
  }

  private async cycle(files: ReadonlySet<string> | undefined): Promise<void> {
    const saved = new Set([...this.carried, ...(files ?? [])]);
    if (files) this.info(`Change detected: ${describeFiles([...files])}`);
    let project: LoadedProject;
    try {
      project = await loadProject({ ...this.opts, emit: (e, at) => this.emitOnce(e, at) });
    } catch (err) {
      this.carried = saved;
      throw err;
    }
    this.watcher?.setRoots(rootsOf(project.cfg.project), [project.cfg.project.targetPath]);
    if (this.stopping) return;

    let onlyIds: ReadonlySet<string> | undefined;
    if (this.prev) {
      const change = changedNodes(this.prev, project, saved);
      const nodes = project.manifest.nodes;
      const toRun = selectFor(project, { ...this.opts, emit: nullSink }, COMMAND_TYPES[this.command]).filter((id) => change.affected.has(id) && nodes.get(id)!.config.materialized !== 'ephemeral');
      const what = describeChanged(project, [...change.changed.keys()]);
      if (!toRun.length) {
        this.info(change.changed.size ? `${what} changed; no selected node depends on it` : 'No node changed');
        this.prev = snapshotProject(project);
        this.carried.clear();
        return;
      }
      this.info(`${what} changed: rebuilding ${toRun.length} node${toRun.length === 1 ? '' : 's'}`);
      onlyIds = change.affected;
    }
    try {
      const outcome = await execute(this.command, {
        ...this.opts,
        project,
        onlyIds,
        onSession: (s) => {
          this.session = s;
          if (this.stopping) s.interrupt();
          this.opts.onSession?.(s);
        },
      });
      this.runs++;
      if (outcome.interrupted) this.interrupted = true;
    } catch (err) {
      this.carried = saved;
      throw err;
    } finally {
      this.session = undefined;
    }
    this.prev = snapshotProject(project);
    this.carried.clear();
  }

  private emitOnce: EventSink = (e, at) => {
    if (e.type === 'warning') {
      const key = `${e.file ?? ''}|${e.message}`;
      if (this.seenWarnings.has(key)) return;
      this.seenWarnings.add(key);
    }
    this.emit(e, at);
  };

  private info(message: string): void {
    this.emit({ code: 'A002', type: 'info', message });
  }
}

/** `stg_orders, customer_totals +3 more`: the changed nodes (and sources) by name. */
function describeChanged(project: LoadedProject, ids: readonly string[]): string {
  const { nodes, sources } = project.manifest;
  const names = ids.map((id) => {
    const s = sources.get(id);
    return s ? `source ${s.sourceName}.${s.name}` : (nodes.get(id)?.name ?? id);
  });
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} +${names.length - 5} more` : names.join(', ');
}

function describeFiles(files: readonly string[]): string {
  const sorted = [...files].sort();
  return sorted.length > 3 ? `${sorted.slice(0, 3).join(', ')} and ${sorted.length - 3} more` : sorted.join(', ');
}
