/**
 * The BullMQ path against the in-process queue, on the same CPU-bound
 * workload (real reference compiles, not sleeps): TPC-H and analytics
 * queries, each in several distinct templates (`SELECT * FROM (q) AS tN`).
 * Targets: one BullMQ worker ≥ 0.9× the in-process queue with one slot;
 * two workers ≥ 1.7× one worker. Every configuration is warmed up first
 * (build processes started), then timed on a fresh run.
 *
 *   node --import tsx bench/playback-bullmq.ts [--queue redis://127.0.0.1:6379] [--variants N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTpch } from '../corpus/tpch/generate.ts';
import { listWorkloadQueries } from '../corpus/workloads/index.ts';
import { importLogs } from '../corpus/templates/import.ts';
import { Store } from '../store/store.ts';
import { startPlayback } from '../playback/run-playback.ts';
import { LocalQueue } from '../playback/queue/local.ts';
import { BullmqQueue } from '../playback/queue/bullmq-queue.ts';
import type { PlaybackQueue } from '../playback/queue/queue.ts';

const opt = (name: string, dflt: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : dflt);
const url = opt('--queue', 'redis://127.0.0.1:6379');
const variants = Number(opt('--variants', '8'));
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'flightdeck.js');
const dir = mkdtempSync(join(tmpdir(), 'fd-bullmq-bench-'));
const workers: ChildProcess[] = [];

function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'worker', '--queue', url], { stdio: ['ignore', 'ignore', 'pipe'] });
  workers.push(child);
  return new Promise((res, rej) => {
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      if (/worker ready/.test(err)) res(child);
    });
    child.on('exit', (code) => rej(new Error(`worker exited ${code}: ${err}`)));
  });
}

try {
  const { dbPath } = await generateTpch({ scale: 0.01, outDir: dir });
  const queries = [...listWorkloadQueries('tpch'), ...listWorkloadQueries('analytics')].map((q) => q.sql.trim().replace(/;\s*$/, ''));
  const log = (n: number, tag: string) => {
    const path = join(dir, `${tag}.jsonl`);
    const lines: string[] = [];
    for (let v = 0; v < n; v++) for (const q of queries) lines.push(JSON.stringify({ sql: `SELECT * FROM (${q}) AS ${tag}${v}` }));
    writeFileSync(path, lines.join('\n') + '\n');
    return path;
  };
  const store = await Store.open(join(dir, 'store.duckdb'));
  const load = async (name: string, path: string) => {
    const r = await importLogs([path]);
    await store.saveImport(name, r);
    return r.templates.length;
  };
  const warm = await load('warm', log(1, 'w'));
  const templates = await load('bench', log(variants, 't'));
  /** machine-wide busy CPU time (all processes), from /proc/stat, in core-seconds */
  const busy = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3]! + f[4]!;
    return (f.reduce((a, b) => a + b, 0) - idle) / 100;
  };
  const utilisation: Record<string, number> = {};
  const run = async (queue: PlaybackQueue, workload: string, label?: string) => {
    const b0 = busy();
    const t = performance.now();
    await startPlayback(store, queue, { workload, catalogPath: dbPath, baseSpec: 'reference', headSpec: 'reference#heuristic', batchSize: 8 });
    const secs = (performance.now() - t) / 1000;
    if (label) utilisation[label] = (busy() - b0) / secs / availableParallelism();
    return secs;
  };

  const local = new LocalQueue({ concurrency: 1 });
  await run(local, 'warm');
  const tLocal = await run(local, 'bench', 'local');
  await local.close();

  const bull = await BullmqQueue.connect(url, { pollMs: 50 });
  await startWorkerProcess();
  await run(bull, 'warm');
  const tOne = await run(bull, 'bench', 'one');
  await startWorkerProcess();
  await run(bull, 'warm'); // warms the second worker's builds (the first may take some of it)
  await run(bull, 'warm');
  const tTwo = await run(bull, 'bench', 'two');
  await bull.close();
  store.close();

  console.log(`workload: ${templates} templates (${queries.length} queries × ${variants} variants), reference vs reference#heuristic, ${warm} warm-up templates per configuration`);
  const pct = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(0)}% of ${availableParallelism()} cores busy`;
  console.log(`in-process, 1 slot:   ${tLocal.toFixed(2)} s  (${pct(utilisation.local)})`);
  console.log(`BullMQ, 1 worker:     ${tOne.toFixed(2)} s  (${pct(utilisation.one)})`);
  console.log(`BullMQ, 2 workers:    ${tTwo.toFixed(2)} s  (${pct(utilisation.two)})`);
  // the physical limit: a second worker can only use the CPU the first one left idle
  const ceiling = 1 / Math.max(utilisation.one ?? 1, 1e-9);
  console.log(`physical ceiling for 2 workers vs 1 on this machine: ${ceiling.toFixed(2)}x (1 / the share of the machine one worker already keeps busy)`);
  const r1 = tLocal / tOne;
  const r2 = tOne / tTwo;
  console.log(`1 worker vs in-process: ${r1.toFixed(2)}x (target >= 0.90x) ${r1 >= 0.9 ? 'PASS' : 'MISS'}`);
  console.log(`2 workers vs 1 worker:  ${r2.toFixed(2)}x (target >= 1.70x) ${r2 >= 1.7 ? 'PASS' : 'MISS'}; ${((r2 / ceiling) * 100).toFixed(0)}% of the physical ceiling`);
} finally {
  for (const w of workers) w.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
