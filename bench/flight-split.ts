/**
 * Where a flight's time goes: the shop workload (generated data and log)
 * played back through an optimizer change (reference#heuristic → reference),
 * then its changed templates and 3 controls flown in-process on one slot,
 * the way `flightdeck flight --run … --control 3` runs. Prints the split
 * (execute, compare, statistics, store, the rest) and the share of the wall
 * time spent executing queries in the builds — the physical floor of a
 * flight, since every execution must happen — with the target that the
 * harness (compare + statistics + store + scheduling) stays under a quarter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateShop } from '../corpus/shop/generate.ts';
import { writeShopLog } from '../corpus/shop/write-log.ts';
import { importLogs } from '../corpus/templates/import.ts';
import { syntaxError } from '../compiler/parse/parse.ts';
import { processFlightJob, type FlightJob, type FlightJobResult } from '../flighting/flight-job.ts';
import { startFlight } from '../flighting/run-flight.ts';
import { parseSelection } from '../flighting/select.ts';
import { LocalQueue } from '../playback/queue/local.ts';
import { startPlayback } from '../playback/run-playback.ts';
import { Store } from '../store/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-bench-flight-'));
try {
  const { dbPath } = await generateShop({ scale: 0.02, outDir: dir, seed: 7 });
  const log = join(dir, 'queries.jsonl');
  await writeShopLog({ path: log, lines: 20_000 });
  const store = await Store.open(join(dir, 'store.duckdb'));
  await store.saveImport('shop', await importLogs([log], { validate: syntaxError }));
  const pq = new LocalQueue();
  const run = await startPlayback(store, pq, { workload: 'shop', catalogPath: dbPath, baseSpec: 'reference#heuristic', headSpec: 'reference' });
  await pq.close();
  const queue = new LocalQueue<FlightJob, FlightJobResult>({ concurrency: 1 }, processFlightJob);
  const s = await startFlight(store, queue, { runId: run.runId, snapshotPath: dbPath, selection: parseSelection('changed'), control: 3, allowUnmasked: true, perf: { budgetMs: 8000 } });
  await queue.close();
  store.close();
  const t = s.timings;
  const rest = t.wallMs - t.executeMs - t.compareMs - t.statisticsMs - t.storeMs;
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s (${((ms / t.wallMs) * 100).toFixed(1)}%)`;
  console.log(`flew ${s.flown} of ${s.total} templates: ${Object.entries(s.counts).map(([v, n]) => `${v} ${n}`).join(', ')}`);
  console.log(`wall ${(t.wallMs / 1000).toFixed(1)} s: execute ${sec(t.executeMs)}, compare ${sec(t.compareMs)}, statistics ${sec(t.statisticsMs)}, store ${sec(t.storeMs)}, rest (build start-up, compiles, scheduling) ${sec(rest)}`);
  const harness = (t.wallMs - t.executeMs) / t.wallMs;
  console.log(`harness share of the wall time: ${(harness * 100).toFixed(1)}% (target < 25%): ${harness < 0.25 ? 'PASS' : 'MISS'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
