/** parse: project files → manifest nodes with refs, sources and merged configs. */
export { parseProject, lookupVar, type ParseResult } from './parse-project.js';
export { readProjectFiles, sha256, type SourceFile } from './files.js';
export { genericTestName } from './generic-tests.js';
export { checkRelationCollisions } from './relation-collisions.js';
