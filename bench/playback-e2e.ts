/**
 * End to end: a 1,000,000-line `shop` log imported and replayed through two
 * reference builds, in-process, on this machine. Targets: under 60 s total,
 * peak RSS under 1 GiB (this process; the build processes are reported
 * apart). Prints the time split by phase.
 *
 *   node --import tsx bench/playback-e2e.ts [--lines N]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateShop } from '../corpus/shop/generate.ts';
import { writeShopLog } from '../corpus/shop/write-log.ts';
import { importLogs } from '../corpus/templates/import.ts';
import { syntaxError } from '../compiler/parse/parse.ts';
import { Store } from '../store/store.ts';
import { startPlayback } from '../playback/run-playback.ts';
import { LocalQueue } from '../playback/queue/local.ts';

const arg = process.argv.indexOf('--lines');
const lines = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'fd-e2e-'));
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const phases: [string, number][] = [];
const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const r = await fn();
  phases.push([name, (performance.now() - t) / 1000]);
  return r;
};
try {
  // setup, not timed against the target: the data and the log exist before a user imports
  const { dbPath } = await generateShop({ scale: 0.01, outDir: dir });
  const logPath = join(dir, 'queries.jsonl');
  await writeShopLog({ path: logPath, lines, seed: 7 });
  const mb = statSync(logPath).size / 1e6;
  peakRss = process.memoryUsage().rss;
  const started = performance.now();
  const store = await Store.open(join(dir, 'store.duckdb'));
  const imported = await timed('import (read, fingerprint, template)', () => importLogs([logPath], { validate: syntaxError }));
  await timed('store workload', () => store.saveImport('shop', imported));
  const queue = new LocalQueue();
  const summary = await timed('replay (2 reference builds, compare, diff)', () =>
    startPlayback(store, queue, { workload: 'shop', catalogPath: dbPath, baseSpec: 'reference', headSpec: 'reference#heuristic' }),
  );
  await queue.close();
  store.close();
  const total = (performance.now() - started) / 1000;
  clearInterval(sampler);
  console.log(`log: ${lines.toLocaleString('en-US')} lines, ${mb.toFixed(0)} MB; ${imported.entries.toLocaleString('en-US')} queries → ${imported.templates.length} templates; ${imported.rejected} lines rejected`);
  for (const [name, secs] of phases) console.log(`  ${name.padEnd(44)} ${secs.toFixed(2).padStart(7)} s`);
  console.log(`verdicts: ${JSON.stringify(summary.counts)}`);
  console.log(`total: ${total.toFixed(1)} s (target < 60 s) ${total < 60 ? 'PASS' : 'MISS'}; ratio to target ${(total / 60).toFixed(2)}`);
  const gib = peakRss / 2 ** 30;
  console.log(`peak RSS of the coordinator: ${(peakRss / 2 ** 20).toFixed(0)} MiB (target < 1024 MiB) ${gib < 1 ? 'PASS' : 'MISS'}; ratio to limit ${gib.toFixed(2)}; log size / peak RSS ${(mb * 1e6 / peakRss).toFixed(1)}x`);
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
