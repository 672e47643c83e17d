import './plugins.js';
/** The commands as library functions; the CLI maps their outcomes to exit codes. */
export { execute, COMMAND_TYPES, registerDefaultPlugin, type RunCommand, type RunOptions, type RunOutcome, type SessionPlugin } from './run-task.js';
export { compile, parse, type CompileOutcome } from './compile-task.js';
export { list, type ListOutput } from './list-task.js';
export { show, type ShowResult } from './show-task.js';
export { debug, type DebugReport } from './debug-clean.js';
export { clean, type CleanReport } from './clean-task.js';
export { invocationFor, loadProject, selectFor, templateOutput, writeManifest, type CommonOptions, type LoadedProject } from './project.js';
