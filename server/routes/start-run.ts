/** POST /api/runs — start a playback or a flight (reviewer); answers the id at once, the run goes on in the background. Audited. */
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../access.ts';
import { parseInput, redactSecrets } from '../api-error.ts';
import type { StartRunRequest } from '../api-types.ts';
import type { ServerContext } from '../context.ts';
import type { StartedRun } from '../run-starter.ts';
import { StartRunBody } from '../schemas.ts';

export function registerStartRunRoute(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/runs', async (req, reply): Promise<StartedRun> => {
    const who = requireRole(ctx.tokens, req, 'reviewer');
    const body = parseInput('body', StartRunBody, req.body) as StartRunRequest & { why?: string };
    const started = await ctx.runs.start(body);
    await ctx.store.appendAudit({
      actor: who.name, role: who.role, action: `start-${body.kind}`, target: started.id, why: body.why ?? null,
      detail: {
        kind: body.kind, ...(body.workload ? { workload: body.workload } : {}), ...(body.run ? { run: body.run } : {}), ...(body.base ? { base: body.base } : {}),
        ...(body.head ? { head: body.head } : {}), queue: body.queue && body.queue !== 'local' ? redactSecrets(body.queue) : 'local', ...(started.flightId ? { flightId: started.flightId } : {}),
      },
    });
    reply.code(202);
    return started;
  });
}
