/**
 * The real dashboard server over a store, for the browser and load
 * benchmarks: createServer with one viewer token and the built web app
 * (ui/dist — `npx vite build --config ui/vite.config.ts` builds it), on
 * loopback at a free port, without a request log (it would be measured too),
 * in a child process (server-process.ts): on 2 cores a load generator in the
 * server's own event loop would halve what the server can answer.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newToken } from '../../server/auth.ts';
import { DEFAULT_UI_DIR } from '../../server/create-server.ts';

export interface BenchServer {
  readonly url: string;
  /** a viewer token */
  readonly token: string;
  /** seconds the server took to read the latest finished runs into memory after it started listening, and its RSS after (MB) */
  readonly warm: { readonly seconds: number; readonly rssMb: number };
  close(): Promise<void>;
}

/** serve the store at `storePath` (a DuckDB file or a PostgreSQL URL); the caller must not hold a DuckDB file open meanwhile */
export async function startBenchServer(storePath: string): Promise<BenchServer> {
  if (!existsSync(join(DEFAULT_UI_DIR, 'index.html'))) throw new Error(`no built web app in ${DEFAULT_UI_DIR}: run 'npx vite build --config ui/vite.config.ts' first`);
  const token = newToken();
  const child = spawn(process.execPath, ['--import', 'tsx', join(dirname(fileURLToPath(import.meta.url)), 'server-process.ts'), storePath], {
    env: { ...process.env, FLIGHTDECK_BENCH_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  // measured once the server has read its runs ahead (as a user opening the dashboard a little after `flightdeck serve`)
  const { url, warm } = await new Promise<{ url: string; warm: BenchServer['warm'] }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /listening (\S+)\s+warm (\S+) (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, warm: { seconds: Number(m[2]), rssMb: Number(m[3]) } });
    });
    void exited.then(([code]) => reject(new Error(`the bench server exited (${String(code)}) before listening`)));
  });
  return {
    url,
    token,
    warm,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
