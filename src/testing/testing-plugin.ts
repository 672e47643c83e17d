/**
 * The testing plugin: data tests run through {@link dataTestRunner} (batched scans shared per run)
 * and unit tests through {@link runUnitTest}. Named in the default plugin list (src/tasks/plugins.ts).
 */
import type { BmpPlugin } from '../execute/index.js';
import type { ExecutableNode } from '../manifest/types.js';

export function testingPlugin(): BmpPlugin {
  return {
    name: 'testing',
    async setup({ manifest, engine, selected, session }) {
      // the runners load with the first run that selects a test (`bmp run`, `bmp ls` never do)
      const isTest = (id: string) => {
        const t = manifest.nodes.get(id)?.resourceType;
        return t === 'test' || t === 'unit_test';
      };
      if (!selected.some(isTest)) return {};
      const [{ BatchScans, dataTestRunner }, { planBatches }, { runUnitTest }] = await Promise.all([import('./data-test-runner.js'), import('./test-batches.js'), import('./unit-test-runner.js')]);
      // only selected tests share a scan, so an unselected test never runs inside a batch
      const chosen = new Set(selected);
      const tests: ExecutableNode[] = [];
      for (const node of manifest.nodes.values()) if (node.resourceType === 'test' && chosen.has(node.uniqueId)) tests.push(node);
      // a test that resolves to a project's or package's macro runs that macro, never bmp's version
      const registry = engine.registry;
      // --store-failures: every test stores its own rows, so none shares a scan
      const plan = planBatches(session.opts.storeFailures ? [] : tests, manifest, (name, node) => {
        const macro = registry.findTest(name, node.testMetadata?.namespace, node.packageName);
        return !registry.isGlobalDefault(macro, node.packageName);
      });
      const scans = new BatchScans(plan);
      return { runners: { test: dataTestRunner(scans), unit_test: runUnitTest }, waitsOnRunningWork: (id) => scans.scanRunning(id) };
    },
  };
}
