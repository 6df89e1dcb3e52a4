/**
 * Playback throughput against its peer: templates/s of an in-process
 * playback (base `reference`, head `reference#heuristic`, the tpch +
 * analytics workloads over a TPC-H catalog) vs the bare `compileSql` loop
 * of the same templates × 2 (both profiles) in this process, same run.
 * Target: playback per core used ≥ 0.5× the bare loop (CPU counted for this
 * process and every build process it started, from /proc).
 *
 * Then where the rest goes, measured on one slot, template by template:
 * compile inside the builds (their own timingMs), the process hop (round
 * trip of build.compile minus that), compareTemplate (diff, classify), and
 * the store writes.
 *
 *   node --import tsx bench/playback-throughput.ts [--runs N] [--concurrency N]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTpch } from '../corpus/tpch/generate.ts';
import { TPCH_QUERIES_DIR } from '../corpus/tpch/queries.ts';
import { listWorkloadQueries } from '../corpus/workloads/index.ts';
import { importLogs } from '../corpus/templates/import.ts';
import { loadCatalog } from '../compiler/builds/load-catalog.ts';
import { openBuild } from '../compiler/builds/open-build.ts';
import { compileSql } from '../compiler/compile.ts';
import { Store } from '../store/store.ts';
import { startPlayback } from '../playback/run-playback.ts';
import { LocalQueue } from '../playback/queue/local.ts';
import { compareTemplate } from '../playback/compare.ts';
import type { DiffRecord, OutcomeRecord } from '../store/records.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const runs = arg('--runs', 5);
const concurrency = arg('--concurrency', availableParallelism());
const BASE = 'reference';
const HEAD = 'reference#heuristic';
const TICK = 100; // USER_HZ on Linux

/** CPU seconds of this process and all its live descendants (build processes, their helpers) */
function cpuOfTree(): number {
  const me = process.pid;
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(f[1]));
      cpu.set(Number(name), (Number(f[11]) + Number(f[12])) / TICK);
    } catch {
      // the process ended while we looked
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 50; p = parent.get(p) ?? 0, hops++) if (p === me) return true;
    return false;
  };
  let sum = 0;
  for (const [pid, s] of cpu) if (pid !== me && inTree(pid)) sum += s;
  const own = process.cpuUsage();
  return sum + (own.user + own.system) / 1e6;
}

const dir = mkdtempSync(join(tmpdir(), 'fd-bench-playback-'));
try {
  const { dbPath } = await generateTpch({ scale: 0.01, outDir: dir });
  const store = await Store.open(join(dir, 'store.duckdb'));
  const analyticsDir = join(listWorkloadQueries('analytics')[0]!.path, '..');
  await store.saveImport('bench', await importLogs([TPCH_QUERIES_DIR, analyticsDir]));
  const templates = await store.getTemplates('bench');
  const catalog = await loadCatalog(dbPath);
  const n = templates.length;

  // ---- the peer: the bare compileSql loop, both profiles, this process
  const bareOnce = () => {
    for (const t of templates) {
      compileSql(t.sql, catalog, { profile: 'default' });
      compileSql(t.sql, catalog, { profile: 'heuristic' });
    }
  };
  for (let i = 0; i < 3; i++) bareOnce(); // warm up (JIT)
  const bareRounds: number[] = [];
  const bareCpu0 = process.cpuUsage();
  const bareStart = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    bareOnce();
    bareRounds.push(performance.now() - t);
  }
  const bareWall = (performance.now() - bareStart) / 1000;
  const bareCpuUsage = process.cpuUsage(bareCpu0);
  const bareCpu = (bareCpuUsage.user + bareCpuUsage.system) / 1e6;
  const bareRate = (n * runs) / bareWall;
  const bareRatePerCpu = (n * runs) / bareCpu;

  // ---- playback, in-process, `concurrency` slots; the first run opens the builds (cold)
  const queue = new LocalQueue({ concurrency });
  let t = performance.now();
  const cold = await startPlayback(store, queue, { workload: 'bench', catalogPath: dbPath, baseSpec: BASE, headSpec: HEAD });
  const coldWall = (performance.now() - t) / 1000;
  const cpu0 = cpuOfTree();
  t = performance.now();
  for (let i = 0; i < runs; i++) await startPlayback(store, queue, { workload: 'bench', catalogPath: dbPath, baseSpec: BASE, headSpec: HEAD });
  const warmWall = (performance.now() - t) / 1000;
  const warmCpu = cpuOfTree() - cpu0;
  await queue.close();
  const warmRate = (n * runs) / warmWall;
  const coresUsed = warmCpu / warmWall;
  const warmRatePerCpu = (n * runs) / warmCpu;

  // ---- where the rest goes: one slot, the job's steps timed one by one
  const base = await openBuild(BASE, { catalogPath: dbPath });
  const head = await openBuild(HEAD, { catalogPath: dbPath });
  let roundTrip = 0;
  let inBuild = 0;
  let compare = 0;
  let storeMs = 0;
  try {
    for (const tpl of templates) await Promise.all([base.compile(tpl.sql), head.compile(tpl.sql)]); // warm up
    await store.createRun({ id: 'bench-breakdown', kind: 'playback', workload: 'bench', catalog: dbPath, baseSpec: BASE, headSpec: HEAD, baseDescription: null, headDescription: null, queue: 'local', total: n, options: {} });
    for (let r = 0; r < runs; r++) {
      let outcomes: OutcomeRecord[] = [];
      let diffs: DiffRecord[] = [];
      for (const tpl of templates) {
        let s = performance.now();
        const b = await base.compile(tpl.sql);
        const h = await head.compile(tpl.sql);
        roundTrip += performance.now() - s;
        inBuild += b.timingMs + h.timingMs;
        s = performance.now();
        const c = compareTemplate('bench-breakdown', { fingerprint: tpl.fingerprint, sql: tpl.sql, weight: tpl.weight, count: tpl.count }, b, h, {});
        compare += performance.now() - s;
        outcomes.push(c.outcome);
        if (c.diff) diffs.push(c.diff);
        if (outcomes.length === 25) {
          s = performance.now();
          await store.saveOutcomes(outcomes, diffs);
          storeMs += performance.now() - s;
          outcomes = [];
          diffs = [];
        }
      }
      const s = performance.now();
      await store.saveOutcomes(outcomes, diffs);
      storeMs += performance.now() - s;
    }
  } finally {
    await base.close();
    await head.close();
    store.close();
  }
  const bareMs = (bareWall * 1000);
  const oneSlot = roundTrip + compare + storeMs;
  const pct = (ms: number) => `${((ms / oneSlot) * 100).toFixed(1).padStart(5)} %`;
  const line = (label: string, ms: number) => console.log(`  ${label.padEnd(52)} ${(ms / runs).toFixed(1).padStart(8)} ms/run  ${pct(ms)}`);

  console.log(`templates: ${n} (tpch + analytics), ${runs} measured runs each; base ${BASE}, head ${HEAD}; ${availableParallelism()} cores, ${concurrency} slots`);
  console.log(`verdicts: ${JSON.stringify(cold.counts)}`);
  console.log(`bare compileSql loop (×2 profiles, 1 process):  ${bareRate.toFixed(0).padStart(6)} templates/s  (cpu ${bareCpu.toFixed(2)} s for ${bareWall.toFixed(2)} s wall; median round ${[...bareRounds].sort((a, b) => a - b)[Math.floor(runs / 2)]!.toFixed(0)} ms)`);
  console.log(`playback, cold (opens 2 builds per slot):       ${(n / coldWall).toFixed(0).padStart(6)} templates/s  (${coldWall.toFixed(2)} s for ${n})`);
  console.log(`playback, warm (builds open):                   ${warmRate.toFixed(0).padStart(6)} templates/s  (cpu ${warmCpu.toFixed(2)} s for ${warmWall.toFixed(2)} s wall = ${coresUsed.toFixed(2)} cores used)`);
  console.log(`ratio playback/bare, wall:          ${(warmRate / bareRate).toFixed(2)}x`);
  const perCore = warmRatePerCpu / bareRatePerCpu;
  console.log(`ratio playback/bare, per core used: ${perCore.toFixed(2)}x  (target >= 0.50x) ${perCore >= 0.5 ? 'PASS' : 'MISS'}`);
  console.log(`where one slot's time goes (serial, ${runs} runs; bare loop for the same work: ${(bareMs / runs).toFixed(1)} ms/run):`);
  line('compile inside the builds (their timingMs)', inBuild);
  line('process hop (round trip − in-build time)', roundTrip - inBuild);
  line('compareTemplate (plan diff, classify)', compare);
  line('store writes (saveOutcomes, 25 per batch)', storeMs);
  console.log(`  in-build compile vs bare compileSql: ${(inBuild / bareMs).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
