/**
 * A render that needs something only an asynchronous step can give (a database answer) stops by
 * throwing {@link RenderSuspended}; whoever drove the render does the step and renders again.
 * Templates render synchronously, so this is how `run_query`, `statement` and `adapter.*` reach
 * DuckDB: see compile/context/replay.ts.
 */
export class RenderSuspended extends Error {
  constructor() {
    super('render suspended for a database call');
  }
}

/** The suspension an error stands for (nunjucks wraps what a global throws), if any. */
export function suspensionIn(err: unknown): RenderSuspended | undefined {
  for (let e = err, depth = 0; e && depth < 20; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof RenderSuspended) return e;
  }
  return undefined;
}
