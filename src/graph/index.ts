/** graph: the DAG of nodes, cycle detection, ordering and selection. */
export { buildGraph, edgeMaps, findCycle, topologicalOrder, type ProjectGraph, type NodeAttributes } from './build-graph.js';
export * from './selector.js';
export { readSelectorsFile, evaluateSelector, type SelectorsFile, type SelectorDefinition } from './selectors-file.js';
