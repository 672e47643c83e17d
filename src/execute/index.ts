/** execute: the scheduler, the plugin contract and the session that runs nodes against DuckDB. */
export { schedule, dependencyMap, DEADLOCK, type ScheduleOptions } from './scheduler.js';
export { Session, runRelation, type SessionOptions } from './session.js';
export { pluginTemplateGlobals, type BmpPlugin, type PluginRun, type RunContext, type NodeRunner, type BeforeMaterializeHook, type TemplatePhase, type TemplateGlobalsInput } from './plugin.js';
