import { basename, dirname } from 'node:path';
import { checkStrategyConfig, CustomKeyReport, NativeRenderer, templateTarget, warningAt, yamlEnvVar, envVar, renderTemplatedVar, finalizeConfig, folderConfigs, mergeConfigs, normalizeConfig, type ConfigCheck, type ConfigResourceType, type ConfigWarning, type LoadedConfig, type ProjectConfig } from '../config/index.js';
import { BmpError, CompileError, ParseError, closeMatches, type ErrorLocation } from '../errors.js';
import {
  analyzeStatic,
  buildTemplateContext,
  findDocsBlocks,
  parseStubGlobals,
  TemplateEngine,
  TemplateRelation,
  type ContextHooks,
  type StaticCall,
} from '../jinja/index.js';
import type {
  ColumnInfo,
  DocBlock,
  ExecutableNode,
  MacroDef,
  Manifest,
  NodeConfig,
  RefCall,
  Relation,
  ResourceType,
  SeedNode,
  SourceNode,
  SqlNode,
  UnitTestNode,
} from '../manifest/types.js';
import { readProjectFiles, sha256, type SourceFile } from './files.js';
import { checkSingularTest, makeGenericTest, type TestTarget } from './generic-tests.js';
import { readProperties, type ColumnPatch, type NodePatch, type Properties } from './properties.js';
import { resolveDependencies } from './resolve.js';

export interface ParseResult {
  readonly manifest: Manifest;
  readonly engine: TemplateEngine;
  readonly warnings: readonly ConfigWarning[];
}

interface Captured {
  refs: RefCall[];
  sources: [string, string][];
  config: Record<string, unknown>;
}

/**
 * parse: discover every file of the project and turn it into nodes with their refs, sources and
 * merged config. Plain `ref`/`source`/`config` templates take the static fast path; others are
 * rendered once in capture mode, as dbt's parser does.
 * @throws ParseError / CompileError / ConfigError, each with file and line.
 */
export async function parseProject(cfg: LoadedConfig): Promise<ParseResult> {
  const { project } = cfg;
  const dir = project.projectDir;
  const genericTestRoots = project.testPaths.map((p) => `${p}/generic`);
  const propertyRoots = [...new Set([...project.modelPaths, ...project.seedPaths, ...project.snapshotPaths, ...project.macroPaths, ...project.testPaths, ...project.analysisPaths])];
  const [modelFiles, macroFiles, seedFiles, testFiles, snapshotFiles, yamlFiles, mdFiles] = await Promise.all([
    readProjectFiles(dir, project.modelPaths, ['.sql']),
    readProjectFiles(dir, [...project.macroPaths, ...genericTestRoots], ['.sql', '.jinja']),
    readProjectFiles(dir, project.seedPaths, ['.csv']),
    readProjectFiles(dir, project.testPaths, ['.sql']),
    readProjectFiles(dir, project.snapshotPaths, ['.sql']),
    readProjectFiles(dir, propertyRoots, ['.yml', '.yaml']),
    readProjectFiles(dir, [...new Set([...project.docsPaths, ...project.modelPaths, ...project.macroPaths])], ['.md']),
  ]);
  const warnings: ConfigWarning[] = [];

  const engine = new TemplateEngine();
  const macros = new Map<string, MacroDef>();
  const macroTexts = new Map<string, string>();
  for (const f of dedupe(macroFiles)) {
    macroTexts.set(f.path, f.text);
    for (const m of engine.addMacroFile({ file: f.path, text: f.text })) {
      macros.set(`macro.${project.name}.${m.name}`, {
        uniqueId: `macro.${project.name}.${m.name}`,
        name: m.name,
        packageName: project.name,
        originalFilePath: m.file,
        line: m.line,
        kind: m.kind,
        args: m.args.map((a) => a.name),
        description: '',
      });
    }
  }

  const docs = new Map<string, DocBlock>();
  for (const f of mdFiles) {
    for (const d of findDocsBlocks(f.text)) {
      const id = `doc.${project.name}.${d.name}`;
      if (docs.has(id)) throw new ParseError('BMP_DOC_DUPLICATE', `docs block '${d.name}' is defined twice`, { file: f.path });
      docs.set(id, { uniqueId: id, name: d.name, originalFilePath: f.path, blockContents: d.contents });
    }
  }

  // properties files render natively, seeing every var (not only --vars), env_var and target
  const yamlRenderer = new NativeRenderer({
    env_var: yamlEnvVar,
    var: (...args: unknown[]) => lookupVar(cfg, String(args[0]), args[1], args.length > 1, {}),
    target: templateTarget(cfg.target),
  });
  const props = readProperties(yamlFiles.filter((f) => !f.path.endsWith('project.yml') && !f.path.endsWith('profiles.yml')), yamlRenderer);
  for (const [name, m] of props.macros) {
    const def = macros.get(`macro.${project.name}.${name}`);
    if (def) macros.set(def.uniqueId, { ...def, description: m.description });
  }

  const ctx = new ParseContext(cfg, engine, docs);
  const nodes = new Map<string, ExecutableNode>();
  const disabled = new Set<string>();
  const byName = new Map<string, { id: string; file: string }>();
  const add = (node: ExecutableNode) => {
    if (!node.config.enabled) {
      disabled.add(node.uniqueId);
      return;
    }
    if (node.resourceType === 'model' || node.resourceType === 'seed' || node.resourceType === 'snapshot') {
      const prev = byName.get(node.name);
      if (prev) {
        throw new ParseError('BMP_DUPLICATE_NODE', `two resources are named '${node.name}': ${prev.file} and ${node.originalFilePath}`, { file: node.originalFilePath, nodeId: node.uniqueId }, 'names of models, seeds and snapshots must be unique');
      }
      byName.set(node.name, { id: node.uniqueId, file: node.originalFilePath });
    }
    if (nodes.has(node.uniqueId)) throw new ParseError('BMP_DUPLICATE_NODE', `duplicate node ${node.uniqueId}`, { file: node.originalFilePath });
    nodes.set(node.uniqueId, node);
  };

  for (const f of modelFiles) add(ctx.sqlNode('model', f, props.models.get(stem(f.path)), project.models, 'view'));
  for (const f of snapshotFiles) for (const n of ctx.snapshotNodes(f, props.snapshots)) add(n);
  for (const f of testFiles) {
    // tests/generic holds {% test %} macros and tests/fixtures unit-test rows, not singular tests
    if ([...genericTestRoots, ...project.testPaths.map((p) => `${p}/fixtures`)].some((r) => f.path.startsWith(r + '/'))) continue;
    add(checkSingularTest(ctx.sqlNode('test', f, undefined, project.tests, 'test')));
  }
  for (const f of seedFiles) add(ctx.seedNode(f, props.seeds.get(stem(f.path))));

  const sources = new Map<string, SourceNode>();
  for (const s of ctx.sourceNodes(props)) {
    if (sources.has(s.uniqueId)) throw new ParseError('BMP_DUPLICATE_NODE', `source '${s.sourceName}.${s.name}' is declared twice`, { file: s.originalFilePath });
    if (s.config.enabled) sources.set(s.uniqueId, s);
    else disabled.add(s.uniqueId);
  }

  // Properties of nodes that do not exist or are disabled: dbt warns about the first (NoNodeForYamlKey)
  // and disables the tests of both (warning when the node was not found, NodeNotFoundOrDisabled)
  for (const [kind, map] of [['model', props.models], ['seed', props.seeds], ['snapshot', props.snapshots]] as const) {
    for (const [name, patch] of map) {
      const id = `${kind}.${project.name}.${name}`;
      if (nodes.has(id)) continue;
      const tests = ctx.disabledTestsOf({ uniqueId: id, testLabel: name, modelRef: { ref: name }, patchPath: patch.file, fqnFolders: [] }, patch);
      for (const t of tests) disabled.add(t);
      if (disabled.has(id)) continue;
      warnings.push(noNodeForYamlKey(kind, name, patch, [...byName.keys()]));
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
      const close = closeMatches(name, [...macros.values()].map((d) => d.name));
      const fix = close.length ? `did you mean ${close.map((c) => `'${c}'`).join(' or ')}? ` : '';
      warnings.push(warningAt('MacroNotFoundForPatch', 'BMP_PATCH_UNUSED', `properties for macro '${name}', which was not found; dbt warns and ignores the entry: ${fix}define {% macro ${name}(...) %} in the macro paths, correct the name, or remove the entry`, { file: m.file, line: m.where.line }, name));
    }
  }

  // Generic tests from properties, attached to what they test.
  for (const node of [...nodes.values()]) {
    if (node.resourceType !== 'model' && node.resourceType !== 'seed' && node.resourceType !== 'snapshot') continue;
    const patch = (node.resourceType === 'model' ? props.models : node.resourceType === 'seed' ? props.seeds : props.snapshots).get(node.name);
    if (!patch) continue;
    const target: TestTarget = {
      uniqueId: node.uniqueId,
      testLabel: node.name,
      modelRef: { ref: node.name },
      patchPath: patch.file,
      fqnFolders: node.fqn.slice(1, -1),
    };
    for (const t of ctx.testsOf(target, patch)) add(t);
  }
  for (const src of props.sources) {
    for (const table of src.tables) {
      const id = `source.${project.name}.${src.name}.${table.name}`;
      const target: TestTarget = { uniqueId: id, testLabel: `source_${src.name}_${table.name}`, modelRef: { source: [src.name, table.name] }, patchPath: src.file, fqnFolders: [src.name] };
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

  const resolved = resolveDependencies(project.name, nodes, sources, disabled, (w) => warnings.push(w), (id) => ctx.testWhere.get(id));
  return {
    manifest: { projectName: project.name, nodes: resolved, sources, macros, docs, macroFiles: macroTexts, disabled },
    engine,
    warnings: [...warnings, ...ctx.warnings, ...ctx.customKeys.warnings()],
  };
}

function stem(path: string): string {
  return basename(path).replace(/\.[^.]+$/, '');
}

function dedupe(files: SourceFile[]): SourceFile[] {
  const seen = new Set<string>();
  return files.filter((f) => !seen.has(f.absolutePath) && !!seen.add(f.absolutePath));
}

/** Everything node construction needs; one per parse. */
class ParseContext {
  readonly warnings: ConfigWarning[] = [];
  /** Custom config keys, one warning each (those project.yml set were reported when it loaded). */
  readonly customKeys: CustomKeyReport;
  /** Where each generic test was declared (its YAML entry), for warnings about it. */
  readonly testWhere = new Map<string, ErrorLocation>();
  private readonly project: ProjectConfig;

  constructor(
    private readonly cfg: LoadedConfig,
    private readonly engine: TemplateEngine,
    private readonly docs: Map<string, DocBlock>,
  ) {
    this.project = cfg.project;
    this.customKeys = new CustomKeyReport(cfg.warnings.filter((w) => w.name === 'CustomKeyInConfigDeprecation' && w.subject).map((w) => w.subject!));
  }

  /** How configs of one resource type are checked: its keys, its value rules, custom keys reported. */
  check(resourceType: ConfigResourceType): ConfigCheck {
    return { resourceType, onCustomKey: this.customKeys.add };
  }

  sqlNode(resourceType: 'model' | 'test' | 'snapshot', f: SourceFile, patch: NodePatch | undefined, tree: ProjectConfig['models'], defaultMaterialized: string, rawOverride?: { name: string; text: string; line: number }): SqlNode {
    const project = this.project;
    const name = rawOverride?.name ?? stem(f.path);
    const folders = dirname(f.relativeToRoot) === '.' ? [] : dirname(f.relativeToRoot).split('/');
    const fqn = [project.name, ...folders, name];
    const uniqueId = resourceType === 'test' ? `test.${project.name}.${name}` : `${resourceType}.${project.name}.${name}`;
    const where: ErrorLocation = { file: f.path, nodeId: uniqueId };
    const rawCode = rawOverride?.text ?? f.text;
    const check = this.check(resourceType);
    const patchConfig = patch ? normalizeConfig(patch.config, patch.where, patch.configWhere, check) : {};
    const preConfig = mergeConfigs(...folderConfigs(tree, fqn, resourceType), patchConfig);
    // `this` while capturing: only a template that renders (not the static fast path) needs it
    const provisional = () => this.relationFor(resourceType, name, finalizeConfig(preConfig, defaultMaterialized));
    const captured = this.capture(rawCode, where, preConfig, provisional);
    const inFile = normalizeConfig(captured.config, where, (key) => ({ ...where, line: configCallLine(rawCode, key) }), check);
    const merged = mergeConfigs(preConfig, inFile);
    if (patch) merged['tags'] = [...new Set([...((merged['tags'] as string[]) ?? []), ...patch.tags])];
    const config = finalizeConfig(merged, defaultMaterialized);
    if (resourceType === 'model' && config.enabled) checkStrategyConfig(config, where);
    const relation = resourceType === 'test' || config.materialized === 'ephemeral' ? undefined : this.relationFor(resourceType, name, config);
    return Object.freeze({
      uniqueId,
      resourceType,
      name,
      packageName: project.name,
      originalFilePath: f.path,
      path: f.relativeToRoot,
      fqn,
      description: this.describe(patch?.description ?? '', patch?.file),
      config,
      tags: config.tags,
      meta: { ...(patch?.meta ?? {}), ...config.meta },
      columns: this.columns(patch?.columns ?? [], patch?.file),
      patchPath: patch?.file,
      relation,
      checksum: f.checksum,
      rawCode,
      refs: captured.refs,
      sources: captured.sources,
      dependsOn: { nodes: [], macros: [] },
      testMetadata: resourceType === 'test' ? { name, kwargs: {}, testType: 'singular' } : undefined,
    } satisfies SqlNode);
  }

  snapshotNodes(f: SourceFile, patches: Map<string, NodePatch>): SqlNode[] {
    const out: SqlNode[] = [];
    const re = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*endsnapshot\s*-?%\}/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(f.text))) {
      const line = f.text.slice(0, m.index).split('\n').length;
      const body = '\n'.repeat(line - 1) + m[2]!;
      out.push(this.sqlNode('snapshot', f, patches.get(m[1]!), this.project.snapshots, 'snapshot', { name: m[1]!, text: body, line }));
    }
    return out;
  }

  seedNode(f: SourceFile, patch: NodePatch | undefined): SeedNode {
    const project = this.project;
    const name = stem(f.path);
    const folders = dirname(f.relativeToRoot) === '.' ? [] : dirname(f.relativeToRoot).split('/');
    const fqn = [project.name, ...folders, name];
    const check = this.check('seed');
    const patchConfig = patch ? normalizeConfig(patch.config, patch.where, patch.configWhere, check) : {};
    const config = finalizeConfig(mergeConfigs(...folderConfigs(project.seeds, fqn, 'seed'), patchConfig), 'seed');
    return Object.freeze({
      uniqueId: `seed.${project.name}.${name}`,
      resourceType: 'seed',
      name,
      packageName: project.name,
      originalFilePath: f.path,
      path: f.relativeToRoot,
      fqn,
      description: this.describe(patch?.description ?? '', patch?.file),
      config: { ...config, materialized: 'seed' },
      tags: config.tags,
      meta: config.meta,
      columns: this.columns(patch?.columns ?? [], patch?.file),
      patchPath: patch?.file,
      relation: this.relationFor('seed', name, config),
      checksum: f.checksum,
      absolutePath: f.absolutePath,
      dependsOn: { nodes: [], macros: [] },
    } satisfies SeedNode);
  }

  *sourceNodes(props: Properties): Generator<SourceNode> {
    const project = this.project;
    for (const src of props.sources) {
      for (const t of src.tables) {
        const fqn = [project.name, src.name, t.name];
        const check = this.check('source');
        const config = finalizeConfig(
          mergeConfigs(...folderConfigs(project.sources, fqn, 'source'), normalizeConfig(pickSourceConfig(src.config), src.where, src.configWhere, check), normalizeConfig(pickSourceConfig(t.config), t.where, t.configWhere, check)),
          'source',
        );
        const identifier = t.identifier ?? t.name;
        const location = t.externalLocation ?? src.externalLocation;
        yield Object.freeze({
          uniqueId: `source.${project.name}.${src.name}.${t.name}`,
          resourceType: 'source',
          name: t.name,
          packageName: project.name,
          originalFilePath: src.file,
          path: src.file,
          fqn,
          description: this.describe(t.description, src.file),
          sourceName: src.name,
          sourceDescription: this.describe(src.description, src.file),
          config,
          tags: [...new Set([...config.tags, ...t.tags])],
          meta: { ...src.meta, ...t.meta },
          columns: this.columns(t.columns, src.file),
          patchPath: src.file,
          relation: { database: src.database ?? this.cfg.target.database, schema: src.schema ?? src.name, identifier },
          checksum: sha256(JSON.stringify([src.name, t.name, identifier, location])),
          identifier,
          externalLocation: location ? location.replaceAll('{name}', t.name).replaceAll('{identifier}', identifier) : undefined,
          loader: t.loader,
        } satisfies SourceNode);
      }
    }
  }

  testsOf(target: TestTarget, patch: { columns: readonly ColumnPatch[]; tests: readonly import('./properties.js').TestDefinition[] }): SqlNode[] {
    const out: SqlNode[] = [];
    const check = this.check('test');
    const make = (t: import('./properties.js').TestDefinition, column?: string) => {
      const node = makeGenericTest(this.project, target, t, column, this.engine, check);
      this.testWhere.set(node.uniqueId, t.where);
      out.push(node);
    };
    for (const t of patch.tests) make(t);
    for (const c of patch.columns) for (const t of c.tests) make(t, c.name);
    return out;
  }

  /**
   * The unique ids of the tests declared on a node that does not exist or is disabled (dbt keeps
   * them as disabled nodes). A definition that would not parse is left out: it can never run.
   */
  disabledTestsOf(target: TestTarget, patch: { columns: readonly ColumnPatch[]; tests: readonly import('./properties.js').TestDefinition[] }): string[] {
    const out: string[] = [];
    const quiet: ConfigCheck = { resourceType: 'test' };
    const each = (t: import('./properties.js').TestDefinition, column?: string) => {
      try {
        out.push(makeGenericTest(this.project, target, t, column, undefined, quiet).uniqueId);
      } catch (err) {
        if (!(err instanceof BmpError)) throw err;
      }
    };
    for (const t of patch.tests) each(t);
    for (const c of patch.columns) for (const t of c.tests) each(t, c.name);
    return out;
  }

  unitTestNode(ut: Properties['unitTests'][number]): UnitTestNode {
    const project = this.project;
    const config = finalizeConfig(mergeConfigs(...folderConfigs(project.unitTests, [project.name, ut.model, ut.name], 'unit_test'), normalizeConfig(ut.config, ut.where, undefined, this.check('unit_test'))), 'unit_test');
    const rowsOf = (x: { rows?: unknown; format?: string; fixture?: string }) => {
      const format = (x.format ?? 'dict') as 'dict' | 'csv' | 'sql';
      if (!['dict', 'csv', 'sql'].includes(format)) throw new ParseError('BMP_UNIT_TEST_INVALID', `unit test '${ut.name}': format must be dict, csv or sql`, ut.where);
      return format === 'dict'
        ? { format, rows: (x.rows as Record<string, unknown>[] | undefined) ?? [], fixture: x.fixture }
        : format === 'csv'
          ? { format, csv: typeof x.rows === 'string' ? x.rows : undefined, fixture: x.fixture }
          : { format, sql: typeof x.rows === 'string' ? x.rows : undefined, fixture: x.fixture };
    };
    return Object.freeze({
      uniqueId: `unit_test.${project.name}.${ut.model}.${ut.name}`,
      resourceType: 'unit_test',
      name: ut.name,
      packageName: project.name,
      originalFilePath: ut.file,
      path: ut.file,
      fqn: [project.name, ut.model, ut.name],
      description: ut.description,
      config,
      tags: config.tags,
      meta: config.meta,
      columns: {},
      patchPath: ut.file,
      checksum: sha256(JSON.stringify(ut)),
      model: ut.model,
      given: ut.given.map((g) => ({ input: g.input.trim(), rows: rowsOf(g) })),
      expect: rowsOf(ut.expect),
      overrides: ut.overrides as UnitTestNode['overrides'],
      dependsOn: { nodes: [], macros: [] },
    } satisfies UnitTestNode);
  }

  /** dbt's generate_schema_name / generate_alias_name, overridable by a project macro. */
  relationFor(resourceType: ResourceType, name: string, config: NodeConfig): Relation {
    const target = this.cfg.target;
    const custom = config.schema;
    let schema: string;
    if (this.engine.macros.has('generate_schema_name')) {
      schema = String(this.engine.callMacro('generate_schema_name', [custom ?? null, { name, resource_type: resourceType, config }], undefined, this.baseGlobals())).trim();
    } else schema = custom ? `${target.schema}_${custom.trim()}` : target.schema;
    // dbt's legacy snapshot config: target_schema is the schema, verbatim
    if (resourceType === 'snapshot' && typeof config['target_schema'] === 'string' && config['target_schema']) schema = config['target_schema'];
    let identifier = config.alias ?? name;
    if (this.engine.macros.has('generate_alias_name')) {
      identifier = String(this.engine.callMacro('generate_alias_name', [config.alias ?? null, { name, resource_type: resourceType, config }], undefined, this.baseGlobals())).trim();
    }
    return { database: target.database, schema, identifier };
  }

  private baseGlobals(): Record<string, unknown> {
    const t = this.cfg.target;
    return { target: { name: t.name, schema: t.schema, type: 'duckdb', threads: t.threads, database: t.database, profile_name: t.profileName, path: t.path } };
  }

  /** Renders `{{ doc('x') }}` in descriptions. */
  describe(text: string, file?: string): string {
    if (!text.includes('{{')) return text;
    return this.engine.render({ file: file ?? 'description', source: text }, { doc: (n: string) => this.doc(n, file) });
  }

  private doc(name: string, file?: string): string {
    const d = this.docs.get(`doc.${this.project.name}.${name}`);
    if (!d) {
      const names = [...this.docs.values()].map((x) => x.name);
      throw new ParseError('BMP_DOC_UNDEFINED', `doc('${name}') is not defined in any {% docs %} block`, { file }, closeMatches(name, names).map((n) => `did you mean '${n}'?`)[0]);
    }
    return d.blockContents;
  }

  private columns(cols: readonly ColumnPatch[], file?: string): Record<string, ColumnInfo> {
    const out: Record<string, ColumnInfo> = {};
    for (const c of cols) out[c.name] = { name: c.name, description: this.describe(c.description, file), data_type: c.data_type, meta: c.meta, tags: c.tags };
    return out;
  }

  /** Finds refs, sources and in-file config: statically when possible, else by a capture render. */
  private capture(source: string, where: ErrorLocation, preConfig: Record<string, unknown>, provisionalRelation: () => Relation): Captured {
    const captured: Captured = { refs: [], sources: [], config: {} };
    const stat = analyzeStatic(source);
    if (stat) {
      for (const seg of stat.segments) {
        if (typeof seg === 'string') continue;
        this.recordStatic(seg, captured, where, source);
      }
      return captured;
    }
    const target = this.cfg.target;
    const provisional = provisionalRelation();
    const hooks: ContextHooks = {
      ref: (name, pkg) => {
        captured.refs.push(pkg ? { package: pkg, name } : { name });
        return new TemplateRelation(target.database, target.schema, name);
      },
      source: (s, t) => {
        captured.sources.push([s, t]);
        return new TemplateRelation(target.database, s, t);
      },
      onConfig: (c) => Object.assign(captured.config, c),
      configValue: (k) => captured.config[k] ?? preConfig[k],
      var: (name, fallback, hasFallback) => this.var(name, fallback, hasFallback, where),
      envVar: (n, d) => envVar(n, d),
      isIncremental: () => false,
      runQuery: () => null,
      getRelation: () => null,
      getColumns: () => [],
      log: () => undefined,
      doc: (n) => this.doc(n, where.file),
      thisRelation: new TemplateRelation(provisional.database, provisional.schema, provisional.identifier),
      execute: false,
      target: this.baseGlobals()['target'] as Record<string, unknown>,
      runStartedAt: new Date().toISOString(),
      invocationId: '',
      flags: {},
      hasMacro: (n) => this.engine.macros.has(n),
      macro: (n) => this.engine.macroFunction(n),
    };
    this.engine.render({ file: where.file!, source, nodeId: where.nodeId }, { ...parseStubGlobals(), ...buildTemplateContext(hooks) }, { parsing: true });
    return captured;
  }

  private recordStatic(call: StaticCall, captured: Captured, where: ErrorLocation, source = ''): void {
    switch (call.fn) {
      case 'ref':
        captured.refs.push(call.args.length >= 2 ? { package: String(call.args[0]), name: String(call.args[1]) } : { name: String(call.args[0]) });
        break;
      case 'source':
        captured.sources.push([String(call.args[0]), String(call.args[1])]);
        break;
      case 'config':
        Object.assign(captured.config, call.args[0] && typeof call.args[0] === 'object' ? call.args[0] : {}, call.kwargs);
        break;
      case 'var':
      case 'env_var':
        // read now, as the render path does: a missing (env) var is a parse error, a secret gets masked
        try {
          if (call.fn === 'var') this.var(String(call.args[0]), call.args[1], call.args.length > 1, where);
          else envVar(String(call.args[0]), call.args[1] ?? undefined);
        } catch (err) {
          if (!(err instanceof BmpError) || err.where.line !== undefined) throw err;
          const at = new RegExp(`\\b${call.fn}\\s*\\(\\s*['"]${String(call.args[0]).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`).exec(source);
          const Ctor = err.constructor as new (code: BmpError['code'], message: string, where: ErrorLocation, hint?: string) => BmpError;
          throw new Ctor(err.code, err.message, { ...where, ...err.where, line: at ? lineAt(source, at.index) : undefined }, err.hint);
        }
        break;
      default:
        break;
    }
  }

  var(name: string, fallback: unknown, hasFallback: boolean | undefined, where: ErrorLocation): unknown {
    return lookupVar(this.cfg, name, fallback, hasFallback, where);
  }
}

/** `var()` as dbt resolves it: --vars, then project vars (global, then scoped to the project). */
export function lookupVar(cfg: LoadedConfig, name: string, fallback: unknown, hasFallback: boolean | undefined, where: ErrorLocation): unknown {
  if (name in cfg.cliVars) return cfg.cliVars[name];
  const scoped = cfg.project.vars[cfg.project.name];
  // a value written as a template (`pw: "{{ env_var('DB_PASSWORD') }}"`) is rendered when read, as in dbt
  if (scoped && typeof scoped === 'object' && name in (scoped as object)) return renderTemplatedVar((scoped as Record<string, unknown>)[name], where, cfg.vars);
  if (name in cfg.vars) return renderTemplatedVar(cfg.vars[name], where, cfg.vars);
  if (hasFallback) return fallback;
  throw new CompileError('BMP_VAR_UNDEFINED', `required var '${name}' not found in project.yml vars or --vars`, where, closeMatches(name, Object.keys(cfg.vars)).map((n) => `did you mean '${n}'?`)[0]);
}

/** The line of `key` inside a `config(...)` call of a template (else of the first `config(`), for errors. */
function configCallLine(source: string, key: string): number | undefined {
  const call = /\bconfig\s*\(/g;
  const esc = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const keyRe = new RegExp(`(^|[\\s,({])(${esc}\\s*=|['"]${esc}['"]\\s*:)`);
  let first: number | undefined;
  let m: RegExpExecArray | null;
  while ((m = call.exec(source))) {
    first ??= m.index;
    const k = keyRe.exec(source.slice(m.index, m.index + 2000));
    if (k) return lineAt(source, m.index + k.index + k[1]!.length);
  }
  return first === undefined ? undefined : lineAt(source, first);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function pickSourceConfig(c: Record<string, unknown>): Record<string, unknown> {
  const { external_location: _, ...rest } = c;
  return rest;
}

/** dbt's NoNodeForYamlKey: properties for a node that does not exist, located at the entry's name. */
function noNodeForYamlKey(kind: 'model' | 'seed' | 'snapshot', name: string, patch: NodePatch, existing: readonly string[]): ConfigWarning {
  const close = closeMatches(name, existing);
  const fix = close.length ? `did you mean ${close.map((c) => `'${c}'`).join(' or ')}? ` : '';
  const add = kind === 'model' ? `add models/.../${name}.sql, ` : kind === 'seed' ? `add seeds/.../${name}.csv, ` : '';
  return warningAt(
    'NoNodeForYamlKey',
    'BMP_PATCH_UNUSED',
    `properties for ${kind} '${name}', which does not exist; dbt warns and ignores the entry: ${fix}${add}correct the name, or remove the entry`,
    { file: patch.file, line: patch.where.line },
    `${kind}.${name}`,
  );
}
