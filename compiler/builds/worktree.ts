/**
 * `reference@<git-ref>`: the compiler as it was at a commit, checked out once
 * into a detached git worktree under `<cacheDir>/worktrees/<sha>` and reused.
 * Two processes preparing the same commit at once are safe: one holds a lock
 * file while the other waits for the ready marker. The worktree borrows the
 * current checkout's node_modules through a symlink.
 */
import { execFile } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FlightdeckError } from '../errors.ts';
import { FLIGHTDECK_ROOT } from './duckdb-versions.ts';

const run = promisify(execFile);
export const REFERENCE_SERVER_PATH = 'compiler/builds/reference-server.ts';
const READY = '.flightdeck-ready';
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

/**
 * A worktree of `sha` that can run the reference build: checked out, with
 * node_modules linked. `build-error` when that commit has no reference-server.ts.
 */
export async function prepareWorktree(repoRoot: string, ref: string, sha: string, cacheDir: string): Promise<string> {
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
