/**
 * What flighting's execution harness costs per query over running the same
 * SQL directly, measured in the same run on shop-like queries (the `select`
 * shapes of the shop log, on a generated shop database):
 *
 * - direct: `runAndReadAll(sql)` with @duckdb/node-api in this process, on a
 *   plain read-only connection to the same file (compiler/builds/duckdb-database.ts;
 *   every row read into JS);
 * - time: `Build.execute(sql, {mode: 'time'})` on `duckdb@<newest>`: the
 *   request over the pipe, the one-SELECT check (a prepare), EXPLAIN ANALYZE
 *   in the sandbox (profiling on, rows discarded inside DuckDB), the profile
 *   parsed, answered and validated;
 * - result: `Build.execute(sql, {mode: 'result'})`: the same check, the
 *   result materialized as a temp table, then the summary in SQL (md5 of
 *   every value's canonical text, per column and per row, and the ordered
 *   checksum), the temp table dropped.
 *
 * - profiled: `EXPLAIN (ANALYZE, FORMAT JSON) <sql>` with runAndReadAll in
 *   this process, on the same plain connection: what DuckDB's profiler
 *   itself costs, the floor of `time` (which must profile to give operators);
 *   `time`/profiled is the harness's own share.
 *
 * - in-process: the build's own code (`executeOnConnection`, mode time) on a
 *   sandboxed connection in this process: the harness without the process hop.
 * Also printed: the physical floor of process isolation on this machine
 * right now, a round trip over stdio pipes to a child that only echoes.
 *
 * Each query runs every way back to back (the order rotating by round), so
 * all see the same machine load; per-query medians over the rounds; the
 * printed figure is the median over queries of harness/direct.
 * Target: time ≤ 1.05× direct (the median). `result` is printed beside it:
 * it does more work than direct by design (a checksum per value).
 *
 *   node --import tsx bench/flight-overhead.ts [--rounds N] [--scale S]
 */
import { pipeRoundTripMs } from './pipe-floor.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBuild } from '../compiler/builds/open-build.ts';
import { openDatabase } from '../compiler/builds/duckdb-database.ts';
import { executeOnConnection } from '../compiler/builds/duckdb-execute.ts';
import { openDuckdbExplainer } from '../compiler/builds/duckdb-explain.ts';
import { DUCKDB_VERSIONS } from '../compiler/builds/duckdb-versions.ts';
import { generateShop } from '../corpus/shop/generate.ts';
import { QUERY_SHAPES, createRng } from '../corpus/shop/query-templates.ts';

const TARGET = 1.05;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const rounds = arg('--rounds', 15);
const scale = arg('--scale', 0.05);
const median = (xs: readonly number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const newest = DUCKDB_VERSIONS[0]!;
/** shop shapes an analyst or a report runs: scans, joins, aggregates, windows (point lookups would time the pipe alone) */
const SHAPES = [
  'revenue-by-category', 'top-customers-cte', 'monthly-revenue-window', 'rank-products-in-category', 'declined-payments-by-city',
  'funnel-by-device', 'segment-summary', 'brand-share-cte-twice', 'customer-lifetime', 'five-way-join', 'payment-mix', 'latest-order-per-customer',
];

const timed = async (f: () => Promise<unknown>) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};
const f = (x: number) => x.toFixed(2).padStart(8);

const dir = mkdtempSync(join(tmpdir(), 'fd-bench-flight-'));
try {
  const { dbPath } = await generateShop({ scale, outDir: dir, seed: 1 });
  const rng = createRng(42);
  const queries = SHAPES.map((name) => ({ name, sql: QUERY_SHAPES.find((s) => s.name === name)!.sql(rng) }));
  const plain = await openDatabase(dbPath, { readOnly: true });
  const raw = plain.connection;
  const build = await openBuild(`duckdb@${newest.version}`, { catalogPath: dbPath, timeoutMs: 60_000 });
  const sandboxed = await openDuckdbExplainer(newest.packageName, dbPath);
  try {
    const inBuild = { time: 0, result: 0 };
    const execute = (mode: 'time' | 'result') => (sql: string) =>
      timed(async () => {
        const r = await build.execute!(sql, { mode });
        if (!r.ok) throw new Error(`execute (${mode}) failed: ${r.error.code}: ${r.error.message}\n${sql}`);
        inBuild[mode] = r.latencyMs;
      });
    const paths = {
      direct: (sql: string) => timed(async () => (await raw.runAndReadAll(sql)).getRows()),
      profiled: (sql: string) => timed(async () => (await raw.runAndReadAll(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`)).getRows()),
      inProcess: (sql: string) => timed(() => executeOnConnection(sandboxed.connection, sandboxed.statementTypes, sql, { mode: 'time' })),
      time: execute('time'),
      result: execute('result'),
    };
    const names = Object.keys(paths) as (keyof typeof paths)[];
    for (let i = 0; i < 2; i++) for (const q of queries) for (const name of names) await paths[name](q.sql);
    const times = Object.fromEntries(names.map((n) => [n, queries.map(() => [] as number[])])) as Record<keyof typeof paths, number[][]>;
    const engine = { time: queries.map(() => [] as number[]), result: queries.map(() => [] as number[]) };
    for (let round = 0; round < rounds; round++) {
      for (let q = 0; q < queries.length; q++) {
        for (let k = 0; k < names.length; k++) {
          const name = names[(k + round) % names.length]!;
          times[name][q]!.push(await paths[name](queries[q]!.sql));
          if (name === 'time' || name === 'result') engine[name][q]!.push(inBuild[name]);
        }
      }
    }
    const med = (xs: number[][]) => xs.map(median);
    const direct = med(times.direct);
    console.log(`DuckDB ${newest.version}, shop scale ${scale}, ${queries.length} queries, ${rounds} rounds (per-query medians, ms)`);
    console.log(`${'query'.padEnd(28)} ${'direct'.padStart(8)} ${'profiled'.padStart(9)} ${'time'.padStart(8)} ${'(engine)'.padStart(9)} ${'result'.padStart(8)} ${'(query)'.padStart(9)}`);
    queries.forEach((q, i) => {
      console.log(`${q.name.padEnd(28)} ${f(direct[i]!)} ${f(median(times.profiled[i]!)).padStart(9)} ${f(median(times.time[i]!))} ${f(median(engine.time[i]!)).padStart(9)} ${f(median(times.result[i]!))} ${f(median(engine.result[i]!)).padStart(9)}`);
    });
    const ratio = (xs: number[][], peer = direct) => median(med(xs).map((x, i) => x / peer[i]!));
    const t = ratio(times.time);
    const r = ratio(times.result);
    const profiled = med(times.profiled);
    console.log(`median ratio time/direct:   ${t.toFixed(2)}x  (target <= ${TARGET.toFixed(2)}x) ${t <= TARGET ? 'PASS' : 'MISS'}`);
    console.log(`  DuckDB's profiler (profiled/direct): ${ratio(times.profiled).toFixed(2)}x; the sandboxed execution in-process (in-process/direct): ${ratio(times.inProcess).toFixed(2)}x; the process hop (time/in-process): ${ratio(times.time, med(times.inProcess)).toFixed(2)}x`);
    console.log(`  medians: time - in-process ${median(med(times.time).map((x, i) => x - med(times.inProcess)[i]!)).toFixed(2)} ms; pipe round trip to an echoing child, now: ${(await pipeRoundTripMs(2000, 300)).toFixed(2)} ms`);
    void profiled;
    console.log(`median ratio result/direct: ${r.toFixed(2)}x  (materialize + checksum every value; no target)`);
    const overhead = (xs: number[][], eng: number[][]) => median(med(xs).map((x, i) => x - median(eng[i]!)));
    console.log(`median harness time outside the query (pipe, checks, profile/summary, validation): time ${overhead(times.time, engine.time).toFixed(2)} ms, result ${overhead(times.result, engine.result).toFixed(2)} ms`);
  } finally {
    plain.close();
    sandboxed.close();
    await build.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
