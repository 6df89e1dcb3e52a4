/**
 * The dashboard's HTTP server (fastify): the JSON API of api-types.ts and the
 * built web app, from one origin. `createServer` returns the fastify
 * instance unstarted, so tests call `app.inject` (or listen for real).
 *
 * Every handler is a thin edge: check the caller's role, validate its input
 * with zod, call the store or one domain function, return plain data. Errors
 * are JSON `ApiError` with a stable code; the log never holds a token, a
 * password in a URL, or a stack trace sent to a client.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { FLIGHTDECK_ROOT } from '../compiler/builds/duckdb-versions.ts';
import type { Store } from '../store/store.ts';
import { requireRole } from './access.ts';
import { redactSecrets, sendError, toApiError } from './api-error.ts';
import type { Health, Me } from './api-types.ts';
import type { TokenRegistry } from './auth.ts';
import type { ServerContext } from './context.ts';
import { ProgressHub } from './progress-hub.ts';
import { registerApprovalRoutes } from './routes/approvals.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerStartRunRoute } from './routes/start-run.ts';
import { registerStaticRoutes } from './routes/static.ts';
import { RunPolicy, type RunPolicyOptions } from './run-policy.ts';
import { RunCache } from './run-cache.ts';
import { RunOutcomes } from './run-outcomes.ts';
import { RunStarter } from './run-starter.ts';

export interface ServerOptions {
  readonly store: Store;
  readonly tokens: TokenRegistry;
  /** the approvals file POST /api/approvals/write merges into (the team's file in its repository) */
  readonly approvalsPath: string;
  /** the built web app; default ui/dist of this flightdeck */
  readonly uiDir?: string;
  /** where the request log goes (JSON lines); default: no log */
  readonly logStream?: Writable;
  readonly logLevel?: 'info' | 'warn' | 'error';
  /** what runs started from the API may use: command builds, data folders, queues (default: none, the working directory, local) */
  readonly runPolicy?: RunPolicyOptions;
  /** live progress: how often a watched run is read from the store (default 1 s) */
  readonly pollMs?: number;
  /** live progress: a comment line this often keeps idle streams open (default 15 s) */
  readonly heartbeatMs?: number;
}

export const DEFAULT_UI_DIR = join(FLIGHTDECK_ROOT, 'ui', 'dist');

const VERSION = (JSON.parse(readFileSync(join(FLIGHTDECK_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Only this origin's scripts, styles, images and API; no inline script, no
 * framing. Inline *styles* are allowed: the charting library sets style
 * attributes on the SVG it draws.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** the store's kind and a location that never shows a password */
export function describeStore(path: string): Pick<Health, 'store' | 'storeLocation'> {
  return /^postgres(ql)?:\/\//i.test(path) ? { store: 'postgresql', storeLocation: redactSecrets(path) } : { store: 'duckdb', storeLocation: path };
}

export interface FlightdeckServer extends FastifyInstance {
  /** the runs started through this server (tests wait on `runs.drain()`) */
  readonly flightdeck: ServerContext;
}

export async function createServer(options: ServerOptions): Promise<FlightdeckServer> {
  const app = Fastify({
    logger: options.logStream
      ? {
          level: options.logLevel ?? 'info',
          stream: options.logStream,
          // the URL without `?token=…`; no headers (Authorization) are logged
          serializers: { req: (req) => ({ method: req.method, url: redactSecrets(req.url) }), res: (res) => ({ statusCode: res.statusCode }) },
        }
      : false,
    bodyLimit: 256 * 1024,
    // the SSE streams are ended by the preClose hook; keep-alive connections do not hold up close()
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const log = (message: string) => app.log.warn(redactSecrets(message));
  const hub = new ProgressHub(options.store, options.pollMs ?? 1000, (err) => log(`live progress: ${err instanceof Error ? err.message : String(err)}`));
  const cache = new RunCache(options.store);
  const ctx: ServerContext = {
    store: options.store,
    tokens: options.tokens,
    approvalsPath: options.approvalsPath,
    runs: new RunStarter(options.store, log, new RunPolicy(options.runPolicy)),
    hub,
    cache,
    outcomes: new RunOutcomes(options.store, cache),
    version: VERSION,
  };
  app.decorate('flightdeck', ctx);

  app.addHook('onRequest', async (_req, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
  });
  app.setErrorHandler((err, req, reply) => {
    const api = toApiError(err);
    if (api.code === 'internal') req.log.error({ error: redactSecrets(err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err)) }, 'internal error');
    return sendError(reply, api);
  });
  // requests still reading the store when the server closes are waited for (at most 10 s), so the store is never closed under a query
  let inFlight = 0;
  let idle: (() => void) | null = null;
  app.addHook('onRequest', async (_req, reply) => {
    inFlight++;
    // `close` comes for every response, finished or cut (also the hijacked event streams)
    reply.raw.once('close', () => {
      if (--inFlight === 0) idle?.();
    });
  });
  app.addHook('onClose', async () => {
    await hub.close();
    await ctx.runs.close();
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        idle = resolve;
        setTimeout(resolve, 10_000).unref();
      });
    }
  });

  app.get('/api/health', async (): Promise<Health> => ({ ok: true, ...describeStore(options.store.path), version: VERSION }));
  app.get('/api/me', async (req): Promise<Me> => requireRole(ctx.tokens, req, 'viewer'));
  registerRunRoutes(app, ctx);
  registerStartRunRoute(app, ctx);
  registerApprovalRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerEventRoutes(app, ctx, { heartbeatMs: options.heartbeatMs ?? 15_000, securityHeaders: SECURITY_HEADERS });
  await registerStaticRoutes(app, options.uiDir ?? DEFAULT_UI_DIR);
  return app as unknown as FlightdeckServer;
}
