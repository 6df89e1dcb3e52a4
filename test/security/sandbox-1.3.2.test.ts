/** The sandbox of DuckDB 1.3.2 (the duckdb-old alias), in-process: this file loads no other DuckDB package. */
import { sandboxSuite } from './sandbox-suite.ts';

sandboxSuite('duckdb-old', 'v1.3.2');
