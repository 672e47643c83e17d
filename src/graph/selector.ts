/**
 * The node selector: dbt's selection syntax (`--select`, `--exclude`, `--resource-type`,
 * `--indirect-selection`) over the DAG. Parsing lives in `selector-spec.ts`, the methods table in
 * `selector-methods.ts` (on the primitives of `selector-match.ts`), set and graph evaluation in `select-nodes.ts`.
 */
export { parseSelector, parseSelection, type SelectorSpec } from './selector-spec.js';
export {
  selectNodes,
  resourceNameMatches,
  SELECTABLE_RESOURCE_TYPES,
  type IndirectSelection,
  type SelectionCriteria,
  type SelectorGraph,
  type SelectorNodeAttributes,
} from './select-nodes.js';
export { SELECTOR_METHODS, STATE_VALUES, RESULT_VALUES, type MatchContext, type MethodName, type SelectorMethod, type StateLookup } from './selector-methods.js';
export { fnmatch } from './selector-match.js';
