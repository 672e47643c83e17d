/**
 * The engine suite (tests/helpers/engine-suite/) on DuckDB: every materialization through
 * DuckDbAdapter on a fresh in-memory database. A second engine's test is this file with its factory.
 */
import { duckdbEngine } from '../helpers/engine-suite/duckdb.js';
import { materializationSuite } from '../helpers/engine-suite/materializations.js';

materializationSuite(duckdbEngine);
