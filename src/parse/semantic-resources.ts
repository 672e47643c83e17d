/**
 * Exposures, groups, metrics, semantic models and saved queries: dbt parses them from properties
 * files into the manifest (and dbt-docs shows them); bmp does the same and never runs them. Each is
 * checked for what dbt requires (an exposure's type and owner, a metric's label and type, ...) and its
 * references resolved to unique ids, with a located error otherwise.
 */
import { dirname } from 'node:path';
import { ParseError, closeMatches, didYouMeanOf, type ErrorLocation } from '../errors.js';
import { analyzeStatic } from '../jinja/index.js';
import type { ExecutableNode, ProjectResource, SourceNode } from '../manifest/types.js';
import type { RawResource } from './properties.js';

const EXPOSURE_TYPES = ['dashboard', 'notebook', 'analysis', 'ml', 'application'];
const MATURITIES = ['low', 'medium', 'high'];
const METRIC_TYPES = ['simple', 'ratio', 'cumulative', 'derived', 'conversion'];
const AGGREGATIONS = ['sum', 'min', 'max', 'count_distinct', 'sum_boolean', 'average', 'percentile', 'median', 'count'];
const ENTITY_TYPES = ['foreign', 'natural', 'primary', 'unique'];
const GRANULARITIES = ['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

interface Lookup {
  readonly projectName: string;
  readonly nodes: ReadonlyMap<string, ExecutableNode>;
  readonly sources: ReadonlyMap<string, SourceNode>;
  /** Resource folders (model paths), for fqn. */
  readonly roots: readonly string[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/**
 * The project's exposures, groups, metrics, semantic models and saved queries, by unique id.
 * @throws ParseError BMP_RESOURCE_INVALID (a missing or wrong required field), BMP_RESOURCE_REF (a reference to nothing)
 */
export function parseResources(raw: readonly RawResource[], lookup: Lookup): Map<string, ProjectResource> {
  const out = new Map<string, ProjectResource>();
  const ctx = new ResourceParser(lookup);
  // semantic models first: metrics depend on the measures they define
  const order = ['groups', 'semantic_models', 'metrics', 'saved_queries', 'exposures'] as const;
  for (const kind of order) {
    for (const r of raw.filter((x) => x.kind === kind)) {
      const res = ctx.parse(r, out);
      if (out.has(res.uniqueId)) throw new ParseError('BMP_RESOURCE_INVALID', `${res.resourceType.replace('_', ' ')} '${res.name}' is declared twice`, r.locate(['name']));
      out.set(res.uniqueId, res);
    }
  }
  return out;
}

class ResourceParser {
  constructor(private readonly lookup: Lookup) {}

  private fqn(file: string, name: string): string[] {
    const root = this.lookup.roots.find((r) => file.startsWith(`${r}/`));
    const dir = dirname(root ? file.slice(root.length + 1) : file);
    return [this.lookup.projectName, ...(dir === '.' ? [] : dir.split('/')), name];
  }

  private fail(r: RawResource, path: (string | number)[], message: string, hint?: string): never {
    throw new ParseError('BMP_RESOURCE_INVALID', message, r.locate(path), hint);
  }

  private name(r: RawResource, what: string): string {
    const name = str(r.entry['name']);
    if (!name) this.fail(r, [], `${what} without a name`);
    return name;
  }

  private oneOf(r: RawResource, key: string, value: unknown, allowed: readonly string[], what: string): string {
    const v = typeof value === 'string' ? value.toLowerCase() : value;
    if (typeof v !== 'string' || !allowed.includes(v)) this.fail(r, [key], `${what}: '${key}' must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return v;
  }

  /** `ref('x')` / `source('a', 'b')` / `metric('m')` written in YAML, to a unique id. */
  private resolve(r: RawResource, path: (string | number)[], text: unknown, done: ReadonlyMap<string, ProjectResource>, what: string): { id: string; call: 'ref' | 'source' | 'metric'; args: string[] } {
    const t = String(text ?? '').trim();
    const m = /^metric\s*\(\s*['"]([^'"]+)['"]\s*\)$/.exec(t);
    if (m) {
      const id = `metric.${this.lookup.projectName}.${m[1]}`;
      if (!done.has(id)) throw new ParseError('BMP_RESOURCE_REF', `${what} depends on metric '${m[1]}', which was not found`, r.locate(path));
      return { id, call: 'metric', args: [m[1]!] };
    }
    const call = analyzeStatic(`{{ ${t} }}`)?.segments.find((s) => typeof s !== 'string');
    if (!call || typeof call === 'string' || (call.fn !== 'ref' && call.fn !== 'source')) {
      this.fail(r, path, `${what}: ${JSON.stringify(text)} must be ref('...'), source('...', '...') or metric('...')`);
    }
    const args = call.args.map(String);
    if (call.fn === 'source') {
      const id = `source.${this.lookup.projectName}.${args[0]}.${args[1]}`;
      if (!this.lookup.sources.has(id)) throw new ParseError('BMP_RESOURCE_REF', `${what} depends on source '${args[0]}.${args[1]}', which was not found`, r.locate(path));
      return { id, call: 'source', args };
    }
    const name = args[args.length - 1]!;
    // ref('pkg', 'x') names the package; ref('x') prefers this project's node, then any package's
    const pkg = args.length > 1 ? args[0] : undefined;
    const candidates = [...this.lookup.nodes.values()].filter((n) => n.name === name && (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot') && (pkg === undefined || n.packageName === pkg));
    const found = candidates.find((n) => n.packageName === (pkg ?? this.lookup.projectName)) ?? candidates[0];
    if (!found) {
      const close = closeMatches(name, [...this.lookup.nodes.values()].filter((n) => n.resourceType === 'model').map((n) => n.name));
      throw new ParseError('BMP_RESOURCE_REF', `${what} depends on '${name}', which was not found`, r.locate(path), didYouMeanOf(close.slice(0, 1)));
    }
    return { id: found.uniqueId, call: 'ref', args };
  }

  private owner(r: RawResource, what: string): Record<string, unknown> {
    const owner = obj(r.entry['owner']);
    if (!str(owner['name']) && !owner['email']) this.fail(r, ['owner'], `${what} needs an owner with a name or an email`, 'owner: {name: Data team, email: data@example.com}');
    return { ...owner, email: owner['email'] ?? null, name: owner['name'] ?? null };
  }

  private base(r: RawResource, type: ProjectResource['resourceType'], name: string, dependsOn: string[], properties: Record<string, unknown>): ProjectResource {
    const { projectName } = this.lookup;
    return Object.freeze({
      uniqueId: `${type}.${projectName}.${name}`,
      resourceType: type,
      name,
      label: str(r.entry['label']),
      description: str(r.entry['description']) ?? '',
      packageName: projectName,
      originalFilePath: r.file,
      fqn: this.fqn(r.file, name),
      dependsOn: [...new Set(dependsOn)],
      properties,
    });
  }

  parse(r: RawResource, done: ReadonlyMap<string, ProjectResource>): ProjectResource {
    switch (r.kind) {
      case 'groups':
        return this.group(r);
      case 'exposures':
        return this.exposure(r, done);
      case 'semantic_models':
        return this.semanticModel(r);
      case 'metrics':
        return this.metric(r, done);
      case 'saved_queries':
        return this.savedQuery(r, done);
    }
  }

  private config(r: RawResource): Record<string, unknown> {
    const c = obj(r.entry['config']);
    return { ...c, enabled: c['enabled'] !== false, meta: obj(c['meta'] ?? r.entry['meta']) };
  }

  private group(r: RawResource): ProjectResource {
    const name = this.name(r, 'a group');
    return this.base(r, 'group', name, [], { owner: this.owner(r, `group '${name}'`), description: str(r.entry['description']) ?? null, config: { meta: obj(obj(r.entry['config'])['meta']) } });
  }

  private exposure(r: RawResource, done: ReadonlyMap<string, ProjectResource>): ProjectResource {
    const name = this.name(r, 'an exposure');
    const what = `exposure '${name}'`;
    const type = this.oneOf(r, 'type', r.entry['type'], EXPOSURE_TYPES, what);
    const maturity = r.entry['maturity'] === undefined || r.entry['maturity'] === null ? null : this.oneOf(r, 'maturity', r.entry['maturity'], MATURITIES, what);
    const deps = list(r.entry['depends_on']).map((d, i) => this.resolve(r, ['depends_on', i], d, done, what));
    const config = this.config(r);
    const tags = list(r.entry['tags'] ?? obj(r.entry['config'])['tags']).map(String);
    return this.base(
      r,
      'exposure',
      name,
      deps.map((d) => d.id),
      {
        type,
        owner: this.owner(r, what),
        label: str(r.entry['label']) ?? null,
        maturity,
        meta: obj(r.entry['meta']),
        tags,
        config: { ...config, tags },
        unrendered_config: {},
        url: str(r.entry['url']) ?? null,
        refs: deps.filter((d) => d.call === 'ref').map((d) => ({ name: d.args[d.args.length - 1], package: d.args.length > 1 ? d.args[0] : null, version: null })),
        sources: deps.filter((d) => d.call === 'source').map((d) => d.args),
        metrics: deps.filter((d) => d.call === 'metric').map((d) => d.args),
      },
    );
  }

  private semanticModel(r: RawResource): ProjectResource {
    const name = this.name(r, 'a semantic model');
    const what = `semantic model '${name}'`;
    if (r.entry['model'] === undefined) this.fail(r, [], `${what} needs model: ref('...')`);
    const model = this.resolve(r, ['model'], r.entry['model'], new Map(), what);
    const node = this.lookup.nodes.get(model.id);
    const rel = node?.relation;
    const element = (x: Record<string, unknown>) => ({ description: str(x['description']) ?? null, label: str(x['label']) ?? null, config: x['config'] ? { meta: obj(obj(x['config'])['meta']) } : null });
    const entities = list(r.entry['entities']).map((e, i) => {
      const x = obj(e);
      if (!str(x['name'])) this.fail(r, ['entities', i], `${what}: an entity needs a name`);
      return { name: x['name'], type: this.oneOf(r, 'type', x['type'], ENTITY_TYPES, `${what}, entity '${String(x['name'])}'`), ...element(x), role: str(x['role']) ?? null, expr: x['expr'] === undefined ? null : String(x['expr']) };
    });
    const measures = list(r.entry['measures']).map((e, i) => {
      const x = obj(e);
      if (!str(x['name'])) this.fail(r, ['measures', i], `${what}: a measure needs a name`);
      return {
        name: x['name'],
        agg: this.oneOf(r, 'agg', x['agg'], AGGREGATIONS, `${what}, measure '${String(x['name'])}'`),
        ...element(x),
        create_metric: x['create_metric'] === true,
        expr: x['expr'] === undefined ? null : String(x['expr']),
        agg_params: null,
        non_additive_dimension: null,
        agg_time_dimension: str(x['agg_time_dimension']) ?? null,
      };
    });
    const dimensions = list(r.entry['dimensions']).map((e, i) => {
      const x = obj(e);
      if (!str(x['name'])) this.fail(r, ['dimensions', i], `${what}: a dimension needs a name`);
      const type = this.oneOf(r, 'type', x['type'], ['categorical', 'time'], `${what}, dimension '${String(x['name'])}'`);
      const tp = obj(x['type_params']);
      const grain = tp['time_granularity'] === undefined ? undefined : this.oneOf(r, 'time_granularity', tp['time_granularity'], GRANULARITIES, `${what}, dimension '${String(x['name'])}'`);
      if (type === 'time' && !grain) this.fail(r, ['dimensions', i], `${what}: time dimension '${String(x['name'])}' needs type_params.time_granularity`);
      return { name: x['name'], type, ...element(x), is_partition: x['is_partition'] === true, type_params: grain ? { time_granularity: grain, validity_params: null } : null, expr: x['expr'] === undefined ? null : String(x['expr']), metadata: null };
    });
    const defaults = obj(r.entry['defaults']);
    return this.base(r, 'semantic_model', name, [model.id], {
      model: String(r.entry['model']),
      node_relation: rel ? { alias: rel.identifier, schema_name: rel.schema, database: rel.database, relation_name: `"${rel.database}"."${rel.schema}"."${rel.identifier}"` } : null,
      label: str(r.entry['label']) ?? null,
      defaults: defaults['agg_time_dimension'] ? { agg_time_dimension: String(defaults['agg_time_dimension']) } : null,
      entities,
      measures,
      dimensions,
      metadata: null,
      refs: [{ name: model.args[model.args.length - 1], package: null, version: null }],
      config: this.config(r),
      unrendered_config: {},
      primary_entity: str(r.entry['primary_entity']) ?? null,
      group: str(r.entry['group']) ?? null,
    });
  }

  private metric(r: RawResource, done: ReadonlyMap<string, ProjectResource>): ProjectResource {
    const name = this.name(r, 'a metric');
    const what = `metric '${name}'`;
    const label = str(r.entry['label']);
    if (!label) this.fail(r, [], `${what} needs a label`, `label: ${name.replace(/_/g, ' ')}`);
    const type = this.oneOf(r, 'type', r.entry['type'], METRIC_TYPES, what);
    const tp = obj(r.entry['type_params']);
    const measureOwner = (m: string, path: (string | number)[]) => {
      const owner = [...done.values()].find((x) => x.resourceType === 'semantic_model' && (x.properties['measures'] as { name: string }[]).some((ms) => ms.name === m));
      if (!owner) throw new ParseError('BMP_RESOURCE_REF', `${what} uses measure '${m}', which no semantic model defines`, r.locate(path));
      return owner.uniqueId;
    };
    const filterOf = (f: unknown) => (f === undefined || f === null ? null : { where_filters: list(f).map((w) => ({ where_sql_template: String(w) })) });
    const inputMeasure = (v: unknown) => {
      const x = typeof v === 'string' ? { name: v } : obj(v);
      return { name: String(x['name']), filter: filterOf(x['filter']), alias: str(x['alias']) ?? null, join_to_timespine: x['join_to_timespine'] === true, fill_nulls_with: typeof x['fill_nulls_with'] === 'number' ? x['fill_nulls_with'] : null };
    };
    const metricInput = (v: unknown, path: (string | number)[]) => {
      const x = typeof v === 'string' ? { name: v } : obj(v);
      const id = `metric.${this.lookup.projectName}.${String(x['name'])}`;
      if (!done.has(id)) throw new ParseError('BMP_RESOURCE_REF', `${what} uses metric '${String(x['name'])}', which was not found (metrics must be declared before the metrics that use them)`, r.locate(path));
      return { input: { name: String(x['name']), filter: filterOf(x['filter']), alias: str(x['alias']) ?? null, offset_window: windowOf(x['offset_window']), offset_to_grain: str(x['offset_to_grain']) ?? null }, id };
    };
    const deps: string[] = [];
    let measure = null;
    const inputMeasures: ReturnType<typeof inputMeasure>[] = [];
    if (tp['measure'] !== undefined) {
      measure = inputMeasure(tp['measure']);
      inputMeasures.push(measure);
      deps.push(measureOwner(measure.name, ['type_params', 'measure']));
    } else if (type === 'simple' || type === 'cumulative') this.fail(r, ['type_params'], `${what}: a ${type} metric needs type_params.measure`);
    const numerator = tp['numerator'] === undefined ? null : metricInput(tp['numerator'], ['type_params', 'numerator']);
    const denominator = tp['denominator'] === undefined ? null : metricInput(tp['denominator'], ['type_params', 'denominator']);
    if (type === 'ratio' && (!numerator || !denominator)) this.fail(r, ['type_params'], `${what}: a ratio metric needs type_params.numerator and denominator`);
    const metrics = tp['metrics'] === undefined ? null : list(tp['metrics']).map((m, i) => metricInput(m, ['type_params', 'metrics', i]));
    if (type === 'derived' && (!metrics?.length || tp['expr'] === undefined)) this.fail(r, ['type_params'], `${what}: a derived metric needs type_params.expr and metrics`);
    for (const m of [numerator, denominator, ...(metrics ?? [])]) if (m) deps.push(m.id);
    const grain = tp['grain_to_date'] === undefined ? null : this.oneOf(r, 'grain_to_date', tp['grain_to_date'], GRANULARITIES, what);
    const tags = list(r.entry['tags']).map(String);
    return this.base(r, 'metric', name, deps, {
      label,
      type,
      type_params: {
        measure,
        input_measures: inputMeasures,
        numerator: numerator?.input ?? null,
        denominator: denominator?.input ?? null,
        expr: tp['expr'] === undefined ? null : String(tp['expr']),
        window: windowOf(tp['window']),
        grain_to_date: grain,
        metrics: metrics?.map((m) => m.input) ?? null,
        conversion_type_params: null,
        cumulative_type_params: null,
      },
      filter: filterOf(r.entry['filter']),
      metadata: null,
      time_granularity: str(r.entry['time_granularity']) ?? null,
      meta: obj(r.entry['meta']),
      tags,
      config: { ...this.config(r), group: str(r.entry['group']) ?? null },
      unrendered_config: {},
      sources: [],
      refs: [],
      metrics: metrics?.map((m) => [m.input.name]) ?? [],
      group: str(r.entry['group']) ?? null,
    });
  }

  private savedQuery(r: RawResource, done: ReadonlyMap<string, ProjectResource>): ProjectResource {
    const name = this.name(r, 'a saved query');
    const what = `saved query '${name}'`;
    const qp = obj(r.entry['query_params']);
    const metricNames = list(qp['metrics']).map(String);
    if (!metricNames.length) this.fail(r, ['query_params'], `${what} needs query_params.metrics`);
    const deps = metricNames.map((m, i) => {
      const id = `metric.${this.lookup.projectName}.${m}`;
      if (!done.has(id)) throw new ParseError('BMP_RESOURCE_REF', `${what} uses metric '${m}', which was not found`, r.locate(['query_params', 'metrics', i]));
      return id;
    });
    const exports = list(r.entry['exports']).map((e, i) => {
      const x = obj(e);
      const c = obj(x['config']);
      if (!str(x['name'])) this.fail(r, ['exports', i], `${what}: an export needs a name`);
      return {
        name: x['name'],
        config: { export_as: this.oneOf(r, 'export_as', c['export_as'] ?? 'table', ['table', 'view'], `${what}, export '${String(x['name'])}'`), schema_name: str(c['schema']) ?? null, alias: str(c['alias']) ?? null, database: null },
        unrendered_config: {},
      };
    });
    const where = qp['where'] === undefined ? null : { where_filters: list(qp['where']).map((w) => ({ where_sql_template: String(w) })) };
    return this.base(r, 'saved_query', name, deps, {
      query_params: { metrics: metricNames, group_by: list(qp['group_by']).map(String), where, order_by: list(qp['order_by']).map(String), limit: typeof qp['limit'] === 'number' ? qp['limit'] : null },
      exports,
      description: str(r.entry['description']) ?? null,
      label: str(r.entry['label']) ?? null,
      metadata: null,
      config: { ...this.config(r), group: str(r.entry['group']) ?? null, cache: { enabled: false } },
      unrendered_config: {},
      group: str(r.entry['group']) ?? null,
      refs: [],
      tags: list(r.entry['tags']).map(String),
    });
  }
}

/** `7 days` / `{count: 7, granularity: day}` → dbt's MetricTimeWindow. */
function windowOf(v: unknown): { count: number; granularity: string } | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    const m = /^\s*(\d+)\s+([a-z]+?)s?\s*$/i.exec(v);
    return m ? { count: Number(m[1]), granularity: m[2]!.toLowerCase() } : null;
  }
  const x = obj(v);
  return typeof x['count'] === 'number' ? { count: x['count'], granularity: String(x['granularity'] ?? 'day') } : null;
}

export type { ErrorLocation };
