/** The template context: one provider for every kind of render (see provider.ts). */
export { contextFor, refByName, sourceByName, templateValue, BufferedOutput, InvocationContext, type ContextEnv, type ContextKind, type NodeScope } from './provider.js';
export { makeInvocation, flagsOf, invocationArgs, type Invocation, type InvocationCommand, type InvocationOptions } from './invocation.js';
export { targetContext, type TargetContext } from './target.js';
export { CallReplay, MAX_TEMPLATE_CALLS } from './replay.js';
export { AgateTable, AgateType } from './agate.js';
export { AdapterResponse, type StoredResult } from './statements.js';
export { TemplateColumn } from './column.js';
export { DBT_VERSION, type ContextOutput } from './base.js';
export type { TemplateDatabase, DatabaseColumn, DatabaseRelation } from './database.js';
export { PyDate, PyDateTime, PyTime, PyTimeDelta, PyTimezone } from './modules/datetime.js';
