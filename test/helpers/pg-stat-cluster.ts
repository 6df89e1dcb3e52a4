/**
 * A private PostgreSQL cluster for a test: initdb into a temporary folder,
 * its own Unix socket (no TCP), pg_stat_statements preloaded with
 * compute_query_id on. Runs as the `postgres` account when the tests run as
 * root (initdb refuses root). `findPostgres` says why when it cannot run.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgBinaries {
  readonly bin: string;
  /** prefix that runs a command as a non-root account, when we are root */
  readonly asUser: readonly string[];
  readonly uid: number | null;
  readonly gid: number | null;
}

/** The machine's PostgreSQL with pg_stat_statements, or a one-line reason it cannot be used. */
export function findPostgres(): PgBinaries | string {
  const roots = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').toSorted().toReversed() : [];
  const bin = roots.map((v) => `/usr/lib/postgresql/${v}/bin`).find((b) => existsSync(join(b, 'initdb')) && existsSync(join(b, 'pg_ctl')));
  if (!bin) return 'PostgreSQL is not installed (apt-get install postgresql)';
  const version = bin.split('/')[4]!;
  if (!existsSync(`/usr/share/postgresql/${version}/extension/pg_stat_statements.control`)) return `pg_stat_statements is missing for PostgreSQL ${version} (apt-get install postgresql-contrib)`;
  if (process.getuid?.() !== 0) return { bin, asUser: [], uid: null, gid: null };
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0 || !existsSync('/usr/sbin/runuser')) return 'running as root without a postgres account to run initdb as';
  return { bin, asUser: ['/usr/sbin/runuser', '-u', 'postgres', '--'], uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export interface PgCluster {
  /** runs a psql script, returns its unaligned, tuples-only output */
  psql(script: string): string;
  stop(): void;
}

export function startCluster(pg: PgBinaries, port = 54329): PgCluster {
  const dir = mkdtempSync(join(tmpdir(), 'fd-pg-'));
  if (pg.uid !== null) chownSync(dir, pg.uid, pg.gid!);
  const data = join(dir, 'data');
  const run = (cmd: string, args: string[]) => {
    const [exe, ...pre] = pg.asUser.length ? [...pg.asUser, cmd] : [cmd];
    const r = spawnSync(exe!, [...pre, ...args], { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  run(join(pg.bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses='' -c shared_preload_libraries=pg_stat_statements -c compute_query_id=on -c fsync=off`;
  run(join(pg.bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', 'start']);
  let n = 0;
  return {
    psql(script: string): string {
      const file = join(dir, `script-${n++}.sql`);
      writeFileSync(file, script);
      const r = spawnSync(join(pg.bin, 'psql'), ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-f', file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
      return r.stdout;
    },
    stop(): void {
      try {
        run(join(pg.bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
