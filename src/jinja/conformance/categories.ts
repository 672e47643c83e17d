/** The conformance cases by category: run against bmp by conformance.test.ts, against Jinja2 by tests/integration/jinja2-oracle.test.ts. */
import type { Case } from './case.js';
import { cases as filters } from './filters.cases.js';
import { cases as listDictMethods } from './list-dict-methods.cases.js';
import { cases as operators } from './operators.cases.js';
import { cases as strMethods } from './str-methods.cases.js';
import { cases as syntax } from './syntax.cases.js';
import { cases as tests } from './tests.cases.js';
import { cases as values } from './values.cases.js';

export const categories: Record<string, Case[]> = { values, operators, 'str methods': strMethods, 'list, dict and number methods': listDictMethods, filters, tests, syntax };
