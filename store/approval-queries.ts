/**
 * Approvals and the audit log in the store (store.ts delegates here): an
 * approval marks the outcomes it covers in every run; an audit entry records
 * who did what, on what, and why. Written once for both backends, with `?`
 * placeholders only.
 */
import { APPROVALS, decodeRow, encodeRow, insertSql, lastByKey, utcNowSql } from './columns.ts';
import { clamp } from './outcome-queries.ts';
import { MAX_PAGE, type AuditEntry } from './outcome-query.ts';
import type { ApprovalRecord } from './records.ts';
import type { SqlBackend, SqlDialect, SqlSession } from './sql-backend.ts';

/** keep each approval and mark the outcomes it covers (template, head plan AND verdict); how many were marked */
export async function markApprovals(tx: SqlSession, dialect: SqlDialect, approvals: readonly ApprovalRecord[]): Promise<number> {
  let marked = 0;
  for (const a of lastByKey(APPROVALS, approvals)) {
    await tx.run(insertSql(dialect, APPROVALS, 1, { replace: true }), encodeRow(APPROVALS, a));
    const rows = await tx.all('UPDATE outcomes SET approved = true WHERE fingerprint = ? AND head_plan_hash = ? AND verdict = ? AND NOT approved RETURNING run_id', [a.fingerprint, a.headPlanHash, a.verdict]);
    marked += rows.length;
  }
  return marked;
}

export async function getApproval(db: SqlSession, fingerprint: string, headPlanHash: string, verdict: string): Promise<ApprovalRecord | null> {
  const rows = await db.all('SELECT * FROM approvals WHERE fingerprint = ? AND head_plan_hash = ? AND verdict = ?', [fingerprint, headPlanHash, verdict]);
  return rows[0] ? decodeRow(APPROVALS, rows[0]) : null;
}

export async function listApprovals(db: SqlSession): Promise<ApprovalRecord[]> {
  const rows = await db.all('SELECT * FROM approvals ORDER BY approved_at, fingerprint, head_plan_hash');
  return rows.map((r) => decodeRow(APPROVALS, r));
}

export async function insertAudit(session: SqlSession, entry: Omit<AuditEntry, 'id' | 'at'>): Promise<number> {
  const rows = await session.all(`INSERT INTO audit (logged_at, actor, role, action, target, why, detail) VALUES (${utcNowSql()}, ?, ?, ?, ?, ?, ?) RETURNING id`, [entry.actor, entry.role, entry.action, entry.target, entry.why, JSON.stringify(entry.detail)]);
  return Number(rows[0]!.id);
}

/** the audit log, newest first */
export async function listAudit(db: SqlBackend, limit: number, offset: number): Promise<{ total: number; rows: AuditEntry[] }> {
  const [count] = await db.all('SELECT count(*) AS n FROM audit');
  const rows = await db.allJson(`SELECT * FROM audit ORDER BY id DESC LIMIT ${clamp(limit, MAX_PAGE)} OFFSET ${clamp(offset)}`);
  return {
    total: Number(count!.n),
    rows: rows.map((r) => ({ id: Number(r.id), at: String(r.logged_at), actor: String(r.actor), role: String(r.role), action: String(r.action), target: String(r.target), why: r.why === null ? null : String(r.why), detail: JSON.parse(String(r.detail)) as Record<string, unknown> })),
  };
}

/**
 * What approving a change cluster covers: its outcomes that changed (not
 * identical), have a head plan and are not approved yet — only the columns an
 * approval needs, in fingerprint order; `matched` is how many outcomes the
 * cluster has at all.
 */
export async function clusterApprovalCandidates(db: SqlSession, runId: string, signature: string): Promise<{ matched: number; outcomes: { fingerprint: string; headPlanHash: string; verdict: string }[] }> {
  const rows = await db.all('SELECT fingerprint, head_plan_hash, verdict, approved FROM outcomes WHERE run_id = ? AND signature = ? ORDER BY fingerprint', [runId, signature]);
  return {
    matched: rows.length,
    outcomes: rows
      .filter((r) => !r.approved && r.verdict !== 'identical' && r.head_plan_hash !== null && r.head_plan_hash !== undefined)
      .map((r) => ({ fingerprint: String(r.fingerprint), headPlanHash: String(r.head_plan_hash), verdict: String(r.verdict) })),
  };
}
