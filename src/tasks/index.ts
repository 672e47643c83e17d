/** The commands as library functions; the CLI maps their outcomes to exit codes. */
export { execute, COMMAND_TYPES, type RunCommand, type RunOptions, type RunOutcome } from './run-task.js';
export { defaultPlugins } from './plugins.js';
export { compile, parse, type CompileOutcome } from './compile-task.js';
export { list, type ListOutput } from './list-task.js';
export { show, type ShowResult } from './show-task.js';
export { configDir, debug, type DebugReport } from './debug-clean.js';
export { clean, type CleanReport } from './clean-task.js';
export { listPartitions, type PartitionListing, type PartitionInfo } from './partitions-task.js';
export { invocationFor, loadProject, selectFor, templateOutput, writeManifest, type CommonOptions, type LoadedProject, type ResourceTypeOption } from './project.js';
