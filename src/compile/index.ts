/** compile: node + manifest + vars + target → SQL. Ephemeral models become CTEs here. */
export { compileNode, rendersTemplate, renderMaterialization, type MaterializationOutcome, renderInNodeContext, injectCtes, cteName, externalReader, type CompiledNode, type CompileEnv } from './compile-node.js';
