/**
 * The dashboard as users meet it, for the browser tests: a real store filled
 * by a real playback and a real flight of a generated workload, served by
 * the real server with the built web app, driven by Debian's Chromium.
 *
 * The workload is a generated `shop` log, imported as a user would; the base
 * build is the reference compiler, the head the same compiler with an
 * injected optimizer bug (test/fixtures/buggy-optimizer: a join predicate
 * dropped), so the playback sees plan changes and the flight a result
 * mismatch that no plan diff shows.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { generateShop } from '../../corpus/shop/generate.ts';
import { writeShopLog } from '../../corpus/shop/write-log.ts';
import { importLogs } from '../../corpus/templates/import.ts';
import { syntaxError } from '../../compiler/parse/parse.ts';
import { processFlightJob, type FlightJob, type FlightJobResult } from '../../flighting/flight-job.ts';
import { startFlight } from '../../flighting/run-flight.ts';
import { parseSelection } from '../../flighting/select.ts';
import { LocalQueue } from '../../playback/queue/local.ts';
import { startPlayback } from '../../playback/run-playback.ts';
import { sha256, TokenRegistry } from '../../server/auth.ts';
import { createServer, DEFAULT_UI_DIR, type FlightdeckServer } from '../../server/create-server.ts';
import { Store } from '../../store/store.ts';
import { SERVER_IDLE_MS } from '../../cli/commands/serve.ts';
import { ROOT } from '../helpers/cli.ts';

export const VIEWER = 'fdk_e2e-viewer-0123456789abcdef0123';
export const REVIEWER = 'fdk_e2e-reviewer-0123456789abcdef01';

/** where screenshots go (a test artifact; the README's are copied from here) */
export const ARTIFACTS = process.env.FLIGHTDECK_ARTIFACTS ?? join(ROOT, 'reports', 'e2e');

export const BUG = 'dropped-join-predicate';
export const BUGGY_HEAD = `command:node --import tsx ${join(ROOT, 'test/fixtures/buggy-optimizer/server.ts')} --bug ${BUG}`;

export interface DashboardFixture {
  readonly dir: string;
  readonly storePath: string;
  readonly snapshot: string;
  readonly playbackId: string;
  readonly flightId: string;
  readonly url: string;
  readonly app: FlightdeckServer;
  readonly store: Store;
  close(): Promise<void>;
}

export async function startDashboardFixture(): Promise<DashboardFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fd-e2e-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const snapshot = (await generateShop({ scale: 0.002, outDir: dir, seed: 3 })).dbPath;
  const logPath = join(dir, 'shop.jsonl');
  await writeShopLog({ path: logPath, lines: 3_000, seed: 7 });
  const storePath = join(dir, 'store.duckdb');
  let playbackId = '';
  let flightId = '';
  const writer = await Store.open(storePath);
  try {
    await writer.saveImport('shop', await importLogs([logPath], { validate: syntaxError }));
    const playbackQueue = new LocalQueue({ concurrency: 1 });
    try {
      playbackId = (await startPlayback(writer, playbackQueue, { workload: 'shop', catalogPath: snapshot, baseSpec: 'reference', headSpec: BUGGY_HEAD, timeoutMs: 30_000 })).runId;
    } finally {
      await playbackQueue.close();
    }
    const flightQueue = new LocalQueue<FlightJob, FlightJobResult>({ concurrency: 1 }, processFlightJob);
    try {
      const flight = await startFlight(writer, flightQueue, {
        runId: playbackId, snapshotPath: snapshot, selection: parseSelection('changed'), control: 2, allowUnmasked: true, timeoutMs: 30_000,
        perf: { minPairs: 3, maxPairs: 3, warmup: 1, budgetMs: 20_000 },
      });
      flightId = flight.flightId;
    } finally {
      await flightQueue.close();
    }
  } finally {
    await writer.close();
  }
  const store = await Store.open(storePath, { idleMs: SERVER_IDLE_MS });
  const tokens = new TokenRegistry([
    { name: 'viewer-e2e', role: 'viewer', hash: sha256(VIEWER) },
    { name: 'reviewer-e2e', role: 'reviewer', hash: sha256(REVIEWER) },
  ]);
  const app = await createServer({ store, tokens, approvalsPath: join(dir, 'flightdeck.approvals.json'), uiDir: DEFAULT_UI_DIR });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    dir, storePath, snapshot, playbackId, flightId, url, app, store,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
