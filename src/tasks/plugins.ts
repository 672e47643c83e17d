/**
 * The one module that names bmp's built-in plugins. Tasks take `plugins` as an option and default
 * to this list; a library user passes their own list (with or without these) instead.
 */
import type { BmpPlugin } from '../execute/index.js';
import { llmPlugin } from '../llm/plugin.js';
import { testingPlugin } from '../testing/testing-plugin.js';

/** Fresh instances of the built-in plugins (each keeps its state for one invocation). */
export function defaultPlugins(): readonly BmpPlugin[] {
  return [testingPlugin(), llmPlugin()];
}
