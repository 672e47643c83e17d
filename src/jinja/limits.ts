/**
 * Bounds on what one render may do, so a runaway template is a located compile error instead of a
 * V8 out-of-memory crash (`range(1000000000)` builds a billion-item array; two nested
 * `range(100000)` loops run for hours and exhaust memory on their output).
 */
import { CompileError } from '../errors.js';

/** Items one `range()` may produce: Jinja2's sandbox uses the same bound (MAX_RANGE). */
export const MAX_RANGE = 100_000;
/** Items all `range()` calls of one render may produce together (nested loops). */
export const MAX_RANGE_TOTAL = 1_000_000;
/** Characters a rendered template may have (compiled SQL of real projects stays far below). */
export const MAX_RENDERED_CHARS = 50_000_000;

/** What the renders of one template have spent; the engine makes one per top-level render. */
export class RenderBudget {
  private items = 0;

  /**
   * Python's `range(stop)` / `range(start, stop[, step])` as a list, bounded.
   * @throws CompileError BMP_TEMPLATE_LIMIT
   */
  range(start: number, stop?: number, step?: number): number[] {
    if (stop === undefined) {
      stop = start;
      start = 0;
    }
    const by = step ?? 1;
    if (!by) throw new CompileError('BMP_TEMPLATE_LIMIT', 'range() step must not be zero');
    const n = Math.max(0, Math.ceil((Number(stop) - Number(start)) / by));
    if (!Number.isFinite(n)) throw new CompileError('BMP_TEMPLATE_LIMIT', `range() needs numbers, got ${String(start)}, ${String(stop)}`);
    if (n > MAX_RANGE) throw new CompileError('BMP_TEMPLATE_LIMIT', `range() would produce ${n} items; at most ${MAX_RANGE} are allowed`);
    this.items += n;
    if (this.items > MAX_RANGE_TOTAL) throw new CompileError('BMP_TEMPLATE_LIMIT', `the loops of this template run range() for more than ${MAX_RANGE_TOTAL} items in all`);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = Number(start) + i * by;
    return out;
  }
}

/** @throws CompileError BMP_TEMPLATE_LIMIT when a rendered template is larger than {@link MAX_RENDERED_CHARS} */
export function checkRenderedSize(text: string): string {
  if (text.length > MAX_RENDERED_CHARS) throw renderedTooLarge();
  return text;
}

/** The error for output past the bound (also what V8's "Invalid string length" means in a render). */
export function renderedTooLarge(): CompileError {
  return new CompileError('BMP_TEMPLATE_LIMIT', `the rendered template is larger than ${MAX_RENDERED_CHARS.toLocaleString('en-US')} characters`);
}
