/**
 * Approvals from the dashboard: approve one template or a whole change
 * cluster of a run (reviewer, with a reason), kept in the store — which marks
 * the approved outcomes in every run at once — and audited; the approvals
 * file a team keeps in its repository, built from the store, to download or
 * to write back (merged under its lock, like `flightdeck approve`).
 */
import type { FastifyInstance } from 'fastify';
import { addApprovals, recordApprovals, type Approval, type ApprovalsFile } from '../../playback/approvals.ts';
import type { ApprovalRecord } from '../../store/records.ts';
import type { Store } from '../../store/store.ts';
import { requireRole } from '../access.ts';
import { HttpError, notFound, parseInput } from '../api-error.ts';
import type { ApprovalResult } from '../api-types.ts';
import type { ServerContext } from '../context.ts';
import { ApprovalBody, TokenQuery, WriteApprovalsBody } from '../schemas.ts';

/** the approvals file's entry for a stored approval */
export function approvalEntry(a: ApprovalRecord): Approval {
  return { fingerprint: a.fingerprint, headPlanHash: a.headPlanHash, template: a.template, verdict: a.verdict, by: a.approvedBy, why: a.why, at: a.approvedAt, ...(a.run ? { run: a.run } : {}) };
}

export async function approvalsFile(store: Store): Promise<ApprovalsFile> {
  return addApprovals({ version: 1, approvals: [] }, (await store.listApprovals()).map(approvalEntry));
}

export function registerApprovalRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { store, tokens } = ctx;

  app.post('/api/approvals', async (req): Promise<ApprovalResult> => {
    const who = requireRole(tokens, req, 'reviewer');
    const body = parseInput('body', ApprovalBody, req.body);
    const run = await store.getRun(body.run);
    if (!run) throw notFound(`no run '${body.run}' in the store`);
    let chosen: readonly { fingerprint: string; headPlanHash: string | null; verdict: string }[];
    if (body.fingerprint) {
      const o = await store.getOutcome(run.id, body.fingerprint);
      if (!o) throw notFound(`no template '${body.fingerprint}' in run ${run.id}`);
      if (!o.headPlanHash) throw new HttpError('conflict', `template ${body.fingerprint} has no head plan in run ${run.id} (${o.verdict}): there is no plan to approve`);
      chosen = [o];
    } else {
      const { matched, outcomes } = await store.clusterApprovalCandidates(run.id, body.cluster!);
      if (!matched) throw notFound(`no change cluster with that signature in run ${run.id}`);
      if (!outcomes.length) throw new HttpError('conflict', `every changed template of that cluster in run ${run.id} is approved already`);
      chosen = outcomes;
    }
    const templates = new Map((await store.getTemplates(run.workload, chosen.map((o) => o.fingerprint))).map((t) => [t.fingerprint, t]));
    const at = new Date().toISOString();
    const records: ApprovalRecord[] = chosen.map((o) => ({
      fingerprint: o.fingerprint, headPlanHash: o.headPlanHash!, template: templates.get(o.fingerprint)?.normalized ?? '', verdict: o.verdict,
      approvedBy: who.name, why: body.why, approvedAt: at, run: run.id,
    }));
    // the approvals and their audit entry are one transaction
    const { outcomesMarked, auditId } = await store.saveApprovalsAudited(records, (outcomesMarked) => ({
      actor: who.name, role: who.role, action: 'approve', target: body.fingerprint ? `${run.id}/${body.fingerprint}` : `${run.id}/cluster`, why: body.why,
      detail: { run: run.id, ...(body.cluster ? { cluster: body.cluster } : {}), approved: records.length, outcomesMarked, fingerprints: records.slice(0, 100).map((r) => r.fingerprint) },
    }));
    // approvals mark outcomes in every run: no kept answer may show them unapproved
    ctx.cache.invalidate();
    return { approved: records.length, outcomesMarked, auditId };
  });

  app.get('/api/approvals', async (req, reply) => {
    parseInput('query', TokenQuery, req.query);
    requireRole(tokens, req, 'viewer', { queryToken: true });
    const file = await approvalsFile(store);
    return reply.header('content-disposition', 'attachment; filename="flightdeck.approvals.json"').type('application/json; charset=utf-8').send(JSON.stringify(file, null, 2) + '\n');
  });

  app.post('/api/approvals/write', async (req) => {
    const who = requireRole(tokens, req, 'reviewer');
    const body = parseInput('body', WriteApprovalsBody, req.body);
    const fromStore = (await approvalsFile(store)).approvals;
    // other approves may write the file at this moment: lock, re-read, merge, replace atomically
    const merged = await recordApprovals(ctx.approvalsPath, fromStore);
    await store.appendAudit({
      actor: who.name, role: who.role, action: 'write-approvals-file', target: ctx.approvalsPath, why: body.why ?? null,
      detail: { fromStore: fromStore.length, inFile: merged.approvals.length },
    });
    return { path: ctx.approvalsPath, approvals: merged.approvals.length };
  });
}
