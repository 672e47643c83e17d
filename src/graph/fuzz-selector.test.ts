/**
 * Property tests for dbt selection syntax: any string given to `--select`/`--exclude` selects a set
 * of real nodes or fails as a typed usage error with a one-line message; never a crash or a hang.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { BmpError } from '../errors.js';
import { parseProject } from '../parse/index.js';
import { buildGraph, parseSelector, selectNodes, type ProjectGraph } from './index.js';
import { jinjaYamlSyntax } from '../jinja/index.js';

const BASIC = join(fileURLToPath(new URL('../..', import.meta.url)), 'tests/fixtures/basic');

// Pieces of real selectors, recombined and mutated.
const PIECES = [
  '+', '@', '1', '2', '+2', '3+', ':', ',', ' ', '*', '?', '[', ']', '!', '/', '.', '\\', '-', '_',
  'tag:', 'path:', 'config.', 'config.materialized:', 'config.meta.owner:', 'source:', 'resource_type:', 'test_type:', 'test_name:',
  'fqn:', 'file:', 'package:', 'exposure:', 'state:', 'result:', 'unit_test:', 'group:', 'access:', 'version:', 'semantic_model:',
  'basic', 'stg_orders', 'customer_totals', 'raw_orders', 'models', 'models/staging', 'staging.*', '*.sql', 'none', 'view', 'table',
  'unit', 'data', 'generic', 'singular', 'model', 'seed', 'test', 'basic.staging', 'unique', 'not_null',
];

const selector = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 6 }).map((p) => p.join('')),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...'+@:,.*?[]!/\\ -_abc123'.split('')), maxLength: 16 }),
);

function expectTyped(err: unknown, input: unknown): void {
  if (!(err instanceof BmpError)) throw new Error(`not a BmpError for ${JSON.stringify(input)}: ${(err as Error)?.stack ?? String(err)}`);
  expect(err.format(), JSON.stringify(input)).not.toMatch(/\n/);
  expect(err.code).toMatch(/^BMP_SELECTOR_|^BMP_CLI_/);
}

let graph: ProjectGraph;
let projectName: string;
beforeAll(async () => {
  const cfg = await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: BASIC });
  const { manifest } = await parseProject(cfg);
  graph = buildGraph(manifest);
  projectName = manifest.projectName;
});

describe('fuzzing selectors', () => {
  it('parseSelector: a spec or a typed usage error, for any text', () => {
    fc.assert(
      fc.property(selector, (text) => {
        try {
          const spec = parseSelector(text);
          expect(typeof spec.method).toBe('string');
          expect(Object.isFrozen(spec)).toBe(true);
        } catch (err) {
          expectTyped(err, text);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('selectNodes on a real project: a subset of its nodes, or a typed usage error', () => {
    const all = new Set(graph.nodes());
    fc.assert(
      fc.property(fc.array(selector, { maxLength: 3 }), fc.array(selector, { maxLength: 2 }), fc.constantFrom('eager', 'cautious', 'buildable', 'empty') as fc.Arbitrary<'eager'>, (select, exclude, indirectSelection) => {
        try {
          const picked = selectNodes(graph, { select, exclude, indirectSelection, projectName });
          for (const id of picked) expect(all.has(id), id).toBe(true);
        } catch (err) {
          expectTyped(err, { select, exclude });
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('the seeds select what they say (so the property is not vacuous)', () => {
    expect([...selectNodes(graph, { select: ['+customer_totals'], resourceTypes: ['model'], projectName })].sort()).toEqual(['model.basic.customer_totals', 'model.basic.stg_customers', 'model.basic.stg_orders']);
    expect(() => selectNodes(graph, { select: ['tag:'], projectName })).toThrow(BmpError);
  });
});
