/**
 * A private PostgreSQL cluster for tests: `initdb` into a temporary folder,
 * started by `pg_ctl` on a Unix socket in that folder only (no TCP), with the
 * postgresql.conf settings a test gives; `psql` and `pgbench` run against it.
 * Under root (PostgreSQL refuses to run as root) the server runs as the
 * `postgres` user. `pgClusterUnavailable()` says in one line why a cluster
 * cannot be started here, for `test(..., { skip })`.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, appendFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  readonly dir: string;
  readonly port: number;
  /** where the server writes its log files (log_directory) */
  readonly logDir: string;
  /** psql as `postgres` on database `postgres`; never throws on SQL errors */
  psql(args: readonly string[], input?: string): SpawnSyncReturns<string>;
  pgbench(args: readonly string[]): SpawnSyncReturns<string>;
  /** stops the server (its log files are complete afterwards); idempotent */
  stop(): void;
  /** stops it and removes its folder */
  destroy(): void;
}

const TOOLS = ['initdb', 'pg_ctl', 'psql', 'pgbench'] as const;

/** The folder holding PostgreSQL's programs: the one of `initdb` on PATH, else Debian's newest /usr/lib/postgresql/N/bin. */
export function findPgBin(): string | null {
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) {
    const real = spawnSync('readlink', ['-f', which.stdout.trim()], { encoding: 'utf8' }).stdout.trim();
    const dir = real.slice(0, real.lastIndexOf('/'));
    if (TOOLS.every((t) => existsSync(join(dir, t)))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const dir = join(root, v, 'bin');
    if (TOOLS.every((t) => existsSync(join(dir, t)))) return dir;
  }
  return null;
}

function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Why no cluster can be started here (one line), or null. */
export function pgClusterUnavailable(): string | null {
  if (!findPgBin()) return 'PostgreSQL server programs (initdb, pg_ctl, psql, pgbench) not found: apt-get install -y postgresql';
  if (process.getuid?.() === 0 && !serverUser()) return 'running as root and there is no postgres user to run the server as: apt-get install -y postgresql';
  return null;
}

/** Starts a fresh cluster with these postgresql.conf settings (values written as given: quote strings yourself). */
export function startPgCluster(settings: Readonly<Record<string, string>> = {}): PgCluster {
  const bin = findPgBin();
  if (!bin) throw new Error(pgClusterUnavailable() ?? 'no PostgreSQL');
  const owner = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'fd-pg-'));
  const data = join(dir, 'data');
  const logDir = join(dir, 'log');
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o755);
  }
  const asServer = { encoding: 'utf8' as const, ...owner, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } };
  const run = (cmd: string, args: readonly string[]) => {
    const r = spawnSync(join(bin, cmd), args, asServer);
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r;
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const conf = { logging_collector: 'on', log_directory: `'${logDir}'`, log_filename: "'postgresql.log'", ...settings };
  appendFileSync(join(data, 'postgresql.conf'), '\n# test settings\n' + Object.entries(conf).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n');
  // the socket lives in the private folder: any port number is free there
  const port = 20000 + Math.floor(Math.random() * 30000);
  run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=''`, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  let running = true;
  const client = { encoding: 'utf8' as const, env: { ...process.env, PGHOST: dir, PGPORT: String(port), PGUSER: 'postgres', PGDATABASE: 'postgres', PGAPPNAME: 'flightdeck-test' } };
  const stop = () => {
    if (!running) return;
    running = false;
    spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], asServer);
  };
  return {
    dir,
    port,
    logDir,
    psql: (args, input) => spawnSync(join(bin, 'psql'), ['-X', '-q', ...args], { ...client, input }),
    pgbench: (args) => spawnSync(join(bin, 'pgbench'), args, client),
    stop,
    destroy: () => {
      stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
