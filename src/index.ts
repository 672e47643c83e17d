/**
 * bmp as a library: `import { build } from 'bmp'`.
 *
 * @example
 * const outcome = await build({ projectDir: '.', vars: '{synthetic_memories: 1000}' });
 * process.exitCode = outcome.exitCode;
 */
import { execute, type RunOptions, type RunOutcome } from './tasks/index.js';
import { loadConfig as loadConfigWith, type ConfigOptions, type LoadedConfig, type LoadOptions } from './config/index.js';
import { jinjaYamlSyntax } from './jinja/index.js';

export const run = (opts?: RunOptions): Promise<RunOutcome> => execute('run', opts);
export const build = (opts?: RunOptions): Promise<RunOutcome> => execute('build', opts);
export const test = (opts?: RunOptions): Promise<RunOutcome> => execute('test', opts);
export const seed = (opts?: RunOptions): Promise<RunOutcome> => execute('seed', opts);
export const snapshot = (opts?: RunOptions): Promise<RunOutcome> => execute('snapshot', opts);
export { execute, compile, list, show, debug, clean, loadProject, defaultPlugins } from './tasks/index.js';
export type { RunOptions, RunOutcome, CommonOptions, LoadedProject } from './tasks/index.js';
export type { BmpPlugin, PluginRun, RunContext, NodeRunner, BeforeMaterializeHook, TemplatePhase } from './execute/index.js';
export { testingPlugin } from './testing/index.js';
export { llmPlugin } from './llm/index.js';
export { BmpError, ConfigError, CompileError, ParseError, GraphError, UsageError, DatabaseError } from './errors.js';
export type { BmpEvent, NodeResult, EventSink } from './report/index.js';
/** The project and profile as commands see them: YAML values rendered with Jinja2's semantics unless `yamlSyntax` says otherwise. */
export const loadConfig = (opts: ConfigOptions & Partial<Pick<LoadOptions, 'yamlSyntax'>> = {}): Promise<LoadedConfig> => loadConfigWith({ ...opts, yamlSyntax: opts.yamlSyntax ?? jinjaYamlSyntax() });
export type * from './manifest/types.js';
