import { createHash } from 'node:crypto';
import { findMacroBlocks } from '../jinja/index.js';
import type { ManifestNode } from '../manifest/types.js';
import type { LoadedProject } from '../tasks/index.js';
import { callPattern, changedMacroNames, closeOverCallers, stableJson } from '../manifest/change.js';

/**
 * What watch mode remembers of the last project it ran, to tell which nodes a save changed.
 * Plain data: built by {@link snapshotProject}, compared by {@link changedNodes}.
 */
export interface ProjectSnapshot {
  /** unique id → fingerprint of what decides how the node builds (nodes and sources). */
  readonly fingerprints: ReadonlyMap<string, string>;
  /** macro or test block name → its text (`test:<name>` for `{% test %}` blocks). */
  readonly macroBlocks: ReadonlyMap<string, string>;
  /** The merged vars, as JSON. */
  readonly vars: string;
  /** The target (database path, schema, settings), as JSON. */
  readonly target: string;
}

/** Why a node counts as changed. */
export type ChangeReason = 'new' | 'modified' | 'saved' | 'macro' | 'vars' | 'target';

export interface ChangeSet {
  /** Nodes (and sources) that changed themselves, with the first reason found. */
  readonly changed: ReadonlyMap<string, ChangeReason>;
  /** The changed nodes and all their descendants: what a rebuild must run. */
  readonly affected: ReadonlySet<string>;
}

/** Macros dbt calls without the template naming them: a change to one touches every node. */
const IMPLICIT_MACROS = new Set(['generate_schema_name', 'generate_alias_name', 'generate_database_name']);

/** Files whose saving alone (content unchanged) re-runs the nodes defined in them. */
const NODE_FILE = /\.(sql|csv)$/;

/**
 * What the last run saw, for the next comparison.
 * @example const before = snapshotProject(await loadProject({ projectDir: '.' }))
 */
export function snapshotProject(project: LoadedProject): ProjectSnapshot {
  const fingerprints = new Map<string, string>();
  for (const n of project.manifest.nodes.values()) fingerprints.set(n.uniqueId, fingerprint(n));
  for (const s of project.manifest.sources.values()) fingerprints.set(s.uniqueId, fingerprint(s));
  const macroBlocks = new Map<string, string>();
  for (const text of project.manifest.macroFiles.values()) {
    for (const b of findMacroBlocks(text)) macroBlocks.set(b.kind === 'test' ? `test:${b.name}` : b.name, b.text);
  }
  const { target } = project.cfg;
  return {
    fingerprints,
    macroBlocks,
    vars: stableJson(project.cfg.vars),
    target: stableJson({ path: target.path, schema: target.schema, database: target.database, settings: target.settings, extensions: target.extensions, llm: target.llm, externalRoot: target.externalRoot }),
  };
}

/**
 * The nodes a save changed, and everything downstream of them. The rule:
 * - a node (or source) is changed when it is new, or its fingerprint differs: its file's checksum,
 *   its merged config (so project.yml and properties YAML edits count), its relation, its parents,
 *   and for tests their arguments. A properties YAML edit thus changes exactly the nodes whose
 *   config or tests it changes; a description-only edit rebuilds nothing;
 * - a `.sql`/`.csv` file saved without changes still re-runs the nodes defined in it (saving is asking);
 * - a macro whose block text changed, and transitively every macro whose text calls it, changes every
 *   node whose SQL or config (hooks) calls one of them by name, and every generic test using a changed
 *   `{% test %}` block; a changed `generate_schema_name`/`generate_alias_name`/`generate_database_name`
 *   changes all nodes;
 * - changed vars change every node (or macro) that calls `var(`; a changed target changes all nodes.
 * Without a previous snapshot, every node is changed.
 * @example changedNodes(before, await loadProject(opts), new Set(['models/stg_orders.sql'])).affected
 */
export function changedNodes(prev: ProjectSnapshot | undefined, project: LoadedProject, savedFiles: ReadonlySet<string>): ChangeSet {
  const { manifest, graph } = project;
  const next = snapshotProject(project);
  const changed = new Map<string, ChangeReason>();
  const mark = (id: string, why: ChangeReason) => {
    if (!changed.has(id)) changed.set(id, why);
  };
  const all = [...manifest.nodes.values(), ...manifest.sources.values()];
  if (!prev || prev.target !== next.target) {
    for (const n of all) mark(n.uniqueId, prev ? 'target' : 'new');
    return { changed, affected: new Set(changed.keys()) };
  }
  for (const [id, fp] of next.fingerprints) {
    const before = prev.fingerprints.get(id);
    if (before === undefined) mark(id, 'new');
    else if (before !== fp) mark(id, 'modified');
  }
  for (const n of manifest.nodes.values()) {
    if (savedFiles.has(n.originalFilePath) && NODE_FILE.test(n.originalFilePath)) mark(n.uniqueId, 'saved');
  }

  const names = changedMacroNames(prev.macroBlocks, next.macroBlocks);
  if ([...names].some((n) => IMPLICIT_MACROS.has(n))) {
    for (const n of all) mark(n.uniqueId, 'macro');
  }
  const varsChanged = prev.vars !== next.vars;
  if (varsChanged) names.add('var');
  closeOverCallers(names, next.macroBlocks);
  const calls = callPattern([...names].filter((n) => !n.startsWith('test:')));
  for (const n of manifest.nodes.values()) {
    const why: ChangeReason = varsChanged && callPattern(['var'])!.test(codeOf(n)) ? 'vars' : 'macro';
    if (calls?.test(codeOf(n))) mark(n.uniqueId, why);
    const test = 'testMetadata' in n ? n.testMetadata : undefined;
    if (test?.testType === 'generic' && names.has(`test:${test.name}`)) mark(n.uniqueId, 'macro');
  }

  const affected = new Set<string>();
  const stack = [...changed.keys()];
  while (stack.length) {
    const id = stack.pop()!;
    if (affected.has(id)) continue;
    affected.add(id);
    if (graph.hasNode(id)) stack.push(...graph.outNeighbors(id));
  }
  return { changed, affected };
}

function fingerprint(n: ManifestNode): string {
  const parents = 'dependsOn' in n ? n.dependsOn.nodes : [];
  const test = 'testMetadata' in n ? (n.testMetadata ?? null) : null;
  return createHash('sha256').update(stableJson([n.checksum, n.config, n.relation ?? null, parents, test])).digest('hex');
}

/** The template text of a node that may call macros: its SQL and its config (hooks, where clauses). */
function codeOf(n: ManifestNode): string {
  return ('rawCode' in n ? n.rawCode : '') + JSON.stringify(n.config);
}

