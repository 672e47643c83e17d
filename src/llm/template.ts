import { CompileError, didYouMean } from '../errors.js';
import { splitKwargs, stripKeywords } from '../jinja/index.js';
import type { LlmSettings } from './settings.js';
import { embedSpec, generateSpec, specId, type EmbedOptions, type GenerateOptions, type LlmSpec } from './spec.js';
import { embeddingCallSql, responseCallSql } from '../adapters/duckdb/index.js';

/**
 * Specs by id, filled as templates render; the run's collect pass reads them back. One per plugin
 * instance (so per invocation); specs are pure values keyed by their content.
 */
export class LlmSpecs {
  private readonly specs = new Map<string, LlmSpec>();

  register(spec: LlmSpec): string {
    const id = specId(spec);
    if (!this.specs.has(id)) this.specs.set(id, spec);
    return id;
  }

  byId(id: string): LlmSpec | undefined {
    return this.specs.get(id);
  }
}


const GENERATE_ARGS = ['prompt', 'model', 'json', 'system', 'temperature', 'options'] as const;
const EMBED_ARGS = ['text', 'dims', 'model'] as const;

function bind(fn: string, names: readonly string[], args: unknown[]): Record<string, unknown> {
  const { positional, kwargs } = splitKwargs(args);
  if (positional.length > names.length) throw new CompileError('BMP_LLM_ARGUMENT', `${fn}() takes at most ${names.length} arguments (${names.join(', ')}), got ${positional.length}`);
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => (out[names[i]!] = v));
  for (const [k, v] of Object.entries(kwargs)) {
    if (!names.includes(k)) throw new CompileError('BMP_LLM_ARGUMENT', `${fn}() has no argument '${k}'`, {}, didYouMean(k, names) ?? `arguments: ${names.join(', ')}`);
    out[k] = v;
  }
  const first = out[names[0]!];
  if (first === undefined || first === null || String(first).trim() === '') {
    throw new CompileError('BMP_LLM_ARGUMENT', `${fn}() needs a SQL expression for '${names[0]}' (e.g. ${fn}("'Summarise: ' || content"))`);
  }
  return out;
}

function optionalString(fn: string, name: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new CompileError('BMP_LLM_ARGUMENT', `${fn}(): '${name}' must be a string`);
  return v;
}

/**
 * The template functions: each returns a SQL expression that reads the response from the cache
 * table; the run fills the cache (collect → fetch) before the model materializes.
 *
 * - `llm_generate(prompt, model=none, json=false, system=none, temperature=none, options=none)`
 *   → VARCHAR (JSON text when `json=true`). `prompt` is a SQL expression (a column, a `||` concatenation).
 * - `llm_embed(text, dims=none, model=none)` → FLOAT[dims] (FLOAT[] when dims is unknown).
 * @throws CompileError BMP_LLM_ARGUMENT for unknown or malformed arguments.
 */
export function llmTemplateGlobals(settings: LlmSettings, specs: LlmSpecs = new LlmSpecs()): Record<string, (...args: unknown[]) => string> {
  return {
    llm_generate: (...args: unknown[]) => {
      const a = bind('llm_generate', GENERATE_ARGS, args);
      const temperature = a['temperature'] === undefined || a['temperature'] === null ? undefined : Number(a['temperature']);
      if (temperature !== undefined && !Number.isFinite(temperature)) throw new CompileError('BMP_LLM_ARGUMENT', `llm_generate(): 'temperature' must be a number`);
      const options = a['options'] === undefined || a['options'] === null ? undefined : stripKeywords(a['options'] as Record<string, unknown>);
      if (options !== undefined && (typeof options !== 'object' || Array.isArray(options))) throw new CompileError('BMP_LLM_ARGUMENT', `llm_generate(): 'options' must be a mapping`);
      const o: GenerateOptions = {
        model: optionalString('llm_generate', 'model', a['model']),
        json: !!a['json'],
        system: optionalString('llm_generate', 'system', a['system']),
        temperature,
        options,
      };
      return responseCallSql(specs.register(generateSpec(settings, o)), String(a['prompt']));
    },
    llm_embed: (...args: unknown[]) => {
      const a = bind('llm_embed', EMBED_ARGS, args);
      const dims = a['dims'] === undefined || a['dims'] === null ? undefined : Number(a['dims']);
      if (dims !== undefined && !(Number.isInteger(dims) && dims >= 1)) throw new CompileError('BMP_LLM_ARGUMENT', `llm_embed(): 'dims' must be a positive integer, got ${JSON.stringify(a['dims'])}`);
      const o: EmbedOptions = { model: optionalString('llm_embed', 'model', a['model']), dims };
      const spec = embedSpec(settings, o);
      const known = spec.options['dims'] as number | undefined;
      return embeddingCallSql(specs.register(spec), String(a['text']), known);
    },
  };
}
