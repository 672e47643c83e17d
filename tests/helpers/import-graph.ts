/**
 * The import graph of src/ (for tests/unit/architecture.test.ts): every relative import of every
 * source file — static, type-only, re-exports, dynamic `import()` and `import('x').T` type queries —
 * read with rolldown's parser, and the checks the layering rule needs (upward edges, cycles between
 * rooms, cycles of runtime imports between files). Pure over its inputs, so the checks are tested on
 * synthetic graphs too.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { sourceFiles, visitAst, type AstNode } from './source-ast.js';

export type ImportKind = 'static' | 'type' | 'dynamic';

/** One import: `from` and `to` are paths relative to the scanned folder, with `/` and `.ts`. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: ImportKind;
}

function stringValue(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const n = node as AstNode;
  if (typeof n['value'] === 'string') return n['value'];
  // `import('x').T`: the argument is a literal type wrapping the string (shape differs by parser version)
  return stringValue(n['literal']) ?? stringValue(n['argument']);
}

/** The module specifiers a source text imports, with how. */
export function importsOf(source: string, filename = 'file.ts'): { specifier: string; kind: ImportKind }[] {
  const out: { specifier: string; kind: ImportKind }[] = [];
  visitAst(source, filename, (n) => {
    switch (n.type) {
      case 'ImportDeclaration': {
        const specs = (n['specifiers'] as AstNode[] | undefined) ?? [];
        const typeOnly = n['importKind'] === 'type' || (specs.length > 0 && specs.every((s) => s['importKind'] === 'type'));
        out.push({ specifier: stringValue(n['source'])!, kind: typeOnly ? 'type' : 'static' });
        break;
      }
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        if (n['source']) {
          const specs = (n['specifiers'] as AstNode[] | undefined) ?? [];
          const typeOnly = n['exportKind'] === 'type' || (specs.length > 0 && specs.every((s) => s['exportKind'] === 'type'));
          out.push({ specifier: stringValue(n['source'])!, kind: typeOnly ? 'type' : 'static' });
        }
        break;
      case 'ImportExpression': {
        const s = stringValue(n['source']);
        if (s !== undefined) out.push({ specifier: s, kind: 'dynamic' });
        break;
      }
      case 'TSImportType': {
        const s = stringValue(n['source']) ?? stringValue(n['argument']);
        if (s !== undefined) out.push({ specifier: s, kind: 'type' });
        break;
      }
    }
  });
  return out;
}

/** Every relative import between the `.ts` files under `root` (test files left out). */
export function importEdges(root: string): ImportEdge[] {
  const rel = (p: string) => relative(root, p).split('\\').join('/');
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(root)) {
    for (const { specifier, kind } of importsOf(readFileSync(file.path, 'utf8'), file.path)) {
      if (!specifier.startsWith('.')) continue;
      edges.push({ from: file.rel, to: rel(resolve(dirname(file.path), specifier.replace(/\.js$/, '.ts'))), kind });
    }
  }
  return edges;
}

/** A file's room: its first folder under src/ (`parse/resolve.ts` → `parse`), or the file's name (`errors.ts` → `errors`). */
export function roomOf(path: string): string {
  const [first, ...rest] = path.split('/');
  return rest.length ? first! : first!.replace(/\.ts$/, '');
}

export interface LayerViolation {
  readonly edge: ImportEdge;
  readonly fromLayer: number;
  readonly toLayer: number;
}

/**
 * The checks of the layering rule.
 * - `upward`: an import from a room into a room of a higher layer;
 * - `unknownRooms`: rooms the layer table does not name (a new folder must be placed);
 * - `roomCycles`: rooms that reach each other through imports of any kind (same-layer rooms too);
 * - `fileCycles`: files that reach each other through runtime (non-type) imports.
 */
export function checkLayers(edges: readonly ImportEdge[], layers: readonly (readonly string[])[]): {
  upward: LayerViolation[];
  unknownRooms: string[];
  roomCycles: string[][];
  fileCycles: string[][];
} {
  const layerOf = new Map<string, number>();
  layers.forEach((rooms, i) => rooms.forEach((r) => layerOf.set(r, i)));
  const unknown = new Set<string>();
  const upward: LayerViolation[] = [];
  const roomGraph = new Map<string, Set<string>>();
  const fileGraph = new Map<string, Set<string>>();
  const add = (g: Map<string, Set<string>>, a: string, b: string) => {
    if (!g.has(b)) g.set(b, new Set());
    (g.get(a) ?? g.set(a, new Set()).get(a)!).add(b);
  };
  for (const edge of edges) {
    const a = roomOf(edge.from);
    const b = roomOf(edge.to);
    for (const r of [a, b]) if (!layerOf.has(r)) unknown.add(r);
    if (a !== b) {
      add(roomGraph, a, b);
      const fromLayer = layerOf.get(a);
      const toLayer = layerOf.get(b);
      if (fromLayer !== undefined && toLayer !== undefined && toLayer > fromLayer) upward.push({ edge, fromLayer, toLayer });
    }
    if (edge.kind !== 'type') add(fileGraph, edge.from, edge.to);
  }
  return { upward, unknownRooms: [...unknown].sort(), roomCycles: cycles(roomGraph), fileCycles: cycles(fileGraph) };
}

/** Strongly connected components with more than one member (or a self-loop), each sorted (Tarjan). */
export function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}
