import type nunjucks from 'nunjucks';
import { TEXT_FILTERS } from '../config/index.js';
import { CompileError } from '../errors.js';
import { splitArgs } from './python/methods.js';
import { Namespace } from './python/namespace.js';
import { markTemplateCallable } from './python/runtime.js';
import { iterate } from './python/operators.js';
import { dictKey, isPlainDict } from './python/value.js';

export interface BuiltinHooks {
  /** `return(value)` in a macro. */
  returnValue(value: unknown): never;
}

/**
 * Jinja2's globals that nunjucks lacks or has differently (`dict`, `namespace`, `joiner`, `cycler`,
 * `lipsum`) and `return()`. dbt's context members (`tojson`, `zip`, `modules`, `exceptions`, ...) come
 * with the template context (compile/context). Jinja2's filters and tests are installed by filters.ts
 * and tests.ts.
 */
export function installBuiltins(env: nunjucks.Environment, hooks: BuiltinHooks): void {
  const g: Record<string, unknown> = {
    // (template-callable: the value returned keeps its template type, 1.0 stays a float)
    return: markTemplateCallable(hooks.returnValue),
    // Python's dict(): a mapping or (key, value) pairs, then keyword arguments
    dict: (...args: unknown[]) => {
      const { pos, kw } = splitArgs(args);
      const out: Record<string, unknown> = {};
      const from = pos[0];
      if (isPlainDict(from)) Object.assign(out, from);
      else if (from instanceof Map) for (const [k, v] of from) out[dictKey(k)] = v;
      else if (from !== undefined && from !== null) for (const pair of iterate(from)) {
        const [k, v] = iterate(pair);
        out[dictKey(k)] = v;
      }
      return Object.assign(out, kw ?? {});
    },
    list: (v: unknown) => iterate(v).slice(),
    namespace: (...args: unknown[]) => new Namespace(...args),
    cycler: (...items: unknown[]) => new Cycler(items),
    lipsum,
    // Jinja2's joiner: '' the first time it is called, then the separator
    joiner: (sep: unknown = ', ') => {
      let used = false;
      return () => {
        if (!used) {
          used = true;
          return '';
        }
        return sep;
      };
    },
  };
  for (const [k, v] of Object.entries(g)) env.addGlobal(k, v);

  // dbt's as_bool/as_number/as_native/as_text: in SQL templates (dbt's text environment) they return
  // their input; YAML values render natively in src/config/native-render.ts
  for (const [name, fn] of Object.entries(TEXT_FILTERS)) env.addFilter(name, fn);
}

/** Jinja2's cycler: `next()` gives the current item and moves on; `current`; `reset()`. */
class Cycler {
  private pos = 0;
  constructor(private readonly items: unknown[]) {
    if (!items.length) throw new CompileError('BMP_TEMPLATE_VALUE', 'at least one item has to be provided');
  }
  get current(): unknown {
    return this.items[this.pos];
  }
  next(): unknown {
    const rv = this.current;
    this.pos = (this.pos + 1) % this.items.length;
    return rv;
  }
  reset(): null {
    this.pos = 0;
    return null;
  }
}

const LOREM = 'a ac accumsan ad adipiscing aenean aliquam aliquet amet ante aptent arcu at auctor augue bibendum blandit class commodo condimentum congue consectetuer consequat conubia convallis cras cubilia cum curabitur curae cursus dapibus diam dictum dictumst dignissim dis dolor donec dui duis egestas eget eleifend elementum elit enim erat eros est et etiam eu euismod facilisi facilisis fames faucibus felis fermentum feugiat fringilla fusce gravida habitant habitasse hac hendrerit hymenaeos iaculis id imperdiet in inceptos integer interdum ipsum justo lacinia lacus laoreet lectus leo libero ligula litora lobortis lorem luctus maecenas magna magnis malesuada massa mattis mauris metus mi molestie mollis montes morbi mus nam nascetur natoque nec neque netus nibh nisi nisl non nonummy nostra nulla nullam nunc odio orci ornare parturient pede pellentesque penatibus per pharetra phasellus placerat platea porta porttitor posuere potenti praesent pretium primis proin pulvinar purus quam quis quisque rhoncus ridiculus risus rutrum sagittis sapien scelerisque sed sem semper senectus sit sociis sociosqu sodales sollicitudin suscipit suspendisse taciti tellus tempor tempus tincidunt torquent tortor tristique turpis ullamcorper ultrices ultricies urna ut varius vehicula vel velit venenatis vestibulum vitae vivamus viverra volutpat vulputate'.split(' ');

/** Jinja2's lipsum(n=5, html=True, min=20, max=100): n paragraphs of random lorem ipsum. */
function lipsum(...args: unknown[]): string {
  const { pos, kw } = splitArgs(args);
  const [n = 5, html = true, min = 20, max = 100] = [pos[0] ?? kw?.['n'], pos[1] ?? kw?.['html'], pos[2] ?? kw?.['min'], pos[3] ?? kw?.['max']] as [number?, boolean?, number?, number?];
  const paragraphs: string[] = [];
  for (let p = 0; p < n; p++) {
    const count = min + Math.floor(Math.random() * (max - min + 1));
    const words = Array.from({ length: count }, () => LOREM[Math.floor(Math.random() * LOREM.length)]!);
    words[0] = words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1);
    paragraphs.push(`${words.join(' ')}.`);
  }
  return html ? paragraphs.map((p) => `<p>${p}</p>`).join('\n') : paragraphs.join('\n\n');
}
