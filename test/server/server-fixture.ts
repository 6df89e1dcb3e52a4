/**
 * A dashboard server on a real store for the server tests: a fresh store
 * (seeded, or given), three tokens (one per role), the request log captured
 * in memory, and `call` for `app.inject` with a role's token.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sha256, TokenRegistry } from '../../server/auth.ts';
import { createServer, type FlightdeckServer } from '../../server/create-server.ts';
import type { Role } from '../../server/api-types.ts';
import type { RunPolicyOptions } from '../../server/run-policy.ts';
import { Store } from '../../store/store.ts';
import { seedStore } from '../store/seed.ts';

export const TOKENS: Readonly<Record<Role, string>> = {
  viewer: 'fdk_viewer-token-0123456789abcdef',
  reviewer: 'fdk_reviewer-token-0123456789abcdef',
  releaser: 'fdk_releaser-token-0123456789abcdef',
};

export interface ServerFixture {
  readonly app: FlightdeckServer;
  readonly store: Store;
  readonly dir: string;
  /** everything the server logged */
  log(): string;
  call(method: 'GET' | 'POST', url: string, options?: { role?: Role | null; body?: unknown; token?: string }): Promise<{ status: number; json: any; body: string; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startServerFixture(options: { storePath?: string; templates?: number; uiDir?: string; pollMs?: number; runPolicy?: RunPolicyOptions } = {}): Promise<ServerFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fd-server-'));
  const storePath = options.storePath ?? join(dir, 'store.duckdb');
  if (!options.storePath) await seedStore(storePath, options.templates ?? 8);
  const store = await Store.open(storePath);
  const tokens = new TokenRegistry((Object.keys(TOKENS) as Role[]).map((role) => ({ name: `${role}-bot`, role, hash: sha256(TOKENS[role]) })));
  let logged = '';
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logged += String(chunk);
      cb();
    },
  });
  const app = await createServer({ store, tokens, approvalsPath: join(dir, 'flightdeck.approvals.json'), uiDir: options.uiDir ?? join(dir, 'no-ui'), logStream, pollMs: options.pollMs ?? 50, heartbeatMs: 200, ...(options.runPolicy ? { runPolicy: options.runPolicy } : {}) });
  return {
    app,
    store,
    dir,
    log: () => logged,
    async call(method, url, o = {}) {
      const role = o.role === undefined ? 'viewer' : o.role;
      const token = o.token ?? (role ? TOKENS[role] : undefined);
      const res = await app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(o.body !== undefined ? { payload: o.body as object } : {}) });
      let json: unknown = null;
      try {
        json = JSON.parse(res.body);
      } catch {
        // not JSON (the static pages)
      }
      return { status: res.statusCode, json, body: res.body, headers: res.headers };
    },
    async close() {
      await app.close();
      store.close();
    },
  };
}
