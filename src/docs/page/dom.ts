/**
 * DOM helpers. Data only ever reaches the DOM as `textContent` and attribute values, never parsed
 * as HTML.
 */

type Attribute = string | number | boolean | null | undefined;
type Listener = (e: Event) => void;

/** Element properties: `text`, `className`, `dataset`, `on<event>` listeners; anything else is an attribute (`true` → present, empty). */
export interface Props {
  readonly text?: Attribute;
  readonly className?: string;
  readonly dataset?: Readonly<Record<string, string>>;
  readonly [attribute: string]: Attribute | Readonly<Record<string, string>> | Listener;
}

export type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, children?: readonly Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props) {
    for (const k of Object.keys(props)) {
      const v = props[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = String(v);
      else if (k === 'className') e.className = v as string;
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v as Listener);
      else if (k === 'dataset') for (const [d, dv] of Object.entries(v as Record<string, string>)) e.dataset[d] = dv;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children ?? []) {
    if (c === undefined || c === null || c === false) continue;
    e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return e;
}

export function clear<E extends Element>(e: E): E {
  while (e.firstChild) e.removeChild(e.firstChild);
  return e;
}

/** The element with this id (the page's static markup, render-html.ts, has them all). */
export function byId<E extends HTMLElement = HTMLElement>(id: string): E {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing from the page`);
  return e as E;
}

export function fmtInt(n: number): string {
  return Number(n).toLocaleString('en-US');
}

export function copyText(text: string, button: HTMLElement): void {
  const done = () => {
    const old = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = old; }, 1200);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => { fallbackCopy(text); done(); });
  } else {
    fallbackCopy(text);
    done();
  }
}

function fallbackCopy(text: string): void {
  const ta = el('textarea', { style: 'position:fixed;left:-9999px;top:0' });
  ta.value = text;
  document.body.appendChild(ta);
  ta.select();
  try {
    document.execCommand('copy');
  } catch {
    // nothing to do
  }
  document.body.removeChild(ta);
}
