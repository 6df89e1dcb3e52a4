/**
 * Approvals: reviewed, intended plan changes, kept in a versioned JSON file
 * in the user's repository (like golden plans), so later runs do not flag
 * them again. An approval names the template (fingerprint) and the exact
 * head plan (hash of its simplified text): if the plan changes again, the
 * approval no longer applies.
 *
 * Several `flightdeck approve` may run at once (two reviewers, a script):
 * `recordApprovals` takes a lock next to the file, re-reads it, merges and
 * replaces it atomically (temporary file in the same folder + rename), so no
 * approval is lost and a reader never sees half a file.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { FlightdeckError } from '../compiler/errors.ts';
import { fromSystemError, refuseNonFile } from '../compiler/system-errors.ts';

export const DEFAULT_APPROVALS_FILE = 'flightdeck.approvals.json';

const ApprovalSchema = z.looseObject({
  fingerprint: z.string().min(1),
  headPlanHash: z.string().min(1),
  template: z.string(),
  verdict: z.string(),
  by: z.string().min(1),
  why: z.string().min(1),
  at: z.string(),
  run: z.string().optional(),
});

/** loose: fields a team adds (a ticket link, a reviewer) survive rewrites */
const FileSchema = z.object({ version: z.literal(1), approvals: z.array(ApprovalSchema) });

export type Approval = z.infer<typeof ApprovalSchema>;
export interface ApprovalsFile {
  readonly version: 1;
  readonly approvals: readonly Approval[];
}

export function loadApprovals(path: string, mustExist = false): ApprovalsFile {
  refuseNonFile(path, 'an approvals file');
  if (!existsSync(path)) {
    if (mustExist) throw new FlightdeckError('not-found', `approvals file not found: ${path}`, { location: { file: path } });
    return { version: 1, approvals: [] };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fromSystemError(err, path) ?? err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new FlightdeckError('usage-error', `approvals file ${path} is not valid JSON: ${(err as Error).message}`, { location: { file: path } });
  }
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FlightdeckError('usage-error', `approvals file ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, { location: { file: path } });
  }
  return parsed.data;
}

/** Add or replace approvals (one per fingerprint + plan), sorted for stable diffs in review. */
export function addApprovals(file: ApprovalsFile, added: readonly Approval[]): ApprovalsFile {
  const key = (a: Approval) => `${a.fingerprint}\u0000${a.headPlanHash}`;
  const map = new Map(file.approvals.map((a) => [key(a), a]));
  for (const a of added) map.set(key(a), a);
  const approvals = [...map.values()].sort((x, y) => x.fingerprint.localeCompare(y.fingerprint) || x.headPlanHash.localeCompare(y.headPlanHash));
  return { version: 1, approvals };
}

/** How long `recordApprovals` waits for another approve, and when a lock is abandoned (its holder died). */
export const APPROVALS_LOCK = { retries: { retries: 60, factor: 1.3, minTimeout: 10, maxTimeout: 500, randomize: true }, staleMs: 10_000 } as const;

export const approvalsLockPath = (path: string) => `${path}.lock`;

/**
 * Add approvals to the file at `path` (created if missing) without losing
 * what another process adds at the same time: lock, re-read, merge, replace
 * atomically, unlock. A lock left by a process that died is taken over once
 * it is older than APPROVALS_LOCK.staleMs (its holder refreshes it while alive).
 * `retries` bounds how often a held lock is tried again (default APPROVALS_LOCK).
 */
export async function recordApprovals(path: string, added: readonly Approval[], options: { retries?: number } = {}): Promise<ApprovalsFile> {
  const lockPath = approvalsLockPath(path);
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, {
      realpath: false,
      lockfilePath: lockPath,
      stale: APPROVALS_LOCK.staleMs,
      update: APPROVALS_LOCK.staleMs / 4,
      retries: { ...APPROVALS_LOCK.retries, ...(options.retries === undefined ? {} : { retries: options.retries }) },
      onCompromised: (err) => (compromised = err),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new FlightdeckError('environment-error', `approvals file ${path} stayed locked by another flightdeck approve (lock ${lockPath}); try again, or remove the lock if no approve is running`, { retryable: true, cause: err });
    }
    throw fromSystemError(err, lockPath) ?? err;
  }
  try {
    const merged = addApprovals(loadApprovals(path), added);
    if (compromised) throw new FlightdeckError('environment-error', `lost the lock on ${path} while approving (${compromised.message}); run approve again`, { retryable: true });
    saveApprovals(path, merged);
    return merged;
  } finally {
    await release().catch(() => {});
  }
}

/**
 * Replace the file atomically: write a temporary file in the same folder,
 * flush it, rename it over the old one (keeping the old file's mode; a
 * symbolic link is followed, not replaced). Call through `recordApprovals`
 * when other processes may write the same file.
 */
export function saveApprovals(path: string, file: ApprovalsFile): void {
  const target = existsSync(path) ? realpathSync(path) : path;
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const mode = existsSync(target) ? statSync(target).mode & 0o777 : 0o644;
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeSync(fd, JSON.stringify(file, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw fromSystemError(err, path) ?? err;
  }
}

/**
 * The set of `fingerprint:headPlanHash:verdict` keys an outcome is checked
 * against. An approval is scoped to the verdict it was given for: approving a
 * plan change does not also accept a later `slower-compile` or a cost
 * regression of the same plan.
 */
export function approvalKeys(file: ApprovalsFile): Set<string> {
  return new Set(file.approvals.map((a) => `${a.fingerprint}:${a.headPlanHash}:${a.verdict}`));
}

/** Approved in the store (by `approve` on this run) or by the approvals file. */
export function isApproved(keys: Set<string>, o: { fingerprint: string; headPlanHash: string | null; verdict: string; approved?: boolean }): boolean {
  return o.approved === true || (o.headPlanHash !== null && keys.has(`${o.fingerprint}:${o.headPlanHash}:${o.verdict}`));
}
