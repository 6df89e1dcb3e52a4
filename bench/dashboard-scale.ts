/**
 * The dashboard at scale: 100,000 outcomes of one real playback
 * (bench/dashboard/scale-store.ts), on both store backends — the DuckDB file
 * and the same run copied into a fresh PostgreSQL database through the Store
 * API. For each, the real server and the built web app in Debian's
 * Chromium: the templates page's first page (target < 1 s, median of cold
 * loads), a filter change (target < 300 ms, median), and the outcomes API
 * under 50 concurrent clients on loopback (target p95 < 50 ms).
 *
 *   node --import tsx bench/dashboard-scale.ts [--store-dir DIR] [--templates N]
 *        [--loads 5] [--changes 10] [--seconds 10] [--connections 50] [--backend duckdb|postgresql]
 *
 * `--store-dir` (or FLIGHTDECK_BENCH_STORE_DIR, for `npm run bench`) keeps the
 * built store (store.duckdb, shop.duckdb, result.json) for the next run and
 * builds it there when missing (10–16 min for 100,000 templates); without it
 * the store is built in a temporary directory and removed. The bench reads a copy of the store, so a kept one
 * is never migrated or changed. Needs the built web app (`npx vite build
 * --config ui/vite.config.ts`) and PostgreSQL at 127.0.0.1:5432
 * (FLIGHTDECK_BENCH_PG).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, type LaunchedBrowser } from '../test/helpers/browser.ts';
import { Store } from '../store/store.ts';
import { loadOutcomes, outcomePaths } from './dashboard/api-load.ts';
import { copyRun, createBenchDatabase, type BenchDatabase } from './dashboard/postgres-copy.ts';
import { buildScaleStore, type ScaleStore } from './dashboard/scale-store.ts';
import { startBenchServer } from './dashboard/serve.ts';
import { measureFilterChanges, measureFirstPage, median } from './dashboard/templates-page.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const templates = Number(arg('templates', '100000'));
const loads = Number(arg('loads', '5'));
const changes = Number(arg('changes', '10'));
const seconds = Number(arg('seconds', '10'));
const connections = Number(arg('connections', '50'));
const backends = arg('backend', 'duckdb,postgresql').split(',');
const keptDir = process.argv.includes('--store-dir') ? arg('store-dir', '') : (process.env.FLIGHTDECK_BENCH_STORE_DIR ?? null);

const verdict = (value: number, target: number, unit: string) =>
  `${value.toFixed(0)} ${unit} (target < ${target} ${unit}) ${value < target ? 'PASS' : 'MISS'}; ratio to target ${(value / target).toFixed(2)}`;
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '∞');
const list = (xs: readonly number[]) => xs.map((x) => x.toFixed(0)).join(', ');

async function scaleStore(dir: string): Promise<ScaleStore> {
  const result = join(dir, 'result.json');
  if (existsSync(result)) {
    const kept = JSON.parse(readFileSync(result, 'utf8')) as ScaleStore;
    console.log(`store: ${kept.templates.toLocaleString('en-US')} templates, run ${kept.runId}, kept in ${dir} (built earlier; its playback figures:)`);
    for (const line of kept.lines) console.log(`  ${line}`);
    return { ...kept, storePath: join(dir, 'store.duckdb'), catalogPath: join(dir, 'shop.duckdb') };
  }
  mkdirSync(dir, { recursive: true });
  console.log(`building the store: ${templates.toLocaleString('en-US')} distinct templates, a real playback (minutes) …`);
  const built = await buildScaleStore(dir, templates, (line) => console.log(`  ${line}`));
  writeFileSync(result, JSON.stringify(built, null, 2));
  return built;
}

/** the load's filters: none, each verdict, the most common table and rule (read before the server owns the store) */
async function loadFilters(store: Store, runId: string): Promise<{ filters: string[]; outcomes: number }> {
  const [run] = await store.query('SELECT count(*) AS n FROM outcomes WHERE run_id = ?', [runId]);
  const [table] = (await store.outcomeFacet('table', { runId })).map((t) => t.value);
  const [rule] = (await store.outcomeFacet('rule', { runId })).map((t) => t.value);
  const filters = ['', 'verdict=regressed', 'verdict=plan-changed', 'verdict=identical', table ? `table=${encodeURIComponent(table)}` : '', rule ? `rule=${encodeURIComponent(rule)}` : ''];
  return { filters: [...new Set(filters)], outcomes: Number(run!.n) };
}

async function measure(name: string, storePath: string, runId: string, load: { filters: string[]; outcomes: number }, chromium: LaunchedBrowser): Promise<void> {
  const server = await startBenchServer(storePath);
  try {
    console.log(`\n--- ${name}`);
    console.log(`server start: the run's outcomes read into memory in ${server.warm.seconds.toFixed(2)} s (server RSS after: ${server.warm.rssMb} MB); the pages below are answered from them`);
    const first = await measureFirstPage(chromium, server.url, runId, server.token, loads);
    console.log(`templates page, first page shown (median of ${loads} cold loads: ${list(first)} ms): ${verdict(median(first), 1000, 'ms')}`);
    const f = await measureFilterChanges(chromium, server.url, runId, server.token, changes);
    console.log(`filter change, verdict select → rows (median of ${changes}: ${list(f.verdict)} ms): ${verdict(median(f.verdict), 300, 'ms')}`);
    console.log(`filter change, text search → rows, from the debounced commit (median of ${changes}: ${list(f.search)} ms): ${verdict(median(f.search), 300, 'ms')}`);
    console.log(`  the same from the keystroke (the box waits 250 ms for typing to stop): median ${median(f.searchFromInput).toFixed(0)} ms`);
    console.log(`  answers: ${f.totals.join(' ')}`);
    const paths = outcomePaths(runId, load.outcomes, load.filters);
    const figures = await loadOutcomes(server.url, server.token, paths, connections, seconds);
    console.log(
      `API load, ${connections} clients × ${seconds} s, ${paths.length} distinct pages: ${figures.requests.toLocaleString('en-US')} answered (${figures.inFlight} in flight at the end, not counted), ${figures.rps.toFixed(1)} req/s, p50 ${ms(figures.p50)} ms, p99 ${ms(figures.p99)} ms, non-2xx ${figures.non2xx}, errors ${figures.errors}`,
    );
    console.log(`API page of outcomes, p95: ${verdict(figures.p95, 50, 'ms')}`);
  } finally {
    await server.close();
  }
}

const started = performance.now();
console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${process.env.BENCH_NOTE ?? 'shared machine'})`);
const workDir = mkdtempSync(join(tmpdir(), 'fd-dash-scale-'));
const dataDir = keptDir ?? join(workDir, 'built');
let chromium: LaunchedBrowser | undefined;
let duck: Store | undefined;
let pgDb: BenchDatabase | undefined;
try {
  const scale = await scaleStore(dataDir);
  // a copy: opening for writing migrates the store, and a kept one must stay as built
  const storePath = join(workDir, 'store.duckdb');
  copyFileSync(scale.storePath, storePath);
  duck = await Store.open(storePath);
  const load = await loadFilters(duck, scale.runId);
  let pgUrl: string | undefined;
  if (backends.includes('postgresql')) {
    pgDb = await createBenchDatabase();
    pgUrl = pgDb.url;
    const pgStore = await Store.open(pgDb.url);
    try {
      const copied = await copyRun(duck, pgStore, scale.runId);
      console.log(`copied the run to PostgreSQL through the Store API: ${copied.outcomes.toLocaleString('en-US')} outcomes, ${copied.diffs.toLocaleString('en-US')} diffs in ${copied.seconds.toFixed(1)} s (${(copied.outcomes / copied.seconds).toFixed(0)} outcomes/s)`);
      // what autovacuum does on its own after a bulk insert: statistics, and the visibility map index-only scans need
      await pgStore.query('VACUUM ANALYZE');
    } finally {
      await pgStore.close();
    }
  }
  // the server process owns the DuckDB file from here
  await duck.close();
  duck = undefined;
  chromium = await launchChromium();
  if (backends.includes('duckdb')) await measure(`DuckDB (${load.outcomes.toLocaleString('en-US')} outcomes)`, storePath, scale.runId, load, chromium);
  if (pgUrl) await measure(`PostgreSQL (${load.outcomes.toLocaleString('en-US')} outcomes)`, pgUrl, scale.runId, load, chromium);
  console.log(`\nload average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
} finally {
  await chromium?.close();
  await duck?.close();
  await pgDb?.drop();
  rmSync(workDir, { recursive: true, force: true });
}
