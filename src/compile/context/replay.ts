/**
 * Database calls from synchronous templates. A render runs until the first call it has no answer
 * for; that call's work starts, the render stops ({@link RenderSuspended}), the driver awaits the
 * answer and renders again from the top. Calls answered in an earlier pass are replayed from the
 * log in order (never run twice), so a template's statements run once each, in the order it wrote
 * them, whatever the number of passes. Answers known without waiting (the catalog) are logged too,
 * so a later pass sees the same answer even if a statement in between changed the database.
 */
import { CompileError } from '../../errors.js';
import { RenderSuspended, suspensionIn } from '../../jinja/index.js';

interface Logged {
  readonly key: string;
  readonly value?: unknown;
  readonly error?: unknown;
}

/**
 * How many database calls one render may make. Each call costs a pass over the template, so n
 * calls cost ~n²/2 replays: 400 calls in a loop ~0.7 s, 5,000 a few minutes. dbt has no limit;
 * this one only stops a runaway loop (an operation granting on thousands of tables fits).
 */
export const MAX_TEMPLATE_CALLS = 5000;

export class CallReplay {
  private readonly log: Logged[] = [];
  private cursor = 0;
  private pending: { readonly key: string; readonly answer: Promise<unknown> } | undefined;

  /** Starts a pass: calls are answered from the log again, from the first. */
  begin(): void {
    this.cursor = 0;
    this.pending = undefined;
  }

  /**
   * The answer to the call named `key` (the statement text, or a method and its arguments): from
   * the log when this pass already made it, else `run()`'s — right away when it is a value, after a
   * suspension when it is a promise.
   * @throws RenderSuspended when the answer must be awaited; the error a logged call ended with.
   */
  call<T>(key: string, run: () => T | Promise<T>): T {
    const i = this.cursor++;
    const logged = this.log[i];
    if (logged && logged.key === key) {
      if ('error' in logged) throw logged.error;
      return logged.value as T;
    }
    // a template that does not call the same things in the same order on every pass (it reads the
    // clock, say): what it did from here on is forgotten and asked again
    if (logged) this.log.length = i;
    if (i >= MAX_TEMPLATE_CALLS) {
      throw new CompileError('BMP_TEMPLATE_CALLS', `a template made more than ${MAX_TEMPLATE_CALLS} database calls (run_query, statement, adapter.*)`, {}, 'join the statements into fewer calls (one run_query with several statements, or a query over a list)');
    }
    let out: T | Promise<T>;
    try {
      out = run();
    } catch (err) {
      if (suspensionIn(err)) throw err;
      this.log.push({ key, error: err });
      throw err;
    }
    if (!isPromise(out)) {
      this.log.push({ key, value: out });
      return out;
    }
    this.pending = { key, answer: out };
    throw new RenderSuspended();
  }

  /** True when the last pass stopped for an answer; awaits it into the log (the next pass replays it). */
  async settle(): Promise<boolean> {
    const p = this.pending;
    if (!p) return false;
    this.pending = undefined;
    try {
      this.log.push({ key: p.key, value: await p.answer });
    } catch (err) {
      this.log.push({ key: p.key, error: err });
    }
    return true;
  }

  /**
   * Renders with `render` until a pass needs no new answer; `onPass` runs before each pass (reset
   * what a pass accumulates: statement results, log lines).
   */
  async run<T>(render: () => T, onPass?: () => void): Promise<T> {
    for (;;) {
      this.begin();
      onPass?.();
      try {
        return render();
      } catch (err) {
        if (!suspensionIn(err) || !(await this.settle())) throw err;
      }
    }
  }

  /** Number of calls answered so far (for tests and figures). */
  get calls(): number {
    return this.log.length;
  }
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return !!v && typeof (v as { then?: unknown }).then === 'function';
}
