import { relative } from 'node:path';
import { GLOBAL_MACRO_FILES, PACKAGE_MACRO_FILES } from '../adapters/duckdb/index.js';
import { CustomKeyReport, NativeRenderer, pyStr, templateTarget, warningAt, yamlEnvVar, type ConfigWarning, type LoadedConfig, type ProjectConfig } from '../config/index.js';
import { ParseError, closeMatches, didYouMeanOf } from '../errors.js';
import { InvocationContext, makeInvocation, type ContextEnv, type ContextOutput, type Invocation } from '../compile/context/index.js';
import { findDocsBlocks, GLOBAL_PACKAGE, jinjaYamlSyntax, MacroRegistry, TemplateEngine, type RegisteredMacro } from '../jinja/index.js';
import type { DocBlock, ExecutableNode, MacroDef, Manifest, ProjectResource, SourceNode } from '../manifest/types.js';
import { readProjectFiles, toPosix, type FolderListings, type SourceFile } from './files.js';
import { checkSingularTest, type TestTarget } from './generic-tests.js';
import { ParseContext, stem } from './parse-context.js';
import { readProperties, type NodePatch, type Properties } from './properties.js';
import { resolveDependencies } from './resolve.js';
import { unusedConfigPaths, type ResourceFqns } from './unused-config-paths.js';
import { parseResources } from './semantic-resources.js';
import { lookupVar } from './vars.js';

export { lookupVar };

export interface ParseResult {
  readonly manifest: Manifest;
  readonly engine: TemplateEngine;
  readonly warnings: readonly ConfigWarning[];
}

/** One project's files, read relative to the root project folder (a package's paths under its folder). */
interface ProjectFiles {
  readonly project: ProjectConfig;
  /** The package folder relative to the root project; undefined for the root. */
  readonly packagePath?: string;
  readonly genericTestRoots: readonly string[];
  readonly fixtureRoots: readonly string[];
  readonly models: SourceFile[];
  readonly macros: SourceFile[];
  readonly seeds: SourceFile[];
  readonly tests: SourceFile[];
  readonly snapshots: SourceFile[];
  readonly yaml: SourceFile[];
  readonly md: SourceFile[];
  readonly analyses: SourceFile[];
  readonly python: SourceFile[];
  /** Where properties files are read (fqn of exposures, metrics, ...). */
  readonly propertyRoots: readonly string[];
}

async function readFilesOf(rootDir: string, project: ProjectConfig): Promise<ProjectFiles> {
  const rel = project.projectDir === rootDir ? '' : toPosix(relative(rootDir, project.projectDir));
  const at = (paths: readonly string[]) => (rel ? paths.map((p) => `${rel}/${p}`) : [...paths]);
  const genericTestRoots = at(project.testPaths.map((p) => `${p}/generic`));
  const propertyRoots = [...new Set([...project.modelPaths, ...project.seedPaths, ...project.snapshotPaths, ...project.macroPaths, ...project.testPaths, ...project.analysisPaths])];
  // each folder is listed once, whichever kinds of files are read from it
  const listings: FolderListings = new Map();
  const [models, macros, seeds, tests, snapshots, yaml, md, analyses, python] = await Promise.all([
    readProjectFiles(rootDir, at(project.modelPaths), ['.sql'], listings),
    readProjectFiles(rootDir, [...at(project.macroPaths), ...genericTestRoots], ['.sql', '.jinja'], listings),
    readProjectFiles(rootDir, at(project.seedPaths), ['.csv'], listings),
    readProjectFiles(rootDir, at(project.testPaths), ['.sql'], listings),
    readProjectFiles(rootDir, at(project.snapshotPaths), ['.sql'], listings),
    readProjectFiles(rootDir, at(propertyRoots), ['.yml', '.yaml'], listings),
    readProjectFiles(rootDir, at([...new Set([...project.docsPaths, ...project.modelPaths, ...project.macroPaths])]), ['.md'], listings),
    readProjectFiles(rootDir, at(project.analysisPaths), ['.sql'], listings),
    readProjectFiles(rootDir, at(project.modelPaths), ['.py'], listings),
  ]);
  return { project, packagePath: rel || undefined, genericTestRoots, fixtureRoots: at(project.testPaths.map((p) => `${p}/fixtures`)), models, macros, seeds, tests, snapshots, yaml, md, analyses, python, propertyRoots: at(propertyRoots) };
}

/**
 * parse: discover every file of the project and of its installed packages and turn it into nodes
 * with their refs, sources and merged config. Plain `ref`/`source`/`config` templates take the static
 * fast path; others are rendered once in capture mode, as dbt's parser does. Macros are only
 * registered here (a text scan): each is compiled the first time something calls it.
 * @throws ParseError / CompileError / ConfigError, each with file and line.
 */
export interface ParseOptions {
  /** The invocation the parse belongs to (its id, start time and command reach templates). */
  readonly invocation?: Invocation;
  /** Where `log()`, `print()` and `exceptions.warn()` of templates rendered at parse go. */
  readonly output?: ContextOutput;
  /** Template globals plugins add (stand-ins at parse: `llm_generate` only needs to exist). */
  readonly globals?: Readonly<Record<string, unknown>>;
  /**
   * Work of other threads whose next steps need this one (the database opening ahead of a run:
   * each of its steps continues here): until it settles, the parse lets the event loop turn every
   * few milliseconds, so those steps run meanwhile instead of one after another once it is done.
   */
  readonly alongside?: PromiseLike<unknown>;
}

/** How long the parse works between two turns of the event loop while `alongside` is pending. */
const TURN_EVERY_MS = 2;

/** A function the parse awaits between nodes: a turn of the event loop every few ms while `pending` is unsettled, else nothing. */
function turns(pending: PromiseLike<unknown> | undefined): () => Promise<void> | undefined {
  if (!pending) return () => undefined;
  let settled = false;
  pending.then(
    () => (settled = true),
    () => (settled = true),
  );
  let last = performance.now();
  return () => {
    if (settled || performance.now() - last < TURN_EVERY_MS) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now();
        resolve();
      }),
    );
  };
}

const SILENT: ContextOutput = { log: () => undefined, print: () => undefined, warn: () => undefined };

export async function parseProject(cfg: LoadedConfig, opts: ParseOptions = {}): Promise<ParseResult> {
  const root = cfg.project;
  const rootDir = root.projectDir;
  const projects = [root, ...cfg.packages];
  const registry = new MacroRegistry(root.name, { dispatch: root.dispatch, packages: cfg.packages.map((p) => p.name) });
  const engine = new TemplateEngine(registry);
  const contextEnv: ContextEnv = { shared: new InvocationContext(cfg, engine, opts.invocation ?? makeInvocation('parse')), extraGlobals: opts.globals };
  const turn = turns(opts.alongside);
  const [filesets] = await Promise.all([Promise.all(projects.map((p) => readFilesOf(rootDir, p)))]);
  for (const fs of filesets) checkNoPythonModels(fs.python);
  const warnings: ConfigWarning[] = [];
  // every model's, seed's and snapshot's fqn (enabled or not): which folder paths of the project file configure something
  const fqns: Record<keyof ResourceFqns, (readonly string[])[]> = { model: [], seed: [], snapshot: [] };

  // macros and docs of every project first: any template may call any package's macros
  const macros = new Map<string, MacroDef>();
  const macroTexts = new Map<string, string>();
  const define = (pkg: string, packagePath: string | undefined, added: readonly RegisteredMacro[]) => {
    for (const m of added) {
      const uniqueId = `macro.${pkg}.${m.name}`;
      macros.set(uniqueId, { uniqueId, name: m.name, packageName: pkg, originalFilePath: m.file, ...(packagePath !== undefined && { packagePath }), line: m.line, kind: m.kind, args: m.args.map((a) => a.name), description: '' });
    }
  };
  for (const f of GLOBAL_MACRO_FILES) define(GLOBAL_PACKAGE, undefined, registry.addFile(GLOBAL_PACKAGE, f));
  // bmp's duckdb__ implementations of package macros whose default SQL DuckDB cannot run (found only by adapter.dispatch)
  for (const f of PACKAGE_MACRO_FILES) registry.addAdapterFile(f.namespace, f);
  const docs = new Map<string, DocBlock>();
  for (const fs of filesets) {
    const pkg = fs.project.name;
    for (const f of dedupe(fs.macros)) {
      macroTexts.set(f.path, f.text);
      define(pkg, fs.packagePath, registry.addFile(pkg, { file: f.path, text: f.text }));
    }
    for (const f of fs.md) {
      for (const d of findDocsBlocks(f.text)) {
        const id = `doc.${pkg}.${d.name}`;
        if (docs.has(id)) throw new ParseError('BMP_DOC_DUPLICATE', `docs block '${d.name}' is defined twice`, { file: f.path });
        docs.set(id, { uniqueId: id, name: d.name, originalFilePath: f.path, blockContents: d.contents });
      }
    }
  }

  const nodes = new Map<string, ExecutableNode>();
  const disabled = new Set<string>();
  const sources = new Map<string, SourceNode>();
  const contexts: ParseContext[] = [];
  const resources = new Map<string, ProjectResource>();
  const rawResources: { fs: ProjectFiles; raw: Properties['resources'] }[] = [];
  // custom config keys are reported once per parse (those project.yml set were reported when it loaded)
  const customKeys = new CustomKeyReport(cfg.warnings.filter((w) => w.name === 'CustomKeyInConfigDeprecation' && w.subject).map((w) => w.subject!));
  // YAML values are Jinja2 templates, as SQL files are (one environment for every file)
  const yamlSyntax = jinjaYamlSyntax();
  for (const fs of filesets) {
    const { project } = fs;
    // properties files render natively, seeing every var the project's nodes see, env_var and target
    // (a var holding a template renders with this file's context, into a string, as dbt's var() does)
    const renderVar = (template: string): string => pyStr(yamlRenderer.render(template, {}));
    const yamlRenderer: NativeRenderer = new NativeRenderer({
      env_var: yamlEnvVar,
      var: (...args: unknown[]) => lookupVar(cfg, String(args[0]), args[1], args.length > 1, {}, project.name, renderVar),
      target: templateTarget(cfg.target),
    }, yamlSyntax);
    const props = readProperties(fs.yaml.filter((f) => !f.path.endsWith('project.yml') && !f.path.endsWith('profiles.yml')), yamlRenderer);
    for (const [name, m] of props.macros) {
      const def = macros.get(`macro.${project.name}.${name}`);
      if (def) macros.set(def.uniqueId, { ...def, description: m.description });
    }
    const ctx = new ParseContext(cfg, engine, docs, project, customKeys, contextEnv, opts.output ?? SILENT, fs.packagePath);
    contexts.push(ctx);
    // names of models, seeds and snapshots are unique within a package (two packages may share one)
    const byName = new Map<string, { id: string; file: string }>();
    // the versions of versioned models (one name, several nodes: not in byName)
    const versionIds: string[] = [];
    const add = (node: ExecutableNode) => {
      if (node.resourceType === 'model' || node.resourceType === 'seed' || node.resourceType === 'snapshot') fqns[node.resourceType].push(node.fqn);
      if (!node.config.enabled) {
        disabled.add(node.uniqueId);
        return;
      }
      if ((node.resourceType === 'model' || node.resourceType === 'seed' || node.resourceType === 'snapshot') && !(node.resourceType === 'model' && node.version !== undefined)) {
        const prev = byName.get(node.name);
        if (prev) {
          throw new ParseError('BMP_DUPLICATE_NODE', `two resources are named '${node.name}': ${prev.file} and ${node.originalFilePath}`, { file: node.originalFilePath, nodeId: node.uniqueId }, 'names of models, seeds and snapshots must be unique');
        }
        byName.set(node.name, { id: node.uniqueId, file: node.originalFilePath });
      } else if (node.resourceType === 'model' && node.version !== undefined) versionIds.push(node.uniqueId);
      if (nodes.has(node.uniqueId)) {
        // two generic tests with the same name and arguments (only their configs differ) are one id, as in dbt
        if (node.resourceType === 'test') throw new ParseError('BMP_DUPLICATE_NODE', `two data tests are named '${node.name}' with the same arguments: bmp, like dbt, cannot tell them apart`, { file: node.originalFilePath, nodeId: node.uniqueId }, 'give one of them its own name: `- not_null: {name: ..., config: ...}`');
        throw new ParseError('BMP_DUPLICATE_NODE', `duplicate node ${node.uniqueId}`, { file: node.originalFilePath });
      }
      nodes.set(node.uniqueId, node);
    };

    // versioned models: each version's file (`<name>_v<v>.sql`, or its defined_in) is that version
    const versionFiles = versionedModelFiles(props.models.values(), new Set(fs.models.map((f) => stem(f.path))));
    for (const f of fs.models) {
      const versioned = versionFiles.get(stem(f.path));
      if (versioned) {
        versionFiles.delete(stem(f.path));
        add(ctx.sqlNode('model', f, versioned.patch, 'models', 'view', undefined, versioned.version));
      } else add(ctx.sqlNode('model', f, props.models.get(stem(f.path)), 'models', 'view'));
      const t = turn();
      if (t) await t;
    }
    // a version's own columns:, tests:, ... are not acted on: said once per version
    for (const patch of props.models.values()) {
      for (const v of patch.versions ?? []) {
        if (!v.ignored.length) continue;
        warnings.push(warningAt('KeyNotActedOn', 'BMP_KEY_IGNORED', `model '${patch.name}' version ${v.v}: ${v.ignored.map((k) => `'${k}'`).join(', ')} ${v.ignored.length === 1 ? 'is' : 'are'} not acted on by bmp (a version takes the model's columns and tests, and its own config:)`, v.where, patch.name));
      }
    }
    for (const [file, { patch, version }] of versionFiles) {
      throw new ParseError('BMP_PROPERTIES_INVALID', `model '${patch.name}' version ${version.v} has no SQL file: expected ${file}.sql under the model paths`, patch.where, version.v === stem(file) ? undefined : `name the file ${file}.sql, or set defined_in: on the version`);
    }
    for (const f of fs.snapshots) for (const n of ctx.snapshotNodes(f, props.snapshots)) add(n);
    // dbt 1.9: snapshots declared in YAML (`relation:` and `config:`), with no {% snapshot %} block
    for (const patch of props.snapshots.values()) if (patch.relation !== undefined && !nodes.has(`snapshot.${project.name}.${patch.name}`)) add(ctx.yamlSnapshot(patch));
    // analyses are compiled (target/compiled), never run
    for (const f of fs.analyses) add(ctx.sqlNode('analysis', f, undefined, null, 'view'));
    for (const f of fs.tests) {
      // tests/generic holds {% test %} macros and tests/fixtures unit-test rows, not singular tests
      if ([...fs.genericTestRoots, ...fs.fixtureRoots].some((r) => f.path.startsWith(r + '/'))) continue;
      add(checkSingularTest(ctx.sqlNode('test', f, props.singularTests.get(stem(f.path)), 'tests', 'test')));
    }
    for (const f of fs.seeds) add(ctx.seedNode(f, props.seeds.get(stem(f.path))));

    for (const s of ctx.sourceNodes(props)) {
      if (sources.has(s.uniqueId)) throw new ParseError('BMP_DUPLICATE_NODE', `source '${s.sourceName}.${s.name}' is declared twice`, { file: s.originalFilePath });
      if (s.config.enabled) sources.set(s.uniqueId, s);
      else disabled.add(s.uniqueId);
    }

    // Properties of nodes that do not exist or are disabled: dbt warns about the first (NoNodeForYamlKey)
    // and disables the tests of both (warning when the node was not found, NodeNotFoundOrDisabled)
    for (const [kind, map] of [['model', props.models], ['seed', props.seeds], ['snapshot', props.snapshots], ['test', props.singularTests]] as const) {
      for (const [name, patch] of map) {
        const id = `${kind}.${project.name}.${name}`;
        if (nodes.has(id)) continue;
        // a versioned model's entry is its versions' (each built above, or refused for a missing file)
        if (kind === 'model' && patch.versions?.length) continue;
        const tests = ctx.disabledTestsOf({ uniqueId: id, testLabel: name, modelRef: { ref: name }, patchPath: patch.file }, patch);
        for (const t of tests) disabled.add(t);
        if (disabled.has(id)) continue;
        const existing = kind === 'test' ? [...nodes.values()].filter((n) => n.resourceType === 'test' && n.packageName === project.name).map((n) => n.name) : [...byName.keys()];
        warnings.push(noNodeForYamlKey(kind, name, patch, existing));
        const first = patch.tests[0] ?? patch.columns.flatMap((c) => c.tests)[0];
        if (tests.length && first) {
          warnings.push(
            warningAt(
              'NodeNotFoundOrDisabled',
              'BMP_TEST_TARGET_MISSING',
              `${tests.length === 1 ? `test '${first.testName}'` : `${tests.length} tests`} of ${kind} '${name}' depend${tests.length === 1 ? 's' : ''} on a node that was not found, so ${tests.length === 1 ? 'it is' : 'they are'} disabled, as dbt does: fix the name or remove the tests`,
              first.where,
              id,
            ),
          );
        }
      }
    }
    for (const [name, m] of props.macros) {
      if (!macros.has(`macro.${project.name}.${name}`)) {
        const close = closeMatches(name, [...macros.values()].filter((d) => d.packageName === project.name).map((d) => d.name));
        const fix = close.length ? `${didYouMeanOf(close)} ` : '';
        warnings.push(warningAt('MacroNotFoundForPatch', 'BMP_PATCH_UNUSED', `properties for macro '${name}', which was not found; dbt warns and ignores the entry: ${fix}define {% macro ${name}(...) %} in the macro paths, correct the name, or remove the entry`, { file: m.file, line: m.where.line }, name));
      }
    }

    // Generic tests from properties, attached to what they test.
    for (const id of [...[...byName.values()].map((b) => b.id), ...versionIds]) {
      const node = nodes.get(id);
      if (!node || (node.resourceType !== 'model' && node.resourceType !== 'seed' && node.resourceType !== 'snapshot')) continue;
      const patch = (node.resourceType === 'model' ? props.models : node.resourceType === 'seed' ? props.seeds : props.snapshots).get(node.name);
      if (!patch) continue;
      const target: TestTarget = {
        uniqueId: node.uniqueId,
        // a version's tests are named and resolved for that version (not_null_dim_v2_id)
        testLabel: node.resourceType === 'model' && node.version !== undefined ? `${node.name}_v${node.version}` : node.name,
        modelRef: { ref: node.name, ...(node.resourceType === 'model' && node.version !== undefined && { version: node.version }) },
        patchPath: patch.file,
      };
      for (const t of ctx.testsOf(target, patch)) add(t);
    }
    for (const src of props.sources) {
      for (const table of src.tables) {
        const id = `source.${project.name}.${src.name}.${table.name}`;
        const target: TestTarget = { uniqueId: id, testLabel: `${src.name}_${table.name}`, modelRef: { source: [src.name, table.name] }, patchPath: src.file, tags: [...src.tags, ...table.tags] };
        if (!sources.has(id)) {
          // a disabled source's tests are disabled; dbt says so at warning level (InvalidDisabledTargetInTestNode)
          const tests = ctx.disabledTestsOf(target, table);
          for (const t of tests) disabled.add(t);
          const first = table.tests[0] ?? table.columns.flatMap((c) => c.tests)[0];
          if (tests.length && first) {
            warnings.push(warningAt('InvalidDisabledTargetInTestNode', 'BMP_TEST_TARGET_DISABLED', `${tests.length === 1 ? `test '${first.testName}'` : `${tests.length} tests`} of source '${src.name}.${table.name}' ${tests.length === 1 ? 'is' : 'are'} disabled because the source is disabled, as dbt does: enable the source or remove the tests`, first.where, id));
          }
          continue;
        }
        for (const t of ctx.testsOf(target, table)) add(t);
      }
    }
    for (const ut of props.unitTests) add(ctx.unitTestNode(ut));
    if (props.resources.length) rawResources.push({ fs, raw: props.resources });
  }
  // exposures, groups, metrics, semantic models and saved queries (every node known): checked and resolved, never run
  for (const { fs, raw } of rawResources) {
    for (const [id, r] of parseResources(raw, { projectName: fs.project.name, nodes, sources, roots: fs.propertyRoots })) resources.set(id, r);
  }

  warnings.push(...unusedConfigPaths(root, fqns));
  const testWhere = (id: string) => contexts.map((c) => c.testWhere.get(id)).find((w) => w !== undefined)?.where;
  const { resolved, refIndex } = resolveDependencies(root.name, nodes, sources, disabled, (w) => warnings.push(w), testWhere);
  return {
    manifest: { projectName: root.name, nodes: resolved, sources, macros, docs, macroFiles: macroTexts, disabled, refIndex, resources: resources.size ? resources : undefined },
    engine,
    warnings: [...warnings, ...contexts.flatMap((c) => c.warnings), ...customKeys.warnings()],
  };
}

/**
 * Python models (`models/**.py`) are dbt's, not bmp's: a located error rather than a model that
 * silently never runs.
 * @throws ParseError BMP_PYTHON_MODEL
 */
function checkNoPythonModels(files: readonly SourceFile[]): void {
  const f = files[0];
  if (!f) return;
  const at = /^def\s+model\s*\(/m.exec(f.text);
  const line = at ? f.text.slice(0, at.index).split('\n').length : 1;
  throw new ParseError(
    'BMP_PYTHON_MODEL',
    `Python models are not supported: '${stem(f.path)}' is a .py model, and bmp runs SQL models on DuckDB${files.length > 1 ? ` (${files.length} .py files under the model paths)` : ''}`,
    { file: f.path, line },
    'write it as a .sql model, or move the file out of the model paths',
  );
}

function dedupe(files: SourceFile[]): SourceFile[] {
  const seen = new Set<string>();
  return files.filter((f) => !seen.has(f.absolutePath) && !!seen.add(f.absolutePath));
}


/** dbt's NoNodeForYamlKey: properties for a node that does not exist, located at the entry's name. */
function noNodeForYamlKey(kind: 'model' | 'seed' | 'snapshot' | 'test', name: string, patch: NodePatch, existing: readonly string[]): ConfigWarning {
  const close = closeMatches(name, existing);
  const fix = close.length ? `${didYouMeanOf(close)} ` : '';
  const add = kind === 'model' ? `add models/.../${name}.sql, ` : kind === 'seed' ? `add seeds/.../${name}.csv, ` : kind === 'test' ? `add tests/.../${name}.sql, ` : '';
  return warningAt(
    'NoNodeForYamlKey',
    'BMP_PATCH_UNUSED',
    `properties for ${kind} '${name}', which does not exist; dbt warns and ignores the entry: ${fix}${add}correct the name, or remove the entry`,
    { file: patch.file, line: patch.where.line },
    `${kind}.${name}`,
  );
}

/**
 * The files of versioned models by base name: each version of a `versions:` entry, with its
 * version, its model's latest version (latest_version, else the greatest) and its config.
 */
function versionedModelFiles(patches: Iterable<NodePatch>, stems: ReadonlySet<string>): Map<string, { patch: NodePatch; version: { v: string; latest: string; config: Record<string, unknown> } }> {
  const out = new Map<string, { patch: NodePatch; version: { v: string; latest: string; config: Record<string, unknown> } }>();
  for (const patch of patches) {
    if (!patch.versions?.length) continue;
    const latest = patch.latestVersion ?? greatestVersion(patch.versions.map((v) => v.v));
    for (const v of patch.versions) {
      // as dbt: the latest version may live in the model's own file (<name>.sql) when <name>_v<v>.sql does not exist
      const suffixed = `${patch.name}_v${v.v}`;
      const file = v.definedIn ?? (v.v === latest && !stems.has(suffixed) && stems.has(patch.name) ? patch.name : suffixed);
      out.set(file, { patch, version: { v: v.v, latest, config: v.config } });
    }
  }
  return out;
}

/** dbt orders versions as numbers when they are, else as text. */
function greatestVersion(versions: readonly string[]): string {
  const numeric = versions.every((v) => Number.isFinite(Number(v)));
  return [...versions].sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0)).at(-1)!;
}
