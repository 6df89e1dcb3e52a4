/**
 * Approvals: reviewed, intended plan changes, kept in a versioned JSON file
 * in the user's repository (like golden plans), so later runs do not flag
 * them again. An approval names the template (fingerprint) and the exact
 * head plan (hash of its simplified text): if the plan changes again, the
 * approval no longer applies.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { FlightdeckError } from '../compiler/errors.ts';

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
  if (!existsSync(path)) {
    if (mustExist) throw new FlightdeckError('not-found', `approvals file not found: ${path}`, { location: { file: path } });
    return { version: 1, approvals: [] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
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

export function saveApprovals(path: string, file: ApprovalsFile): void {
  writeFileSync(path, JSON.stringify(file, null, 2) + '\n');
}

/** The set of `fingerprint:headPlanHash` keys an outcome is checked against. */
export function approvalKeys(file: ApprovalsFile): Set<string> {
  return new Set(file.approvals.map((a) => `${a.fingerprint}:${a.headPlanHash}`));
}

export function isApproved(keys: Set<string>, o: { fingerprint: string; headPlanHash: string | null }): boolean {
  return o.headPlanHash !== null && keys.has(`${o.fingerprint}:${o.headPlanHash}`);
}
