/** The template engine shared by parse (config/ref discovery) and compile. */
export { TemplateEngine, type RenderInput, type RenderOptions } from './engine.js';
export { MacroRegistry, GLOBAL_PACKAGE, DISPATCH_PREFIXES, registeredName, type MacroSource, type RegisteredMacro, type DispatchOrder } from './macro-registry.js';
export { TemplateRelation, stripKeywords, type RelationType, type RelationPolicy } from './relation.js';
export { findMacroBlocks, findDocsBlocks, parseArgs, lineOf, type MacroBlock } from './macro-source.js';
export { analyzeStatic, renderStatic, type StaticAnalysis, type StaticCall } from './static-template.js';
export { splitKwargs } from './context.js';
export { RenderSuspended, suspensionIn } from './suspend.js';
export { tuple, PyFloat, PyDecimal } from './python/value.js';
export { markTemplateCallable } from './python/runtime.js';
export { PySet } from './python/set.js';
export { jinjaYamlSyntax } from './yaml-syntax.js';
