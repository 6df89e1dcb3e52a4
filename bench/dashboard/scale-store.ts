/**
 * The store the dashboard benchmarks measure: a workload of N distinct
 * templates (corpus/shop/distinct-queries.ts), imported and played back
 * through two reference builds (base `reference`, head
 * `reference#heuristic`) over a small shop catalog, in-process — a real
 * playback, so every outcome, diff and cluster is what users would see. The
 * playback itself is a figure: its templates/s beside the bare compile loop's
 * (both profiles, this process, same templates sample), same run.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { loadCatalog } from '../../compiler/builds/load-catalog.ts';
import { compileSql } from '../../compiler/compile.ts';
import { syntaxError } from '../../compiler/parse/parse.ts';
import { generateShop } from '../../corpus/shop/generate.ts';
import { distinctQuery } from '../../corpus/shop/distinct-queries.ts';
import { importLogs } from '../../corpus/templates/import.ts';
import { startPlayback } from '../../playback/run-playback.ts';
import { LocalQueue } from '../../playback/queue/local.ts';
import { Store } from '../../store/store.ts';

export interface ScaleStore {
  readonly storePath: string;
  readonly catalogPath: string;
  readonly runId: string;
  readonly templates: number;
  readonly lines: string[];
}

async function writeLog(path: string, n: number): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const start = Date.parse('2026-11-01T00:00:00Z');
  let buf = '';
  for (let i = 0; i < n; i++) {
    // a few templates are heavy: counts follow 1 + i % 7, durations vary with the shape
    buf += `${JSON.stringify({ sql: distinctQuery(i), ts: new Date(start + i * 50).toISOString(), user: `user${i % 17}`, project: ['checkout', 'reporting', 'fraud'][i % 3], duration_ms: 1 + (i % 97), status: 'ok' })}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

export async function buildScaleStore(dir: string, n: number, log: (line: string) => void = console.log): Promise<ScaleStore> {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    log(line);
  };
  const { dbPath: catalogPath } = await generateShop({ scale: 0.001, outDir: dir });
  const logPath = join(dir, 'distinct.jsonl');
  let t = performance.now();
  await writeLog(logPath, n);
  const imported = await importLogs([logPath], { validate: syntaxError });
  const storePath = join(dir, 'store.duckdb');
  const store = await Store.open(storePath);
  await store.saveImport('distinct', imported);
  say(`workload: ${n.toLocaleString('en-US')} queries → ${imported.templates.length.toLocaleString('en-US')} templates (${((performance.now() - t) / 1000).toFixed(1)} s to write, import and store)`);
  t = performance.now();
  const queue = new LocalQueue();
  const summary = await startPlayback(store, queue, { workload: 'distinct', catalogPath, baseSpec: 'reference', headSpec: 'reference#heuristic' });
  await queue.close();
  const playbackS = (performance.now() - t) / 1000;
  store.close();
  // the peer: the bare compile loop (both profiles) on a sample of the same templates, this process
  const catalog = await loadCatalog(catalogPath);
  const sample = imported.templates.filter((_, i) => i % Math.max(1, Math.floor(imported.templates.length / 2000)) === 0);
  t = performance.now();
  for (const tpl of sample) {
    compileSql(tpl.sql, catalog);
    compileSql(tpl.sql, catalog, { profile: 'heuristic' });
  }
  const bareRate = sample.length / ((performance.now() - t) / 1000);
  const rate = imported.templates.length / playbackS;
  say(`playback of ${imported.templates.length.toLocaleString('en-US')} templates: ${playbackS.toFixed(1)} s, ${rate.toFixed(0)} templates/s; bare compile loop (both profiles, one core) ${bareRate.toFixed(0)} templates/s; ratio ${(rate / bareRate).toFixed(2)}`);
  say(`verdicts: ${JSON.stringify(summary.counts)}`);
  return { storePath, catalogPath, runId: summary.runId, templates: imported.templates.length, lines };
}
