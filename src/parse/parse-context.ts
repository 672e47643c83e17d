import { basename, dirname } from 'node:path';
import { checkStrategyConfig, templateEnvVar, finalizeConfig, folderConfigs, mergeConfigs, normalizeConfig, type ConfigCheck, type ConfigResourceType, type ConfigTree, type ConfigWarning, type CustomKeyReport, type LoadedConfig, type ProjectConfig } from '../config/index.js';
import { BmpError, ConfigError, ParseError, closeMatches, didYouMeanOf, type ErrorLocation } from '../errors.js';
import { contextFor, type ContextEnv, type ContextOutput } from '../compile/context/index.js';
import { analyzeStatic, TemplateRelation, type RegisteredMacro, type StaticCall, type TemplateEngine } from '../jinja/index.js';
import { resolveDocId } from '../manifest/lookup.js';
import type { ColumnInfo, DocBlock, NodeConfig, RefCall, Relation, ResourceType, SeedNode, SourceNode, SqlNode, UnitTestNode } from '../manifest/types.js';
import { sha256, type SourceFile } from './files.js';
import { makeGenericTest, type TestMacro, type TestTarget } from './generic-tests.js';
import type { ColumnPatch, NodePatch, Properties, TestDefinition } from './properties.js';
import { lookupVar } from './vars.js';

interface Captured {
  refs: RefCall[];
  sources: [string, string][];
  config: Record<string, unknown>;
}

type Section = 'models' | 'seeds' | 'snapshots' | 'tests' | 'sources' | 'unitTests';

/** The file name without its extension (`models/stg/orders.sql` → `orders`). */
export function stem(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot >= 0 && dot < name.length - 1 ? name.slice(0, dot) : name;
}

/**
 * Everything node construction needs for one project of the parse: the root project or an installed
 * package. A package's nodes get its name (`model.dbt_utils.x`), its own project.yml configs, and
 * then the root project's configs for them, which win over everything the package says (dbt's order).
 */
export class ParseContext {
  readonly warnings: ConfigWarning[] = [];
  /** Where each generic test was declared (its YAML entry), for warnings about it. */
  readonly testWhere = new Map<string, { readonly where: ErrorLocation }>();
  private readonly root: ProjectConfig;
  private readonly isRoot: boolean;

  constructor(
    private readonly cfg: LoadedConfig,
    private readonly engine: TemplateEngine,
    private readonly docs: ReadonlyMap<string, DocBlock>,
    private readonly project: ProjectConfig,
    /** Custom config keys, one warning each across the projects of the parse. */
    private readonly customKeys: CustomKeyReport,
    /** The template context's environment (parse kind: nothing runs). */
    private readonly env: ContextEnv,
    /** Where log(), print() and exceptions.warn() of parse renders go. */
    private readonly output: ContextOutput,
    /** The package folder relative to the root project, for a package. */
    private readonly packagePath?: string,
  ) {
    this.root = cfg.project;
    this.isRoot = project === cfg.project;
  }

  /** How configs of one resource type are checked: its keys, its value rules, custom keys reported. */
  check(resourceType: ConfigResourceType): ConfigCheck {
    let check = this.checks.get(resourceType);
    if (!check) this.checks.set(resourceType, (check = { resourceType, onCustomKey: this.customKeys.add }));
    return check;
  }

  private readonly checks = new Map<ConfigResourceType, ConfigCheck>();

  get packageName(): string {
    return this.project.name;
  }

  /** The project's own configs for `fqn` (outermost first). */
  private ownLayers(section: Section | null, fqn: readonly string[], resourceType: ConfigResourceType): Record<string, unknown>[] {
    if (section === null) return [];
    return folderConfigs(this.project[section] as ConfigTree, fqn, resourceType);
  }

  /** The root project's configs for a package node; they apply last. */
  private rootLayers(section: Section | null, fqn: readonly string[], resourceType: ConfigResourceType): Record<string, unknown>[] {
    return this.isRoot || section === null ? [] : folderConfigs(this.root[section] as ConfigTree, fqn, resourceType);
  }

  private folders(f: SourceFile): string[] {
    const dir = dirname(f.relativeToRoot);
    return dir === '.' ? [] : dir.split('/');
  }

  /** A SQL node; `section` null for analyses (project.yml configures none, as in dbt). */
  sqlNode(resourceType: 'model' | 'test' | 'snapshot' | 'analysis', f: SourceFile, patch: NodePatch | undefined, section: 'models' | 'tests' | 'snapshots' | null, defaultMaterialized: string, rawOverride?: { name: string; text: string; line: number }, version?: { readonly v: string; readonly latest: string; readonly config: Record<string, unknown> }): SqlNode {
    const pkg = this.project.name;
    // a version of a versioned model is named after the model; its id and fqn end in v<version>
    const name = version && patch ? patch.name : (rawOverride?.name ?? stem(f.path));
    const fqn = version ? [pkg, ...this.folders(f), name, `v${version.v}`] : [pkg, ...this.folders(f), name];
    const uniqueId = version ? `${resourceType}.${pkg}.${name}.v${version.v}` : `${resourceType}.${pkg}.${name}`;
    const where: ErrorLocation = { file: f.path, nodeId: uniqueId };
    const rawCode = rawOverride?.text ?? f.text;
    // an analysis takes a model's configs (it is compiled like one, never built)
    const configType = resourceType === 'analysis' ? 'model' : resourceType;
    const check = this.check(configType);
    const patchConfig = patch ? normalizeConfig(patch.config, patch.where, patch.configWhere, check) : undefined;
    // (a version's relation is <name>_v<version> unless an alias is configured: relationFor)
    const versionConfig = version ? normalizeConfig(version.config, patch?.where ?? { file: f.path }, undefined, check) : undefined;
    const preConfig = mergeConfigs(...this.ownLayers(section, fqn, configType), patchConfig, versionConfig);
    // the root project's own nodes take no second layer of its configs (nothing to merge: read only)
    const rootConfig = this.isRoot ? NO_CONFIG : mergeConfigs(...this.rootLayers(section, fqn, configType));
    // `this` and `model` while capturing: only a template that renders (not the static fast path) needs them
    const rendering = () => ({
      provisional: this.relationFor(resourceType, name, finalizeConfig(mergeConfigs(preConfig, rootConfig), defaultMaterialized), version?.v),
      model: { unique_id: uniqueId, name, resource_type: resourceType, package_name: pkg, original_file_path: f.path, path: f.relativeToRoot, fqn, config: preConfig, raw_code: rawCode, language: 'sql' },
      preConfig: mergeConfigs(preConfig),
    });
    const captured = this.capture(rawCode, where, rootConfig, rendering);
    // the line of a key is searched for only when an error or warning reads it
    const inFile = normalizeConfig(captured.config, where, (key) => lazyLine(where, () => configCallLine(rawCode, key)), check);
    const merged = mergeConfigs(preConfig, inFile, rootConfig);
    if (patch) merged['tags'] = [...new Set([...((merged['tags'] as string[]) ?? []), ...patch.tags])];
    // a top-level `meta:` in YAML is config too (dbt moves it under config): config.meta holds it,
    // below what a `config:` block or config() sets
    if (patch && Object.keys(patch.meta).length) merged['meta'] = mergedMeta(patch.meta, (merged['meta'] as Record<string, unknown> | undefined) ?? {});
    const config = finalizeConfig(merged, defaultMaterialized);
    if (resourceType === 'model' && config.enabled) checkStrategyConfig(config, where);
    const relation = resourceType === 'test' || resourceType === 'analysis' || config.materialized === 'ephemeral' ? undefined : this.relationFor(resourceType, name, config, version?.v);
    // bmp builds in the target's database (its transactions, catalog reads and bookkeeping are
    // there): a node configured into another one is refused rather than written elsewhere
    const database = config.database;
    if (relation && typeof database === 'string' && database && database.toLowerCase() !== this.cfg.target.database.toLowerCase()) {
      throw new ConfigError('BMP_DATABASE_UNSUPPORTED', `${resourceType} '${name}' sets database '${database}', but bmp builds every node in the target's database '${this.cfg.target.database}'`, where, "read another database's tables as a source with database: (an attached database), or build this node in a project whose target is that database");
    }
    const rest = {
      config,
      tags: config.tags,
      meta: mergedMeta(patch?.meta, config.meta),
      columns: this.columns(patch?.columns ?? [], patch?.file),
      patchPath: patch?.file,
      relation,
      checksum: f.checksum,
      rawCode,
      refs: captured.refs,
      sources: captured.sources,
      dependsOn: { nodes: [], macros: [] },
      testMetadata: resourceType === 'test' ? ({ name, kwargs: {}, testType: 'singular' } as const) : undefined,
      ...(version && { version: version.v, latestVersion: version.latest }),
      ...(patch?.constraints && { constraints: patch.constraints }),
    } satisfies Partial<SqlNode>;
    return withFields({ ...this.fileIdentity(resourceType, name, fqn, f, patch), uniqueId }, rest) satisfies SqlNode;
  }

  /**
   * A snapshot declared in a properties file (dbt 1.9): `relation: ref('orders')` (or a source) is
   * what it snapshots; its config comes from `config:`.
   * @throws ParseError BMP_SNAPSHOT_RELATION when `relation` is not a ref() or source() call
   */
  yamlSnapshot(patch: NodePatch): SqlNode {
    const relation = String(patch.relation ?? '').trim();
    if (!/^(ref|source)\s*\(.*\)$/s.test(relation)) {
      throw new ParseError('BMP_SNAPSHOT_RELATION', `snapshot '${patch.name}': relation must be ref('...') or source('...', '...'), got ${JSON.stringify(patch.relation)}`, patch.where, "e.g. relation: ref('orders')");
    }
    const prefix = this.packagePath !== undefined ? `${this.packagePath}/` : '';
    const root = this.project.snapshotPaths.concat(this.project.modelPaths).map((r) => prefix + r).find((r) => patch.file.startsWith(`${r}/`)) ?? '';
    const relativeToRoot = root ? patch.file.slice(root.length + 1) : patch.file;
    const text = `select * from {{ ${relation} }}`;
    const file: SourceFile = { absolutePath: `${this.cfg.project.projectDir}/${patch.file}`, path: patch.file, relativeToRoot, root, text, checksum: sha256(`${patch.file}|${patch.name}|${relation}`) };
    return this.sqlNode('snapshot', file, patch, 'snapshots', 'snapshot', { name: patch.name, text, line: patch.where.line ?? 1 });
  }

  snapshotNodes(f: SourceFile, patches: Map<string, NodePatch>): SqlNode[] {
    const out: SqlNode[] = [];
    const re = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*endsnapshot\s*-?%\}/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(f.text))) {
      const line = f.text.slice(0, m.index).split('\n').length;
      const body = '\n'.repeat(line - 1) + m[2]!;
      out.push(this.sqlNode('snapshot', f, patches.get(m[1]!), 'snapshots', 'snapshot', { name: m[1]!, text: body, line }));
    }
    return out;
  }

  /** What a node read from a file says about where it comes from: ids, names, paths and its YAML description. */
  private fileIdentity<T extends string>(resourceType: T, name: string, fqn: readonly string[], f: SourceFile, patch: NodePatch | undefined) {
    const pkg = this.project.name;
    return {
      uniqueId: `${resourceType}.${pkg}.${name}`,
      resourceType,
      name,
      packageName: pkg,
      originalFilePath: f.path,
      ...(this.packagePath !== undefined && { packagePath: this.packagePath }),
      path: f.relativeToRoot,
      fqn,
      description: this.describe(patch?.description ?? '', patch?.file),
    };
  }

  seedNode(f: SourceFile, patch: NodePatch | undefined): SeedNode {
    const pkg = this.project.name;
    const name = stem(f.path);
    const fqn = [pkg, ...this.folders(f), name];
    const check = this.check('seed');
    const patchConfig = patch ? normalizeConfig(patch.config, patch.where, patch.configWhere, check) : {};
    const config = finalizeConfig(mergeConfigs(...this.ownLayers('seeds', fqn, 'seed'), patchConfig, ...this.rootLayers('seeds', fqn, 'seed')), 'seed');
    const rest = {
      config: withFields({ ...config }, { materialized: 'seed' }) as NodeConfig,
      tags: config.tags,
      meta: config.meta,
      columns: this.columns(patch?.columns ?? [], patch?.file),
      patchPath: patch?.file,
      relation: this.relationFor('seed', name, config),
      checksum: f.checksum,
      absolutePath: f.absolutePath,
      dependsOn: { nodes: [], macros: [] },
    } satisfies Partial<SeedNode>;
    return withFields(this.fileIdentity('seed', name, fqn, f, patch), rest) satisfies SeedNode;
  }

  *sourceNodes(props: Properties): Generator<SourceNode> {
    const pkg = this.project.name;
    for (const src of props.sources) {
      for (const t of src.tables) {
        const fqn = [pkg, src.name, t.name];
        const check = this.check('source');
        const config = finalizeConfig(
          mergeConfigs(
            ...this.ownLayers('sources', fqn, 'source'),
            normalizeConfig(pickSourceConfig(src.config), src.where, src.configWhere, check),
            normalizeConfig(pickSourceConfig(t.config), t.where, t.configWhere, check),
            ...this.rootLayers('sources', fqn, 'source'),
          ),
          'source',
        );
        const identifier = t.identifier ?? t.name;
        const location = t.externalLocation ?? src.externalLocation;
        yield Object.freeze({
          uniqueId: `source.${pkg}.${src.name}.${t.name}`,
          resourceType: 'source',
          name: t.name,
          packageName: pkg,
          originalFilePath: src.file,
          ...(this.packagePath !== undefined && { packagePath: this.packagePath }),
          path: src.file,
          fqn,
          description: this.describe(t.description, src.file),
          sourceName: src.name,
          sourceDescription: this.describe(src.description, src.file),
          config,
          tags: [...new Set([...config.tags, ...src.tags, ...t.tags])],
          meta: { ...src.meta, ...t.meta },
          columns: this.columns(t.columns, src.file),
          patchPath: src.file,
          relation: sourceRelation(src.database, this.cfg.target.database, src.schema ?? src.name, identifier),
          checksum: sha256(JSON.stringify([src.name, t.name, identifier, location])),
          identifier,
          externalLocation: location ? location.replaceAll('{name}', t.name).replaceAll('{identifier}', identifier) : undefined,
          loader: t.loader,
          loadedAtField: t.loadedAtField ?? src.loadedAtField,
          freshness: mergeFreshness(src.freshness, t.freshness),
        } satisfies SourceNode);
      }
    }
  }

  private testScope() {
    return { project: this.project, rootTests: this.isRoot ? undefined : this.root.tests, packagePath: this.packagePath };
  }

  testsOf(target: TestTarget, patch: { columns: readonly ColumnPatch[]; tests: readonly TestDefinition[] }): SqlNode[] {
    const out: SqlNode[] = [];
    const registry = this.engine.registry;
    const pkg = this.project.name;
    const tests = {
      find: (name: string, namespace?: string) => registry.findTest(name, namespace, pkg),
      isDefault: (macro: TestMacro | undefined) => this.isGlobalDefault(macro as RegisteredMacro | undefined),
      names: () => [...registry.visibleNames(pkg)].filter((n) => n.startsWith('test_')).map((n) => n.slice(5)),
    };
    const check = this.check('test');
    const make = (t: TestDefinition, column?: string, on: TestTarget = target) => {
      const node = makeGenericTest(this.testScope(), on, t, column, tests, check);
      this.testWhere.set(node.uniqueId, t); // its `where` is found when a warning asks
      out.push(node);
    };
    for (const t of patch.tests) make(t);
    // a column with `quote: true` is quoted in its tests, as dbt does (its name is not an expression)
    for (const c of patch.columns) {
      const columnTarget = c.tags.length ? { ...target, tags: [...(target.tags ?? []), ...c.tags] } : target;
      for (const t of c.tests) make(t, c.quote ? `"${c.name.replaceAll('"', '""')}"` : c.name, columnTarget);
    }
    return out;
  }

  /**
   * The unique ids of the tests declared on a node that does not exist or is disabled (dbt keeps
   * them as disabled nodes). A definition that would not parse is left out: it can never run.
   */
  disabledTestsOf(target: TestTarget, patch: { columns: readonly ColumnPatch[]; tests: readonly TestDefinition[] }): string[] {
    const out: string[] = [];
    const quiet: ConfigCheck = { resourceType: 'test' };
    const each = (t: TestDefinition, column?: string) => {
      try {
        out.push(makeGenericTest(this.testScope(), target, t, column, undefined, quiet).uniqueId);
      } catch (err) {
        if (!(err instanceof BmpError)) throw err;
      }
    };
    for (const t of patch.tests) each(t);
    for (const c of patch.columns) for (const t of c.tests) each(t, c.name);
    return out;
  }

  unitTestNode(ut: Properties['unitTests'][number]): UnitTestNode {
    const pkg = this.project.name;
    const fqn = [pkg, ut.model, ut.name];
    const config = finalizeConfig(mergeConfigs(...this.ownLayers('unitTests', fqn, 'unit_test'), normalizeConfig(ut.config, ut.where, undefined, this.check('unit_test')), ...this.rootLayers('unitTests', fqn, 'unit_test')), 'unit_test');
    const rowsOf = (x: { rows?: unknown; format?: string; fixture?: string }) => {
      const format = (x.format ?? 'dict') as 'dict' | 'csv' | 'sql';
      if (!['dict', 'csv', 'sql'].includes(format)) throw new ParseError('BMP_UNIT_TEST_INVALID', `unit test '${ut.name}': format must be dict, csv or sql`, ut.where);
      return format === 'dict'
        ? { format, ...(x.rows !== undefined && x.rows !== null && { rows: x.rows as Record<string, unknown>[] }), fixture: x.fixture }
        : format === 'csv'
          ? { format, csv: typeof x.rows === 'string' ? x.rows : undefined, fixture: x.fixture }
          : { format, sql: typeof x.rows === 'string' ? x.rows : undefined, fixture: x.fixture };
    };
    return Object.freeze({
      uniqueId: `unit_test.${pkg}.${ut.model}.${ut.name}`,
      resourceType: 'unit_test',
      name: ut.name,
      packageName: pkg,
      originalFilePath: ut.file,
      ...(this.packagePath !== undefined && { packagePath: this.packagePath }),
      path: ut.file,
      fqn,
      description: ut.description,
      config,
      tags: config.tags,
      meta: config.meta,
      columns: {},
      patchPath: ut.file,
      // the definition, not where it was written: `where` is a lazy location, and reading it would
      // parse the whole YAML file again with positions (and a moved test is not a modified one)
      checksum: sha256(JSON.stringify({ ...ut, where: undefined })),
      model: ut.model,
      given: ut.given.map((g) => ({ input: g.input.trim(), rows: rowsOf(g) })),
      expect: rowsOf(ut.expect),
      overrides: ut.overrides as UnitTestNode['overrides'],
      ...(ut.versions && { versions: ut.versions }),
      dependsOn: { nodes: [], macros: [] },
    } satisfies UnitTestNode);
  }

  /**
   * dbt's generate_schema_name / generate_alias_name: the root project's macro, else the node's
   * package's, else dbt's default (computed here without rendering anything).
   */
  relationFor(resourceType: ResourceType, name: string, config: NodeConfig, version?: string): Relation {
    const target = this.cfg.target;
    const custom = config.schema;
    const node = { name, resource_type: resourceType, config, package_name: this.project.name, ...(version !== undefined && { version }) };
    let schema: string;
    const registry = this.engine.registry;
    const schemaMacro = registry.resolve('generate_schema_name', this.project.name);
    if (schemaMacro && !this.isGlobalDefault(schemaMacro)) {
      schema = String(this.engine.callMacro(schemaMacro, [custom ?? null, node], undefined, this.macroGlobals(), this.project.name)).trim();
    } else schema = custom ? `${target.schema}_${custom.trim()}` : target.schema;
    // dbt's legacy snapshot config: target_schema is the schema, verbatim
    if (resourceType === 'snapshot' && typeof config['target_schema'] === 'string' && config['target_schema']) schema = config['target_schema'];
    // dbt's default: the configured alias, else the name (a version's: <name>_v<version>, dots as _);
    // a project's own generate_alias_name gets no alias for a version without one, and the version
    let identifier = config.alias ?? (version !== undefined ? `${name}_v${version.replaceAll('.', '_')}` : name);
    const aliasMacro = registry.resolve('generate_alias_name', this.project.name);
    if (aliasMacro && !this.isGlobalDefault(aliasMacro)) {
      identifier = String(this.engine.callMacro(aliasMacro, [config.alias ?? null, node], undefined, this.macroGlobals(), this.project.name)).trim();
    }
    return { database: target.database, schema, identifier };
  }

  /**
   * `registry.isGlobalDefault` for this project, remembered per macro: every macro is registered
   * before any node is parsed, and a 5,000-model project with two tests each asks 20,000 times.
   */
  private isGlobalDefault(macro: RegisteredMacro | undefined): boolean {
    let answer = this.globalDefaults.get(macro);
    if (answer === undefined) {
      answer = this.engine.registry.isGlobalDefault(macro, this.project.name);
      this.globalDefaults.set(macro, answer);
    }
    return answer;
  }

  private readonly globalDefaults = new Map<RegisteredMacro | undefined, boolean>();

  /** The parse context for macros bmp calls itself (generate_schema_name, generate_alias_name). */
  private macroGlobals(): Record<string, unknown> {
    return (this.macroContext ??= contextFor('parse', this.env, { output: this.output, var: (n, d, has) => this.var(n, d, has, {}, 'parse') }));
  }
  private macroContext: Record<string, unknown> | undefined;

  /** Renders `{{ doc('x') }}` in descriptions. */
  describe(text: string, file?: string): string {
    if (!text.includes('{{')) return text;
    const context = contextFor('docs', this.env, { output: this.output, doc: (n, pkg) => this.doc(pkg === undefined ? [n] : [pkg, n], file), var: (n, d, has) => this.var(n, d, has, { file }, 'docs'), where: { file } });
    return this.engine.render({ file: file ?? 'description', source: text, packageName: this.project.name }, context);
  }

  private doc(args: readonly string[], file?: string): string {
    const [pkg, name] = args.length >= 2 ? [args[0], args[1]!] : [undefined, args[0]!];
    const id = resolveDocId({ projectName: this.root.name, docs: this.docs }, this.project.name, name, pkg);
    const d = id ? this.docs.get(id) : undefined;
    if (!d) {
      const names = [...this.docs.values()].map((x) => x.name);
      throw new ParseError('BMP_DOC_UNDEFINED', `doc('${name}') is not defined in any {% docs %} block`, { file }, didYouMeanOf(closeMatches(name, names).slice(0, 1)));
    }
    return d.blockContents;
  }

  private columns(cols: readonly ColumnPatch[], file?: string): Record<string, ColumnInfo> {
    const out: Record<string, ColumnInfo> = {};
    for (const c of cols) out[c.name] = { name: c.name, description: this.describe(c.description, file), data_type: c.data_type, meta: c.meta, tags: c.tags, ...(c.constraints && { constraints: c.constraints }) };
    return out;
  }

  /** Finds refs, sources and in-file config: statically when possible, else by a capture render. */
  private capture(source: string, where: ErrorLocation, rootConfig: Readonly<Record<string, unknown>>, rendering: () => { provisional: Relation; model: Record<string, unknown>; preConfig: Record<string, unknown> }): Captured {
    const captured: Captured = { refs: [], sources: [], config: {} };
    const stat = this.env.shared.staticPathAllowed ? analyzeStatic(source) : undefined;
    if (stat) {
      for (const seg of stat.segments) {
        if (typeof seg === 'string') continue;
        this.recordStatic(seg, captured, where, source);
      }
      return captured;
    }
    const target = this.cfg.target;
    const { provisional, model, preConfig } = rendering();
    const context = contextFor('parse', this.env, {
      model,
      ref: (name, pkg, v) => {
        const version = v === undefined || v === null ? {} : { version: String(v) };
        captured.refs.push(pkg ? { package: pkg, name, ...version } : { name, ...version });
        return new TemplateRelation(target.database, target.schema, name);
      },
      source: (s, t) => {
        captured.sources.push([s, t]);
        return new TemplateRelation(target.database, s, t);
      },
      setConfig: (c) => Object.assign(captured.config, c),
      configValue: (k) => rootConfig[k] ?? captured.config[k] ?? preConfig[k],
      var: (name, fallback, hasFallback) => this.var(name, fallback, hasFallback, where, 'parse'),
      doc: (n, pkg) => this.doc(pkg === undefined ? [n] : [pkg, n], where.file),
      this: new TemplateRelation(provisional.database, provisional.schema, provisional.identifier),
      output: this.output,
      where,
    });
    this.engine.render({ file: where.file!, source, nodeId: where.nodeId, packageName: this.project.name }, context, { parsing: true });
    return captured;
  }

  private recordStatic(call: StaticCall, captured: Captured, where: ErrorLocation, source = ''): void {
    switch (call.fn) {
      case 'ref':
        {
          const v = call.kwargs['v'] ?? call.kwargs['version'];
          const version = v === undefined || v === null ? {} : { version: String(v) };
          captured.refs.push(call.args.length >= 2 ? { package: String(call.args[0]), name: String(call.args[1]), ...version } : { name: String(call.args[0]), ...version });
        }
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
          else templateEnvVar(String(call.args[0]), call.args[1] ?? undefined);
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

  /** `var()` at parse; `render`: how a value holding a template renders (none: only checking it exists). */
  var(name: string, fallback: unknown, hasFallback: boolean | undefined, where: ErrorLocation, render?: 'parse' | 'docs'): unknown {
    const renderVar = render ? this.env.shared.varRender(render === 'parse', where) : undefined;
    return lookupVar(this.cfg, name, fallback, hasFallback, where, this.project.name, renderVar);
  }
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

/**
 * `identity` with `rest`'s fields added after its own, frozen: the node `{...identity, ...rest}`
 * would be, built by adding to `identity` rather than spreading it into a new object. (V8 gives
 * nearly every object made by a spread followed by more properties a hidden class of its own:
 * 15,000 nodes with 15,000 shapes make every later read of a node's field slow, and each is
 * several times slower to make.)
 */
function withFields<A extends object, B extends object>(identity: A, rest: B): Readonly<A & B> {
  const out = identity as Record<string, unknown>;
  for (const key in rest) out[key] = rest[key];
  return Object.freeze(out) as Readonly<A & B>;
}

/** A node's meta: the properties' then the config's (a new object, as `{...a, ...b}` gives). */
function mergedMeta(a: Readonly<Record<string, unknown>> | undefined, b: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (a) for (const key in a) out[key] = a[key];
  for (const key in b) out[key] = b[key];
  return out;
}

/** `where` with a line found on first read (an own enumerable getter: spreading the location reads it). */
function lazyLine(where: ErrorLocation, find: () => number | undefined): ErrorLocation {
  let line: number | undefined | null = null;
  return {
    ...where,
    get line() {
      if (line === null) line = find();
      return line;
    },
  };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The config layer of nodes that have none (read only). */
const NO_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({});

function pickSourceConfig(c: Record<string, unknown>): Record<string, unknown> {
  const { external_location: _, ...rest } = c;
  return rest;
}

/**
 * A table's `freshness` over its source's, as dbt merges them: key by key (`warn_after`,
 * `error_after`, `filter`), so a table that sets only `warn_after` keeps the source's
 * `error_after`; a table's `freshness: null` turns it off.
 */
export function mergeFreshness(source: unknown, table: unknown): unknown {
  if (table === undefined) return source;
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(table) || !isMap(source)) return table;
  return { ...source, ...Object.fromEntries(Object.entries(table).filter(([, v]) => v !== undefined)) };
}

/** A source's relation: in the target's database unless its `database:` names another (attached) one. */
function sourceRelation(database: string | undefined, targetDatabase: string, schema: string, identifier: string): Relation {
  const attached = database !== undefined && database.toLowerCase() !== targetDatabase.toLowerCase();
  return { database: database ?? targetDatabase, schema, identifier, ...(attached && { attached: true }) };
}
