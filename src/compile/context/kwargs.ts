/**
 * Python-style arguments for functions templates call: nunjucks passes keyword arguments as a
 * trailing object marked `__keywords` (see jinja's splitKwargs).
 */
import { splitKwargs } from '../../jinja/index.js';

/**
 * Binds a call's positional and keyword arguments to parameter names, as Python does:
 * `kwargsOf([1, {b: 2, __keywords: true}], ['a', 'b'])` → `{ a: 1, b: 2 }`. Trailing undefined
 * positionals (arguments a caller passed on without a value) are dropped first.
 */
export function kwargsOf(args: readonly unknown[], names: readonly string[]): Record<string, unknown> {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  const { positional, kwargs } = splitKwargs(end === args.length ? (args as unknown[]) : args.slice(0, end));
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    if (i < names.length) out[names[i]!] = v;
  });
  for (const [k, v] of Object.entries(kwargs)) out[k] = v;
  return out;
}
