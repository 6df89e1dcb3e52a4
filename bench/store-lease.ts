/**
 * What sharing the embedded store costs (store/duckdb-lease.ts):
 * - open: opening a DuckDB file, one small query, closing it — what a lease
 *   pays each time the file changed hands or sat idle — on a synthetic store
 *   of about 20 MB and 200 MB (outcome-like rows with printed plans, plus a
 *   dozen small tables);
 * - handover: two writer processes inserting rows, one transaction each, into
 *   one store at once (each also reads once per row), against one alone:
 *   the time per row with the file changing hands;
 * - a playback beside a dashboard: one writer for 5 s alone, then beside a
 *   reader counting every 250 ms: rows written, and the reads the reader made.
 *
 *   node --import tsx bench/store-lease.ts [--rounds N]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../compiler/builds/duckdb-database.ts';
import { openLeasedDatabase } from '../store/duckdb-lease.ts';

const WORKER = fileURLToPath(new URL('../test/fixtures/lease/lease-worker.ts', import.meta.url));
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 30;
const quantile = (xs: number[], q: number) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length * q)]!;
const dir = mkdtempSync(join(tmpdir(), 'fd-bench-lease-'));

async function makeStore(path: string, rows: number): Promise<void> {
  const db = await openDatabase(path);
  await db.run(`CREATE TABLE outcomes AS SELECT i AS id, 'run-1' AS run_id, md5(i::varchar) AS fingerprint,
    repeat(md5(i::varchar), 40) AS base_plan, repeat(md5((i + 1)::varchar), 40) AS head_plan, random() AS cost FROM range(${rows}) t(i)`);
  for (let k = 0; k < 12; k++) await db.run(`CREATE TABLE t${k} AS SELECT i, md5(i::varchar) AS s FROM range(1000) t(i)`);
  await db.run('CREATE TABLE items (tag VARCHAR, n INTEGER, pid INTEGER)');
  await db.run('CHECKPOINT');
  db.close();
}

function child<T>(op: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(op)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.on('exit', () => {
      const last = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { done?: T };
      if (last.done) resolve(last.done);
      else reject(new Error(`worker failed: ${out}`));
    });
  });
}

const writer = async (store: string, tag: string, rows: number, until?: string, ms?: number) =>
  (await child<{ written: number }>({ op: 'write', store, tag, rows, until, ms, maxMs: 120_000 })).written;

try {
  for (const rows of [10_000, 100_000]) {
    const path = join(dir, `s${rows}.duckdb`);
    await makeStore(path, rows);
    const size = (statSync(path).size / 1e6).toFixed(0);
    for (const readOnly of [false, true]) {
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t = performance.now();
        const db = await openLeasedDatabase(path, { readOnly });
        await db.all(`SELECT count(*) FROM outcomes WHERE run_id = 'run-1'`);
        db.close();
        times.push(performance.now() - t);
      }
      console.log(`open+query+close ${size} MB ${readOnly ? 'read-only ' : 'read-write'}: median ${quantile(times, 0.5).toFixed(1)} ms, p90 ${quantile(times, 0.9).toFixed(1)} ms (${rounds} rounds)`);
    }
  }
  const path = join(dir, 's10000.duckdb');
  const N = 100;
  let t = performance.now();
  await writer(path, 'solo', N);
  const solo = performance.now() - t;
  t = performance.now();
  const [a, b] = await Promise.all([writer(path, 'a', N, 'b'), writer(path, 'b', N, 'a')]);
  const both = performance.now() - t;
  console.log(`one writer, ${N} rows: ${solo.toFixed(0)} ms (incl. process start); two writers at once, ${a} + ${b} rows: ${both.toFixed(0)} ms, ${(both / (a + b)).toFixed(1)} ms per row`);

  const alone = await writer(path, 'alone', 0, undefined, 5000);
  const stop = join(dir, 'stop');
  const polling = child<{ counts: number[] }>({ op: 'read', store: path, stop, pauseMs: 250, waitMs: 120_000 });
  const beside = await writer(path, 'beside', 0, undefined, 5000);
  writeFileSync(stop, '');
  const reads = (await polling).counts.length;
  console.log(`one writer for 5 s: ${alone} rows alone, ${beside} rows beside a reader polling every 250 ms (${reads} reads, incl. its start and end)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
