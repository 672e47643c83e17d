/**
 * Node selection over the DAG, following dbt's `NodeSelector`: each atom selects nodes by method,
 * adds graph neighbours (`+`, `@`), then indirectly selects the tests attached to what it selected;
 * atoms combine by intersection (commas) and union (spaces, list items), and `--exclude` is
 * subtracted at the end. Pure: the graph is only read.
 */
import type { AbstractGraph } from 'graphology-types';

import type { ManifestNode, ResourceType } from '../manifest/types.js';
import { type MatchContext, type SelectorMethod, type StateLookup, SELECTOR_METHODS } from './selector-methods.js';
import { type SelectorSpec, parseSelection } from './selector-spec.js';

/** How tests attached to selected nodes are added (dbt's `--indirect-selection`). */
export type IndirectSelection = 'eager' | 'cautious' | 'buildable' | 'empty';

/** What to select: the parsed form of `--select`, `--exclude`, `--resource-type`, `--indirect-selection`. */
export interface SelectionCriteria {
  /** `--select` values; absent or empty selects every node. */
  readonly select?: readonly string[];
  /** `--exclude` values, subtracted at the end (always with eager indirect selection, as dbt). */
  readonly exclude?: readonly string[];
  /** `--resource-type`: when given, only these types stay in the result. */
  readonly resourceTypes?: readonly ResourceType[];
  /** 'eager' (dbt default) | 'cautious' | 'buildable' | 'empty' */
  readonly indirectSelection?: IndirectSelection;
  /** The root project's name, which `package:this` stands for. */
  readonly projectName?: string;
  /** The `--state` comparison, for `state:` and `result:` selectors. */
  readonly state?: StateLookup;
  /**
   * Exposures, metrics, semantic models and saved queries: not nodes that run, but `+exposure:x`
   * (and `@`) selects what they depend on, as in dbt.
   */
  readonly resources?: Iterable<SelectableResource>;
}

/** A resource outside the graph that selection can start from (its dependencies are graph nodes or other resources). */
export interface SelectableResource {
  readonly uniqueId: string;
  readonly resourceType: string;
  readonly name: string;
  readonly packageName: string;
  readonly dependsOn: readonly string[];
}

/** The resource types outside the graph that `<type>:<name>` selects and `ls` lists. */
export const SELECTABLE_RESOURCE_TYPES = ['exposure', 'metric', 'semantic_model', 'saved_query'] as const;
const RESOURCE_METHODS = new Set<string>(SELECTABLE_RESOURCE_TYPES);

/** Node attributes the selector reads: every graph node carries its manifest node. */
export type SelectorNodeAttributes = { readonly node: ManifestNode };

/** The DAG the selector walks: node keys are unique ids, edges go parent → child. */
export type SelectorGraph<A extends SelectorNodeAttributes = SelectorNodeAttributes> = AbstractGraph<A>;

type Ids = ReadonlySet<string>;

/** A selection result before combination: direct nodes, and tests waiting for more parents. */
interface Selected {
  readonly direct: Ids;
  readonly indirect: Ids;
}

/** What one `selectNodes` call computes once about the graph. */
interface SelectionIndex {
  readonly graph: SelectorGraph;
  /** Every node id, in graph order (the order of the result). */
  readonly ids: readonly string[];
  /** Tests (data and unit) by each node they depend on. */
  readonly testsByParent: ReadonlyMap<string, readonly string[]>;
  /** The parents of each test: what it depends on, or the model under test for a unit test. */
  readonly testParents: ReadonlyMap<string, readonly string[]>;
  readonly sources: readonly string[];
  readonly projectName?: string;
  readonly state?: StateLookup;
  readonly resources: readonly SelectableResource[];
}

function buildIndex(graph: SelectorGraph, projectName: string | undefined, state?: StateLookup, resources: readonly SelectableResource[] = []): SelectionIndex {
  const ids = graph.nodes();
  const testsByParent = new Map<string, string[]>();
  const testParents = new Map<string, readonly string[]>();
  const sources: string[] = [];
  for (const id of ids) {
    const node = graph.getNodeAttribute(id, 'node');
    if (node.resourceType === 'source') sources.push(id);
    if (node.resourceType !== 'test' && node.resourceType !== 'unit_test') continue;
    const parents =
      node.resourceType === 'unit_test' ? (graph.hasNode(node.model) ? [node.model] : []) : graph.inNeighbors(id);
    testParents.set(id, parents);
    for (const p of parents) {
      const list = testsByParent.get(p);
      if (list) list.push(id);
      else testsByParent.set(p, [id]);
    }
  }
  return { graph, ids, testsByParent, testParents, sources, resources, ...(projectName !== undefined && { projectName }), ...(state && { state }) };
}

// ---------------------------------------------------------------------------------------------
// Graph operators

/** Nodes reachable from `seeds` within `maxDepth` steps (all when undefined), seeds excluded unless reached. */
function reachable(
  graph: SelectorGraph,
  seeds: Iterable<string>,
  direction: 'in' | 'out',
  maxDepth?: number,
): Set<string> {
  const found = new Set<string>();
  const seen = new Set<string>(seeds);
  let frontier = [...seen];
  for (let d = 0; frontier.length > 0 && (maxDepth === undefined || d < maxDepth); d++) {
    const next: string[] = [];
    for (const id of frontier) {
      const visit = (n: string): void => {
        found.add(n);
        if (!seen.has(n)) {
          seen.add(n);
          next.push(n);
        }
      };
      if (direction === 'in') graph.forEachInNeighbor(id, visit);
      else graph.forEachOutNeighbor(id, visit);
    }
    frontier = next;
  }
  return found;
}

const ancestors = (g: SelectorGraph, ids: Iterable<string>, depth?: number) => reachable(g, ids, 'in', depth);
const descendants = (g: SelectorGraph, ids: Iterable<string>, depth?: number) => reachable(g, ids, 'out', depth);

/** The nodes a spec adds around what its method matched (dbt's `collect_specified_neighbors`). */
function neighbors(graph: SelectorGraph, spec: SelectorSpec, matched: Ids): Set<string> {
  const out = new Set<string>();
  if (spec.childrensParents) {
    const withChildren = union([matched, descendants(graph, matched)]);
    addAll(out, withChildren);
    addAll(out, ancestors(graph, withChildren));
  }
  if (spec.parents) addAll(out, ancestors(graph, matched, spec.parentsDepth));
  if (spec.children) addAll(out, descendants(graph, matched, spec.childrenDepth));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Set helpers

function addAll(target: Set<string>, items: Iterable<string>): void {
  for (const i of items) target.add(i);
}

function union(sets: readonly Ids[]): Set<string> {
  const out = new Set<string>();
  for (const s of sets) addAll(out, s);
  return out;
}

function intersection(sets: readonly Ids[]): Set<string> {
  if (sets.length === 0) return new Set();
  const [first, ...rest] = [...sets].sort((a, b) => a.size - b.size);
  return new Set([...first!].filter((id) => rest.every((s) => s.has(id))));
}

const isSubset = (items: readonly string[], of: Ids): boolean => items.every((i) => of.has(i));

// ---------------------------------------------------------------------------------------------
// Indirect selection

/** Nodes a buildable test may depend on: the selection, its ancestors, and every source. */
function buildableSet(index: SelectionIndex, selected: Ids): Set<string> {
  return union([selected, ancestors(index.graph, selected), new Set(index.sources)]);
}

/** dbt's `expand_selection`: add the tests attached to `selected`, per the indirect mode. */
function expandSelection(index: SelectionIndex, selected: Ids, mode: IndirectSelection): Selected {
  if (mode === 'empty') return { direct: selected, indirect: new Set() };
  const direct = new Set(selected);
  const indirect = new Set<string>();
  const buildable = mode === 'buildable' ? buildableSet(index, selected) : undefined;
  for (const id of selected) {
    for (const test of index.testsByParent.get(id) ?? []) {
      const parents = index.testParents.get(test)!;
      if (mode === 'eager' || isSubset(parents, selected)) direct.add(test);
      else if (buildable && isSubset(parents, buildable)) direct.add(test);
      else indirect.add(test);
    }
  }
  return { direct, indirect };
}

/** dbt's `incorporate_indirect_nodes`: tests left waiting join once all their parents are in. */
function incorporateIndirect(index: SelectionIndex, direct: Ids, indirect: Ids, mode: IndirectSelection): Ids {
  if (mode !== 'cautious' && mode !== 'buildable') return direct;
  const selected = new Set(direct);
  const allowed = mode === 'buildable' ? buildableSet(index, direct) : selected;
  for (const id of indirect) {
    const parents = index.testParents.get(id);
    if (parents && !selected.has(id) && isSubset(parents, allowed)) selected.add(id);
  }
  return selected;
}

/** Combines parts with a set operation the way dbt's `select_nodes_recursively` does. */
function combine(
  index: SelectionIndex,
  parts: readonly Selected[],
  op: (sets: readonly Ids[]) => Set<string>,
  mode: IndirectSelection,
): Selected {
  const direct = op(parts.map((p) => p.direct));
  const indirect = op(parts.map((p) => union([p.direct, p.indirect])));
  return { direct: incorporateIndirect(index, direct, indirect, mode), indirect };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

function matchSpec(index: SelectionIndex, spec: SelectorSpec): Set<string> {
  const method: SelectorMethod = SELECTOR_METHODS[spec.method];
  const ctx: MatchContext = {
    args: spec.methodArgs,
    ...(index.projectName !== undefined && { projectName: index.projectName }),
    ...(index.state !== undefined && { state: index.state }),
  };
  const out = new Set<string>();
  for (const id of index.ids) {
    if (method.match(index.graph.getNodeAttribute(id, 'node'), spec.value, ctx)) out.add(id);
  }
  return out;
}

/**
 * `exposure:x` and its kin: the resources are not graph nodes (nothing to run), so the method
 * matches none; `+` and `@` reach what they depend on (through metrics and semantic models to
 * the models and sources beneath), which is what dbt runs for `+exposure:x`.
 */
function selectResourceAtom(index: SelectionIndex, spec: SelectorSpec, mode: IndirectSelection): Selected {
  const found = index.resources.filter((r) => r.resourceType === spec.method && resourceNameMatches(r, spec.value));
  const byId = new Map(index.resources.map((r) => [r.uniqueId, r]));
  const direct = new Set<string>();
  const seen = new Set<string>();
  const walk = (ids: readonly string[]) => {
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      if (index.graph.hasNode(id)) direct.add(id);
      else walk(byId.get(id)?.dependsOn ?? []);
    }
  };
  if (spec.parents || spec.childrensParents) for (const r of found) walk(r.dependsOn);
  const depth = spec.parentsDepth === undefined ? undefined : Math.max(0, spec.parentsDepth - 1);
  const selected = depth === 0 ? direct : union([direct, ancestors(index.graph, direct, depth)]);
  return expandSelection(index, selected, mode);
}

/** A resource's name against a selector value: `name`, `package.name`, globs. */
export function resourceNameMatches(r: Pick<SelectableResource, 'name' | 'packageName'>, value: string): boolean {
  const re = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  const dot = value.indexOf('.');
  return dot > 0 ? re(value.slice(0, dot)).test(r.packageName) && re(value.slice(dot + 1)).test(r.name) : re(value).test(r.name);
}

/** dbt's `get_nodes_from_criteria`: method match, then graph operators, then indirect tests. */
function selectAtom(index: SelectionIndex, spec: SelectorSpec, mode: IndirectSelection): Selected {
  if (RESOURCE_METHODS.has(spec.method)) return selectResourceAtom(index, spec, mode);
  const matched = matchSpec(index, spec);
  const selected = union([matched, neighbors(index.graph, spec, matched)]);
  return expandSelection(index, selected, mode);
}

function selectUnion(
  index: SelectionIndex,
  groups: readonly (readonly SelectorSpec[])[],
  mode: IndirectSelection,
): Selected {
  const parts = groups.map((atoms) =>
    combine(
      index,
      atoms.map((spec) => selectAtom(index, spec, mode)),
      intersection,
      mode,
    ),
  );
  return combine(index, parts, union, mode);
}

/**
 * Selects nodes with dbt's selection syntax and returns their unique ids, in graph order.
 *
 * `select` items and the space-separated words in them are unioned, comma-separated atoms
 * intersected; no `select` means every node. Each atom may carry graph operators (`+m`, `m+`,
 * `2+m`, `m+3`, `@m`). Tests attached to selected nodes join per `indirectSelection`: `eager` (any
 * parent selected), `cautious` (all parents selected), `buildable` (all parents selected or
 * upstream of the selection, or sources), `empty` (none). `exclude` is evaluated eagerly and
 * subtracted, so the tests of an excluded model go too; `resourceTypes` filters last. Selecting
 * nothing returns an empty set.
 *
 * @example
 * ```ts
 * selectNodes(graph, { select: ['+orders', 'tag:nightly,config.materialized:table'], exclude: ['stg_raw'] });
 * // Set { 'model.shop.stg_orders', 'model.shop.orders', 'test.shop.not_null_orders_id.1a2b3c', ... }
 * selectNodes(graph, { select: ['orders'], resourceTypes: ['test'] }); // only the tests of orders
 * ```
 * @throws UsageError `BMP_SELECTOR_INVALID`, `BMP_SELECTOR_UNKNOWN_METHOD` or
 *   `BMP_SELECTOR_UNSUPPORTED_METHOD` when a selector is malformed (see `parseSelector`).
 */
export function selectNodes<A extends SelectorNodeAttributes>(
  graph: SelectorGraph<A>,
  criteria: SelectionCriteria = {},
): Set<string> {
  const mode = criteria.indirectSelection ?? 'eager';
  const include = criteria.select && criteria.select.length > 0 ? parseSelection(criteria.select) : undefined;
  const exclude = parseSelection(criteria.exclude ?? []);
  const types = criteria.resourceTypes?.length ? new Set(criteria.resourceTypes) : undefined;
  if (!include && exclude.length === 0) {
    // no selector: every node (of the types asked for), without indexing the tests
    const all = new Set<string>();
    graph.forEachNode((id, attrs) => {
      if (!types || types.has(attrs.node.resourceType)) all.add(id);
    });
    return all;
  }
  // graphology's attribute types are invariant; the selector only reads `node`.
  const index = buildIndex(graph as unknown as SelectorGraph, criteria.projectName, criteria.state, [...(criteria.resources ?? [])]);

  const included = include ? selectUnion(index, include, mode).direct : new Set(index.ids);
  const excluded = exclude.length > 0 ? selectUnion(index, exclude, 'eager').direct : new Set<string>();

  const result = new Set<string>();
  for (const id of index.ids) {
    if (!included.has(id) || excluded.has(id)) continue;
    if (types && !types.has(index.graph.getNodeAttribute(id, 'node').resourceType)) continue;
    result.add(id);
  }
  return result;
}
