/** Hash routing: `#!/<resource type>/<unique id>` names the selected node. */
import { site } from './site.js';

export function hashFor(id: string): string {
  const n = site.byId.get(id);
  return '#!/' + (n ? n.resourceType : 'node') + '/' + encodeURIComponent(id);
}

export function idFromHash(): string | null {
  const m = /^#!\/[^/]+\/(.+)$/.exec(location.hash);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}

/**
 * Select a node by going to its hash; the `hashchange` listener (main.ts) selects it. Going to the
 * hash already shown fires that listener directly, so a second click selects again.
 */
export function navigate(id: string): void {
  if (location.hash !== hashFor(id)) location.hash = hashFor(id);
  else window.dispatchEvent(new HashChangeEvent('hashchange'));
}
