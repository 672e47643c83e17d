/** execute: the scheduler, the plugin contract and the session that runs nodes against DuckDB. */
export { schedule, dependencyMap, DEADLOCK, type ScheduleOptions } from './scheduler.js';
export { freedMemoryToKeep, MemoryWatch, roomBeside, type MemoryWatchOptions } from './memory-gate.js';
export { Session, openSession, type SessionOptions, type SessionProject, type OpenedSession } from './session.js';
export { runRelation, jinjaMaterializationOf } from './run-relation.js';
export { Warehouse, type EarlyWarehouse, type WarehouseMode, type WarehouseOptions } from './warehouse.js';
export { Compiler, type CompilerOptions } from './compiler.js';
export { ArtifactWriter } from './artifact-writer.js';
export { pluginTemplateGlobals, type BmpPlugin, type PluginRun, type RunContext, type NodeRunner, type BeforeMaterializeHook, type TemplatePhase, type TemplateGlobalsInput } from './plugin.js';
