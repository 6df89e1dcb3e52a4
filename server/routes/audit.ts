/** The audit log, newest first, paged: who did what, on what, when and why. */
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../access.ts';
import { parseInput } from '../api-error.ts';
import type { AuditEntry, Page } from '../api-types.ts';
import type { ServerContext } from '../context.ts';
import { isoTime } from '../run-view.ts';
import { PageQuery } from '../schemas.ts';

export function registerAuditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/audit', async (req): Promise<Page<AuditEntry>> => {
    requireRole(ctx.tokens, req, 'viewer');
    const q = parseInput('query', PageQuery, req.query);
    const page = await ctx.store.listAudit(q.limit, q.offset);
    return { total: page.total, limit: q.limit, offset: q.offset, rows: page.rows.map((r) => ({ ...r, at: isoTime(r.at) })) };
  });
}
