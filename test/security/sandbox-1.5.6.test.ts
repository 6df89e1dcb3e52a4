/** The sandbox of DuckDB 1.5.6 (@duckdb/node-api), in-process. */
import { sandboxSuite } from './sandbox-suite.ts';

sandboxSuite('@duckdb/node-api', 'v1.5.6');
