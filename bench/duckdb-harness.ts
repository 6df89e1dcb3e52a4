/**
 * What the isolated `duckdb` build costs per compile over calling DuckDB's
 * EXPLAIN directly, measured in the same run on the 22 TPC-H queries
 * (scale 0.01):
 *
 * - direct: `EXPLAIN (FORMAT JSON) <sql>` on an in-process connection, the raw
 *   JSON text read back (the floor: DuckDB's own parse, bind and optimize);
 * - harness: `openBuild('duckdb@1.5.6').compile(sql)` — the request over the
 *   JSON-lines pipe to the build process, the same EXPLAIN there, plan
 *   normalisation and printing at three levels, the answer back and validated.
 *
 * Target: harness ≤ 1.2× direct.
 *
 *   node --import tsx bench/duckdb-harness.ts [--rounds N]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTpch } from '../corpus/tpch/generate.ts';
import { listWorkloadQueries } from '../corpus/workloads/index.ts';
import { openDuckdbExplainer } from '../compiler/builds/duckdb-explain.ts';
import { openBuild } from '../compiler/builds/open-build.ts';
import { DUCKDB_VERSIONS } from '../compiler/builds/duckdb-versions.ts';

const TARGET = 1.2;
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 15;
const newest = DUCKDB_VERSIONS[0]!;
/**
 * The physical floor of process isolation on this machine: one request and
 * one answer of the same size over stdio pipes to a child that only echoes.
 */
async function pipeRoundTripMs(bytes: number, n: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', "let b='';process.stdin.setEncoding('utf8');process.stdin.on('data',d=>{b+=d;let i;while((i=b.indexOf('\\n'))>=0){process.stdout.write(b.slice(0,i+1));b=b.slice(i+1);}})"], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdout!.setEncoding('utf8');
  let waiting: (() => void) | null = null;
  let got = '';
  child.stdout!.on('data', (d: string) => {
    got += d;
    if (got.endsWith('\n')) {
      got = '';
      waiting?.();
    }
  });
  const line = 'x'.repeat(bytes) + '\n';
  const once = () => new Promise<void>((r) => {
    waiting = r;
    child.stdin!.write(line);
  });
  for (let i = 0; i < 200; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  child.kill();
  return median(times);
}

const dir = mkdtempSync(join(tmpdir(), 'fd-bench-duckdb-'));
try {
  const { dbPath } = await generateTpch({ scale: 0.01, outDir: dir });
  const queries = listWorkloadQueries('tpch').map((q) => q.sql);
  const direct = await openDuckdbExplainer(newest.packageName, dbPath);
  const build = await openBuild(`duckdb@${newest.version}`, { catalogPath: dbPath, timeoutMs: 30_000 });
  try {
    const timeDirect = async (sql: string) => {
      const t = performance.now();
      await direct.explainJson(sql);
      return performance.now() - t;
    };
    const timeHarness = async (sql: string) => {
      const t = performance.now();
      const r = await build.compile(sql);
      const ms = performance.now() - t;
      if (!r.ok) throw new Error(`harness failed on a TPC-H query: ${r.error.code}: ${r.error.message}`);
      return ms;
    };
    // warm up both paths (JIT, DuckDB caches, the pipe)
    for (let i = 0; i < 3; i++) {
      for (const sql of queries) {
        await timeDirect(sql);
        await timeHarness(sql);
      }
    }
    // each query timed both ways back to back (order alternating by round), so both
    // see the same machine load; per-query medians over the rounds, summed
    const directTimes = queries.map(() => [] as number[]);
    const harnessTimes = queries.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      for (let q = 0; q < queries.length; q++) {
        if (round % 2 === 0) {
          directTimes[q]!.push(await timeDirect(queries[q]!));
          harnessTimes[q]!.push(await timeHarness(queries[q]!));
        } else {
          harnessTimes[q]!.push(await timeHarness(queries[q]!));
          directTimes[q]!.push(await timeDirect(queries[q]!));
        }
      }
    }
    const d = directTimes.reduce((sum, xs) => sum + median(xs), 0);
    const h = harnessTimes.reduce((sum, xs) => sum + median(xs), 0);
    const perQuery = (ms: number) => (ms / queries.length).toFixed(3);
    console.log(`DuckDB ${direct.engineVersion}, ${queries.length} TPC-H queries (scale 0.01), rounds: ${rounds}, sum of per-query medians`);
    console.log(`direct EXPLAIN (in-process):     ${d.toFixed(1)} ms  (${perQuery(d)} ms/query)`);
    console.log(`harness (isolated duckdb build): ${h.toFixed(1)} ms  (${perQuery(h)} ms/query, overhead ${perQuery(h - d)} ms/query)`);
    const ratio = h / d;
    console.log(`ratio harness/direct: ${ratio.toFixed(2)}x  (target <= ${TARGET.toFixed(2)}x) ${ratio <= TARGET ? 'PASS' : 'MISS'}`);
    // what isolation alone costs here: a pipe round trip of an answer's size to a process that does nothing
    const floor = await pipeRoundTripMs(6000, 1000);
    const best = (d + floor * queries.length) / d;
    console.log(`physical floor: a bare stdio round trip to a child process takes ${floor.toFixed(3)} ms here, so an isolated build cannot beat ${best.toFixed(2)}x; overhead beyond it ${perQuery(h - d - floor * queries.length)} ms/query`);
  } finally {
    await build.close();
    direct.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
