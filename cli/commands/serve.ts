import type { Command } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_APPROVALS_FILE } from '../../playback/approvals.ts';
import { newToken, parseRole, parseTokenName, tokenFileLine } from '../../server/auth.ts';
import { serveDashboard } from '../../server/serve.ts';
import type { RunPolicyOptions } from '../../server/run-policy.ts';
import { Store } from '../../store/store.ts';
import { resolveStorePath } from '../../store/store-path.ts';
import { parsePositiveInt, runCommand, usageError } from '../run-command.ts';
import { withStoreOption } from '../store-option.ts';

interface ServeOpts {
  port: string;
  host: string;
  store?: string;
  tokens?: string;
  approvals: string;
  newToken?: string;
  role?: string;
  allowBuild: string[];
  dataDir: string[];
  queue: string[];
}

/** Serve until SIGINT/SIGTERM, then close the server (open streams, runs in progress) and the store. */
export async function serveUntilStopped(store: Store, o: { host: string; port: number; tokensFile?: string; approvalsPath: string; runPolicy?: RunPolicyOptions }): Promise<void> {
  const server = await serveDashboard({
    store, host: o.host, port: o.port, approvalsPath: o.approvalsPath, ...(o.tokensFile ? { tokensFile: o.tokensFile } : {}), ...(o.runPolicy ? { runPolicy: o.runPolicy } : {}),
    print: (line) => process.stdout.write(`${line}\n`), logStream: process.stderr,
  });
  process.stdout.write('press Ctrl-C to stop\n');
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = () => {
      // a second Ctrl-C does not wait for the graceful close
      if (stopping) process.exit(130);
      stopping = true;
      process.stdout.write('stopping the dashboard…\n');
      // runs started here are stopped (they end failed, resumable); a close that hangs is cut short
      const cut = setTimeout(() => {
        process.stderr.write('warning: the dashboard did not close within 10 s; stopping anyway\n');
        done();
      }, 10_000);
      cut.unref();
      void server.close().finally(() => {
        clearTimeout(cut);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * The server keeps a DuckDB store file (and its warm cache) between requests
 * for this long; a CLI command that needs the file gets it at once anyway
 * (it announces itself and the server lets go after the request in hand).
 */
export const SERVER_IDLE_MS = 10_000;

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerServe(program: Command): void {
  withStoreOption(
    program
      .command('serve')
      .description('serve the dashboard: the JSON API and the web app, on one port')
      .option('--port <n>', 'port to listen on', '8080')
      .option('--host <address>', 'address to listen on; anything but loopback needs tokens', '127.0.0.1')
      .option('--tokens <file>', 'tokens file: JSON [{"name", "role": viewer|reviewer|releaser, "tokenSha256"}]; or FLIGHTDECK_TOKENS=name:role:token,…')
      .option('--approvals <file>', 'the approvals file POST /api/approvals/write merges into', DEFAULT_APPROVALS_FILE)
      .option('--new-token <name>', 'print a fresh token for NAME and the line to add to the tokens file, then exit')
      .option('--role <role>', 'with --new-token: viewer, reviewer or releaser', 'viewer')
      .option('--allow-build <spec>', 'a command: build that runs started from the dashboard may use, exactly as written (repeatable; reference and duckdb builds need no permission)', collect, [])
      .option('--data-dir <folder>', 'a folder whose catalogs and snapshots runs started from the dashboard may use (repeatable; default: the working directory)', collect, [])
      .option('--queue <url>', 'a redis:// queue runs started from the dashboard may use besides local (repeatable)', collect, []),
  ).action((opts: ServeOpts) =>
    runCommand(async () => {
      if (opts.newToken !== undefined) {
        const name = parseTokenName(opts.newToken);
        const role = parseRole(opts.role ?? 'viewer');
        const token = newToken();
        process.stdout.write(`token for ${name} (${role}) — give it to them once, it is not stored anywhere:\n  ${token}\n`);
        process.stdout.write(`add this line to the tokens file's array (--tokens FILE):\n  ${tokenFileLine(name, role, token)}\n`);
        return 0;
      }
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be a port number (0–65535), got '${opts.port}'`);
      if (port !== 0) parsePositiveInt('--port', opts.port);
      const store = await Store.open(resolveStorePath(opts.store), { idleMs: SERVER_IDLE_MS });
      try {
        const runPolicy = { commandBuilds: opts.allowBuild, dataDirs: opts.dataDir.map((d) => resolve(d)), queues: opts.queue };
        await serveUntilStopped(store, { host: opts.host, port, approvalsPath: resolve(opts.approvals), runPolicy, ...(opts.tokens ? { tokensFile: resolve(opts.tokens) } : {}) });
      } finally {
        store.close();
      }
      return 0;
    }),
  );
}
