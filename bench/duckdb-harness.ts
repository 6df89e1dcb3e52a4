/**
 * What the isolated `duckdb` build costs per compile over calling DuckDB's
 * EXPLAIN directly, measured in the same run on the 22 TPC-H queries
 * (scale 0.01):
 *
 * - direct: `EXPLAIN (FORMAT JSON) <sql>` with `runAndReadAll` on a plain
 *   read-only in-process connection, the raw JSON text read back (the floor:
 *   DuckDB's own parse, bind and optimize, no sandbox);
 * - harness: `openBuild('duckdb@1.5.6').compile(sql)` — the request over the
 *   JSON-lines pipe to the build process, the sandboxed EXPLAIN there (one
 *   prepared statement, type checked, run, destroyed), plan normalisation and
 *   printing at three levels, the answer back and validated.
 *
 * Also printed, from the same rounds: the sandboxed EXPLAIN in-process
 * (`explainJson`, what the build process does before converting), the same
 * with DuckDB's `extractStatements` + `prepare(0)` instead of `prepare`, and
 * how the harness time splits into the build's own EXPLAIN (the `timingMs` it
 * answers) and the rest (conversion, serialising, the pipe, validation).
 *
 * Target: harness ≤ 1.15× direct.
 *
 *   node --import tsx bench/duckdb-harness.ts [--rounds N]
 */
import { pipeRoundTripMs } from './pipe-floor.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTpch } from '../corpus/tpch/generate.ts';
import { listWorkloadQueries } from '../corpus/workloads/index.ts';
import { openDatabase } from '../compiler/builds/duckdb-database.ts';
import { openDuckdbExplainer } from '../compiler/builds/duckdb-explain.ts';
import { openBuild } from '../compiler/builds/open-build.ts';
import { DUCKDB_VERSIONS } from '../compiler/builds/duckdb-versions.ts';

const TARGET = 1.15;
const EXPLAIN_PREFIX = 'EXPLAIN (FORMAT JSON)\n';
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 15;
const newest = DUCKDB_VERSIONS[0]!;
const dir = mkdtempSync(join(tmpdir(), 'fd-bench-duckdb-'));
try {
  const { dbPath } = await generateTpch({ scale: 0.01, outDir: dir });
  const queries = listWorkloadQueries('tpch').map((q) => q.sql);
  const plain = await openDatabase(dbPath, { readOnly: true });
  const raw = plain.connection;
  const explainType = (await raw.prepare(EXPLAIN_PREFIX + 'select 1')).statementType;
  const sandboxed = await openDuckdbExplainer(newest.packageName, dbPath);
  const build = await openBuild(`duckdb@${newest.version}`, { catalogPath: dbPath, timeoutMs: 30_000 });
  try {
    const timed = async (f: () => Promise<unknown>) => {
      const t = performance.now();
      await f();
      return performance.now() - t;
    };
    const direct = (sql: string) => timed(async () => String((await raw.runAndReadAll(EXPLAIN_PREFIX + sql)).getRows()[0]![1]));
    const inProcess = (sql: string) => timed(() => sandboxed.explainJson(sql));
    const extracted = (sql: string) =>
      timed(async () => {
        const statements = await raw.extractStatements(EXPLAIN_PREFIX + sql);
        if (statements.count !== 1) throw new Error('expected one statement');
        const prepared = await statements.prepare(0);
        if (prepared.statementType !== explainType) throw new Error('expected EXPLAIN');
        const result = await prepared.run();
        String(result.getChunk(0).getColumnVector(1).getItem(0));
        prepared.destroySync();
      });
    let buildExplainMs = 0;
    const harness = async (sql: string) => {
      const t = performance.now();
      const r = await build.compile(sql);
      const ms = performance.now() - t;
      if (!r.ok) throw new Error(`harness failed on a TPC-H query: ${r.error.code}: ${r.error.message}`);
      buildExplainMs = r.timingMs;
      return ms;
    };
    const paths = { direct, inProcess, extracted, harness };
    const names = Object.keys(paths) as (keyof typeof paths)[];
    // warm up every path (JIT, DuckDB caches, the pipe)
    for (let i = 0; i < 3; i++) for (const sql of queries) for (const name of names) await paths[name](sql);
    // each query timed every way back to back (order rotating by round), so all see the same
    // machine load; per-query medians over the rounds, summed
    const times = Object.fromEntries(names.map((n) => [n, queries.map(() => [] as number[])])) as Record<keyof typeof paths, number[][]>;
    const buildExplain = queries.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      for (let q = 0; q < queries.length; q++) {
        for (let k = 0; k < names.length; k++) {
          const name = names[(k + round) % names.length]!;
          times[name][q]!.push(await paths[name](queries[q]!));
          if (name === 'harness') buildExplain[q]!.push(buildExplainMs);
        }
      }
    }
    const total = (xs: number[][]) => xs.reduce((sum, x) => sum + median(x), 0);
    const d = total(times.direct);
    const h = total(times.harness);
    const perQuery = (ms: number) => (ms / queries.length).toFixed(3);
    const vs = (ms: number) => `${perQuery(ms)} ms/query, ${(ms / d).toFixed(2)}x direct`;
    const e = total(buildExplain);
    console.log(`DuckDB ${sandboxed.engineVersion}, ${queries.length} TPC-H queries (scale 0.01), rounds: ${rounds}, sum of per-query medians`);
    console.log(`direct EXPLAIN (in-process, no sandbox):   ${d.toFixed(1)} ms  (${perQuery(d)} ms/query)`);
    console.log(`sandboxed EXPLAIN in-process (prepare):    ${total(times.inProcess).toFixed(1)} ms  (${vs(total(times.inProcess))})`);
    console.log(`  the same with extractStatements+prepare: ${total(times.extracted).toFixed(1)} ms  (${vs(total(times.extracted))})`);
    console.log(`harness (isolated duckdb build):           ${h.toFixed(1)} ms  (${perQuery(h)} ms/query, overhead ${perQuery(h - d)} ms/query)`);
    console.log(`  of which the build's own EXPLAIN ${perQuery(e)} ms/query; conversion, answer and pipe ${perQuery(h - e)} ms/query`);
    const ratio = h / d;
    console.log(`ratio harness/direct: ${ratio.toFixed(2)}x  (target <= ${TARGET.toFixed(2)}x) ${ratio <= TARGET ? 'PASS' : 'MISS'}`);
    // what isolation alone costs here: a pipe round trip of an answer's size to a process that does nothing
    const floor = await pipeRoundTripMs(6000, 1000);
    const best = (d + floor * queries.length) / d;
    console.log(`physical floor: a bare stdio round trip to a child process takes ${floor.toFixed(3)} ms here, so an isolated build cannot beat ${best.toFixed(2)}x; overhead beyond it ${perQuery(h - d - floor * queries.length)} ms/query`);
  } finally {
    await build.close();
    sandboxed.close();
    plain.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
