/** compile: node + manifest + vars + target → SQL. Ephemeral models become CTEs here. */
export { compileNode, renderMaterialization, type MaterializationOutcome, renderInNodeContext, renderOperation, injectCtes, cteName, externalReader, type CompiledNode, type CompileEnv, type DeferTo } from './compile-node.js';
export * from './context/index.js';
