/**
 * `reference@<git-ref>`: the compiler as it was at a commit, checked out once
 * into a detached git worktree under `<cacheDir>/worktrees/<sha>` and reused.
 * Two processes preparing the same commit at once are safe: one holds a lock
 * file while the other waits for the ready marker. The worktree borrows the
 * current checkout's node_modules through a symlink, and its reference server
 * is compiled once, in place, to JavaScript with this checkout's tsc (old
 * commits have no dist/ and maybe no build script): later builds of that
 * commit start as fast as the work tree's. A commit whose code does not
 * compile runs from its sources through tsx instead.
 */
import { execFile } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { FlightdeckError } from '../errors.ts';
import { FLIGHTDECK_ROOT } from './duckdb-versions.ts';

const run = promisify(execFile);
export const REFERENCE_SERVER_PATH = 'compiler/builds/reference-server.ts';
const READY = '.flightdeck-ready';
/** written once the worktree's server was compiled: `js`, or `tsx: <why not>` */
const COMPILED = '.flightdeck-compiled';
const COMPILE_TIMEOUT_MS = 300_000;
const LOCK_WAIT_MS = 180_000;
const STALE_LOCK_MS = 600_000;

async function git(repoRoot: string, args: string[]): Promise<{ ok: true; stdout: string } | { ok: false; stderr: string }> {
  try {
    const { stdout } = await run('git', ['-C', repoRoot, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, stdout: stdout.trim() };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new FlightdeckError('environment-error', 'git is not installed (needed for reference@<ref>)');
    return { ok: false, stderr: String(e.stderr ?? e.message).trim() };
  }
}

/** The commit a ref names; `usage-error` naming the ref when there is none. */
export async function resolveCommit(repoRoot: string, ref: string): Promise<string> {
  const r = await git(repoRoot, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!r.ok || !/^[0-9a-f]{40,64}$/.test(r.stdout)) {
    const inRepo = await git(repoRoot, ['rev-parse', '--git-dir']);
    if (!inRepo.ok) throw new FlightdeckError('usage-error', `cannot resolve git ref '${ref}': ${repoRoot} is not a git repository`);
    throw new FlightdeckError('usage-error', `git ref '${ref}' does not name a commit in ${repoRoot}`);
  }
  return r.stdout;
}

export interface PreparedWorktree {
  readonly dir: string;
  /** the compiled reference server (absolute path), or undefined to run its source through tsx */
  readonly compiledServer: string | undefined;
}

/**
 * A worktree of `sha` that can run the reference build: checked out, with
 * node_modules linked, its server compiled. `build-error` when that commit
 * has no reference-server.ts.
 */
export async function prepareWorktree(repoRoot: string, ref: string, sha: string, cacheDir: string): Promise<PreparedWorktree> {
  const dir = await checkOutWorktree(repoRoot, ref, sha, cacheDir);
  return { dir, compiledServer: await compileWorktree(dir) };
}

async function checkOutWorktree(repoRoot: string, ref: string, sha: string, cacheDir: string): Promise<string> {
  const has = await git(repoRoot, ['cat-file', '-e', `${sha}:${REFERENCE_SERVER_PATH}`]);
  if (!has.ok) {
    throw new FlightdeckError('build-error', `ref ${ref} (${sha.slice(0, 12)}) predates the build protocol: it has no ${REFERENCE_SERVER_PATH}`);
  }
  const dir = join(cacheDir, 'worktrees', sha);
  if (existsSync(join(dir, READY))) return dir;
  try {
    mkdirSync(join(cacheDir, 'worktrees'), { recursive: true });
  } catch (err) {
    throw new FlightdeckError('io-error', `cannot create ${join(cacheDir, 'worktrees')}: ${(err as Error).message}`, { cause: err });
  }
  const lock = `${dir}.lock`;
  if (!(await acquireLock(lock, () => existsSync(join(dir, READY))))) return dir;
  try {
    if (existsSync(join(dir, READY))) return dir;
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    await git(repoRoot, ['worktree', 'prune']);
    const added = await git(repoRoot, ['worktree', 'add', '--force', '--detach', dir, sha]);
    if (!added.ok) throw new FlightdeckError('build-error', `cannot create a worktree of ${ref} (${sha.slice(0, 12)}) in ${dir}: ${added.stderr}`);
    const modules = join(FLIGHTDECK_ROOT, 'node_modules');
    if (!existsSync(join(dir, 'node_modules'))) symlinkSync(modules, join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, READY), `${sha}\n`);
    return dir;
  } finally {
    releaseLock(lock);
  }
}

/**
 * Compile the worktree's reference server and what it imports, in place (.js
 * next to each .ts, so paths the old code computes from its own location still
 * hold), without type checking. Once per worktree, under a lock.
 */
async function compileWorktree(dir: string): Promise<string | undefined> {
  const marker = join(dir, COMPILED);
  const server = join(dir, REFERENCE_SERVER_PATH.replace(/\.ts$/, '.js'));
  const decided = () => {
    try {
      return readFileSync(marker, 'utf8').startsWith('js') && existsSync(server) ? server : undefined;
    } catch {
      return null; // not compiled yet
    }
  };
  const known = decided();
  if (known !== null) return known;
  const lock = `${dir}.compile.lock`;
  if (!(await acquireLock(lock, () => existsSync(marker)))) return decided() ?? undefined;
  try {
    const again = decided();
    if (again !== null) return again;
    let outcome: string;
    try {
      await run(process.execPath, [tscPath(), '--ignoreConfig', join(dir, REFERENCE_SERVER_PATH), ...IN_PLACE_OPTIONS], { cwd: dir, timeout: COMPILE_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
      outcome = existsSync(server) ? 'js' : 'tsx: tsc wrote no reference-server.js';
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      outcome = `tsx: ${String(e.stdout || e.stderr || e.message).trim().slice(0, 2000)}`;
    }
    writeFileSync(marker, `${outcome}\n`);
    return decided() ?? undefined;
  } finally {
    releaseLock(lock);
  }
}

/** emit plain JavaScript next to each source, as the sources' tsconfig would type-check it */
const IN_PLACE_OPTIONS = [
  '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
  '--rewriteRelativeImportExtensions', '--allowImportingTsExtensions', '--esModuleInterop', '--resolveJsonModule',
  '--jsx', 'react-jsx', '--noCheck', '--skipLibCheck',
];

/** This checkout's TypeScript compiler (its launcher script, run with this node). */
function tscPath(): string {
  const require = createRequire(join(FLIGHTDECK_ROOT, 'package.json'));
  const pkgPath = require.resolve('typescript/package.json');
  const bin = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin: string | Record<string, string> }).bin;
  return join(dirname(pkgPath), typeof bin === 'string' ? bin : bin.tsc!);
}

/**
 * Create `lock` exclusively (holding our pid) and return true; while another
 * live process holds it, wait — and return false as soon as `done()` says
 * that process finished the work.
 */
async function acquireLock(lock: string, done: () => boolean): Promise<boolean> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (done()) return false;
    if (lockIsStale(lock)) {
      try {
        unlinkSync(lock);
      } catch {
        // someone else broke it first
      }
      continue;
    }
    if (Date.now() > deadline) throw new FlightdeckError('build-error', `timed out waiting for ${lock}; delete it if no flightdeck process is preparing that worktree`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function lockIsStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) return true;
    if (!Number.isInteger(pid) || pid <= 0) return false; // being written
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function releaseLock(lock: string): void {
  try {
    unlinkSync(lock);
  } catch {
    // already gone
  }
}
