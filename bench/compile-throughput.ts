/**
 * Reference compile throughput vs the physical floor: the bare
 * node-sql-parser `astify` of the same queries, measured in the same run.
 * Target: full compile (parse + bind + optimize + cost + print at all levels)
 * ≤ 2× the parse floor.
 *
 *   node --import tsx bench/compile-throughput.ts [--rounds N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeSqlParser from 'node-sql-parser';
import { generateTpch } from '../corpus/tpch/generate.ts';
import { listWorkloadQueries } from '../corpus/workloads/index.ts';
import { loadCatalog } from '../compiler/builds/load-catalog.ts';
import { compileSql } from '../compiler/compile.ts';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 30;
const dir = mkdtempSync(join(tmpdir(), 'fd-bench-'));
try {
  const { dbPath } = await generateTpch({ scale: 0.01, outDir: dir });
  const catalog = await loadCatalog(dbPath);
  const queries = [...listWorkloadQueries('tpch'), ...listWorkloadQueries('analytics')].map((q) => q.sql);
  const parser = new nodeSqlParser.Parser();
  const floor = () => {
    for (const sql of queries) parser.astify(sql, { database: 'postgresql' });
  };
  const full = () => {
    for (const sql of queries) compileSql(sql, catalog);
  };
  // warm up both paths (JIT, caches)
  for (let i = 0; i < 5; i++) {
    floor();
    full();
  }
  // interleaved per query, alternating which goes first, so both paths run under the same
  // machine load and garbage-collector debt; per-round sums, then medians over the rounds
  const floorTimes: number[] = [];
  const fullTimes: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let f = 0;
    let c = 0;
    for (const sql of queries) {
      const first = i % 2 === 0;
      let t = performance.now();
      if (first) parser.astify(sql, { database: 'postgresql' });
      else compileSql(sql, catalog);
      const a = performance.now() - t;
      t = performance.now();
      if (first) compileSql(sql, catalog);
      else parser.astify(sql, { database: 'postgresql' });
      const b = performance.now() - t;
      f += first ? a : b;
      c += first ? b : a;
    }
    floorTimes.push(f);
    fullTimes.push(c);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const f = median(floorTimes);
  const c = median(fullTimes);
  const perQuery = (ms: number) => (ms / queries.length).toFixed(3);
  const qps = (ms: number) => Math.round((queries.length / ms) * 1000);
  console.log(`queries: ${queries.length} (22 TPC-H + ${queries.length - 22} analytics), rounds: ${rounds}, medians`);
  console.log(`parse floor (astify):        ${f.toFixed(1)} ms  (${perQuery(f)} ms/query, ${qps(f)} queries/s)`);
  console.log(`full reference compile:      ${c.toFixed(1)} ms  (${perQuery(c)} ms/query, ${qps(c)} queries/s)`);
  const ratio = c / f;
  console.log(`ratio full/floor: ${ratio.toFixed(2)}x  (target <= 2.00x) ${ratio <= 2 ? 'PASS' : 'MISS'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
