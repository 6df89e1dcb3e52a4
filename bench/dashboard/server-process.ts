/**
 * The dashboard server in a process of its own, as `flightdeck serve` runs
 * it, so the load generator and the browser driver of the benchmarks never
 * share its event loop: opens the store named by argv[2], serves it with the
 * built web app and one viewer token (FLIGHTDECK_BENCH_TOKEN) on loopback at
 * a free port, prints `listening <url>`, reads the latest finished runs
 * into memory as `flightdeck serve` does and prints `warm <seconds> <rss MB>`,
 * and closes server and store on SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256, TokenRegistry } from '../../server/auth.ts';
import { createServer, DEFAULT_UI_DIR } from '../../server/create-server.ts';
import { Store } from '../../store/store.ts';

const storePath = process.argv[2];
const token = process.env.FLIGHTDECK_BENCH_TOKEN;
if (!storePath || !token) throw new Error('usage: FLIGHTDECK_BENCH_TOKEN=… node --import tsx bench/dashboard/server-process.ts STORE');
const dir = mkdtempSync(join(tmpdir(), 'fd-bench-serve-'));
const store = await Store.open(storePath, { idleMs: 60_000 });
const app = await createServer({ store, tokens: new TokenRegistry([{ name: 'bench', role: 'viewer', hash: sha256(token) }]), approvalsPath: join(dir, 'approvals.json'), uiDir: DEFAULT_UI_DIR });
await app.listen({ host: '127.0.0.1', port: 0 });
process.once('SIGTERM', () => {
  void (async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  })();
});
console.log(`listening http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
// as `flightdeck serve` does: the latest finished runs read into memory ahead of their first page (timed here)
const warmStarted = performance.now();
await app.flightdeck.outcomes.warm();
console.log(`warm ${((performance.now() - warmStarted) / 1000).toFixed(2)} ${(process.memoryUsage().rss / 1048576).toFixed(0)}`);
