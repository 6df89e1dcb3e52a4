/**
 * The real dashboard server over a store, for the browser and load
 * benchmarks: createServer with one viewer token and the built web app
 * (ui/dist — `npx vite build --config ui/vite.config.ts` builds it), on
 * loopback at a free port, without a request log (it would be measured too).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newToken, sha256, TokenRegistry } from '../../server/auth.ts';
import { createServer, DEFAULT_UI_DIR } from '../../server/create-server.ts';
import type { Store } from '../../store/store.ts';

export interface BenchServer {
  readonly url: string;
  /** a viewer token */
  readonly token: string;
  close(): Promise<void>;
}

export async function startBenchServer(store: Store): Promise<BenchServer> {
  if (!existsSync(join(DEFAULT_UI_DIR, 'index.html'))) throw new Error(`no built web app in ${DEFAULT_UI_DIR}: run 'npx vite build --config ui/vite.config.ts' first`);
  const token = newToken();
  const dir = mkdtempSync(join(tmpdir(), 'fd-bench-serve-'));
  const app = await createServer({ store, tokens: new TokenRegistry([{ name: 'bench', role: 'viewer', hash: sha256(token) }]), approvalsPath: join(dir, 'approvals.json'), uiDir: DEFAULT_UI_DIR });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    token,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
