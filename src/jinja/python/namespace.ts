/**
 * Jinja2's `namespace()`: an object whose attributes `{% set ns.attr = value %}` can change from
 * inside a loop (plain variables set in a loop do not outlive it).
 */
import { repr } from './repr.js';
import { isPlainDict } from './value.js';

export class Namespace {
  /** `namespace({'a': 1}, b=2)`: the dict's items, then the keyword arguments. */
  constructor(...args: unknown[]) {
    for (const a of args) {
      if (isPlainDict(a)) {
        for (const [k, v] of Object.entries(a)) if (k !== '__keywords') (this as unknown as Record<string, unknown>)[k] = v;
      } else if (a instanceof Map) {
        for (const [k, v] of a) (this as unknown as Record<string, unknown>)[String(k)] = v;
      }
    }
  }

  __repr__(): string {
    return `<Namespace ${repr({ ...this })}>`;
  }
}
