/**
 * The testing session plugin: data tests run through {@link dataTestRunner} (batched scans shared
 * per session) and unit tests through {@link runUnitTest}. Registered for every run (see
 * src/tasks/plugins.ts).
 */
import type { ExecutableNode } from '../manifest/types.js';
import { selectFor, type LoadedProject } from '../tasks/project.js';
import { registerDefaultPlugin, type SessionPlugin } from '../tasks/run-task.js';
import { BatchScans, dataTestRunner } from './data-test-runner.js';
import { planBatches } from './test-batches.js';
import { runUnitTest } from './unit-test-runner.js';

/** The data tests this invocation selected, noted before the session opens (see `globals`). */
const selectedTests = new WeakMap<LoadedProject, ReadonlySet<string>>();

export const testingPlugin: SessionPlugin = {
  name: 'testing',
  // Plugins get the run options only here; the selection decides which tests share a scan, so an
  // unselected test never runs inside a batch.
  globals(project, opts) {
    try {
      selectedTests.set(project, new Set(selectFor(project, { ...opts, emit: undefined }, ['test'])));
    } catch {
      // a bad selector is reported by the run itself
    }
    return {};
  },
  setup(session, project) {
    const manifest = project.manifest;
    const selected = selectedTests.get(project);
    selectedTests.delete(project);
    const tests: ExecutableNode[] = [];
    for (const node of manifest.nodes.values()) if (node.resourceType === 'test' && (!selected || selected.has(node.uniqueId))) tests.push(node);
    // a test that resolves to a project's or package's macro runs that macro, never bmp's version
    const registry = project.engine.registry;
    // --store-failures: every test stores its own rows, so none shares a scan
    const plan = planBatches(session.opts.storeFailures ? [] : tests, manifest, (name, node) => {
      const macro = registry.findTest(name, node.testMetadata?.namespace, node.packageName);
      return !registry.isGlobalDefault(macro, node.packageName);
    });
    session.registerRunner('test', dataTestRunner(new BatchScans(plan)));
    session.registerRunner('unit_test', runUnitTest);
  },
};

registerDefaultPlugin(testingPlugin);
