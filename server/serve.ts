/**
 * Start the dashboard for `flightdeck serve` and `flightdeck demo`: resolve
 * the tokens (a file, FLIGHTDECK_TOKENS, or — on a loopback address only — a
 * one-time admin token that is printed once and never stored), listen, and
 * say where. A busy port is one clear line; a non-loopback address without
 * tokens refuses to start.
 */
import { FlightdeckError } from '../compiler/errors.ts';
import type { Store } from '../store/store.ts';
import { loadTokensFile, newToken, parseTokensEnv, sha256, TokenRegistry, type TokenEntry } from './auth.ts';
import { redactSecrets } from './api-error.ts';
import { createServer, type FlightdeckServer } from './create-server.ts';
import type { RunPolicyOptions } from './run-policy.ts';

export interface ServeOptions {
  readonly store: Store;
  readonly host: string;
  readonly port: number;
  readonly tokensFile?: string;
  readonly approvalsPath: string;
  readonly uiDir?: string;
  readonly runPolicy?: RunPolicyOptions;
  /** where lines for people go (the URL, the one-time token) */
  readonly print: (line: string) => void;
  /** where the server's warnings and errors go (JSON lines) */
  readonly logStream?: NodeJS.WritableStream;
}

export interface RunningServer {
  readonly app: FlightdeckServer;
  readonly url: string;
  /** the one-time admin token, when one was made (never stored) */
  readonly oneTimeToken: string | null;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The configured tokens: the file, then FLIGHTDECK_TOKENS (both may be given). */
export function configuredTokens(tokensFile: string | undefined, env = process.env.FLIGHTDECK_TOKENS): TokenEntry[] {
  return [...(tokensFile ? loadTokensFile(tokensFile) : []), ...(env ? parseTokensEnv(env) : [])];
}

export async function serveDashboard(o: ServeOptions): Promise<RunningServer> {
  const entries = configuredTokens(o.tokensFile);
  let oneTimeToken: string | null = null;
  if (!entries.length) {
    if (!isLoopback(o.host)) {
      throw new FlightdeckError('usage-error', `refusing to serve on ${o.host} without tokens: anyone who can reach it could read and approve. Give --tokens FILE or FLIGHTDECK_TOKENS (make one with: flightdeck serve --new-token NAME --role ROLE), or bind to 127.0.0.1`);
    }
    oneTimeToken = newToken();
    entries.push({ name: 'admin', role: 'releaser', hash: sha256(oneTimeToken) });
  }
  const app = await createServer({
    store: o.store, tokens: new TokenRegistry(entries), approvalsPath: o.approvalsPath, ...(o.uiDir ? { uiDir: o.uiDir } : {}), ...(o.runPolicy ? { runPolicy: o.runPolicy } : {}),
    ...(o.logStream ? { logStream: o.logStream as never, logLevel: 'warn' as const } : {}),
  });
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    await app.close().catch(() => {});
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new FlightdeckError('environment-error', `port ${o.port} on ${o.host} is in use (another flightdeck serve?): stop it or pick another with --port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new FlightdeckError('usage-error', `cannot listen on ${o.host}: not an address of this machine (--host)`);
    if (code === 'EACCES') throw new FlightdeckError('environment-error', `not allowed to listen on port ${o.port} (ports below 1024 need privileges): pick another with --port`);
    throw err;
  }
  // the latest finished runs' outcomes are read into memory now, not on their first page
  app.flightdeck.outcomes.warm().catch((err: unknown) => app.log.warn(redactSecrets(`reading the latest runs ahead: ${err instanceof Error ? err.message : String(err)}`)));
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${shownHost}:${port}/`;
  if (oneTimeToken) {
    o.print(`dashboard: ${url}?token=${oneTimeToken}`);
    o.print(`  one-time admin token (releaser), valid until this server stops, never stored: ${oneTimeToken}`);
  } else {
    o.print(`dashboard: ${url} (${entries.length} token${entries.length === 1 ? '' : 's'} configured)`);
  }
  return {
    app,
    url,
    oneTimeToken,
    close: () => app.close(),
  };
}
