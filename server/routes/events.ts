/**
 * GET /api/events?run=ID — server-sent events of a run's progress:
 * `event: progress` (RunProgress) whenever it changed, `event: done` when the
 * run is no longer running (then the stream ends); without `run`, every
 * running run's progress and `done`, until the client goes. A comment line
 * every `heartbeatMs` keeps proxies from closing an idle stream. EventSource
 * cannot set headers, so the token may come as `?token=`.
 */
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../access.ts';
import { notFound, parseInput } from '../api-error.ts';
import type { ServerContext } from '../context.ts';
import { ALL_RUNS, type ProgressEvent } from '../progress-hub.ts';
import { EventsQuery } from '../schemas.ts';

export function registerEventRoutes(app: FastifyInstance, ctx: ServerContext, options: { heartbeatMs: number; securityHeaders: Record<string, string> }): void {
  // streams still open when the server closes are ended, so close() does not wait for the clients
  const streams = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const close of streams) close();
    done();
  });
  app.get('/api/events', async (req, reply) => {
    const q = parseInput('query', EventsQuery, req.query);
    requireRole(ctx.tokens, req, 'viewer', { queryToken: true });
    if (q.run && !(await ctx.store.getRun(q.run))) throw notFound(`no run '${q.run}' in the store`);
    // the client may have gone while the store was read (a busy store can take seconds): no stream, no poller for nobody
    if (req.raw.destroyed || req.raw.socket?.destroyed) {
      reply.hijack();
      reply.raw.destroy();
      return;
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...options.securityHeaders,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    let open = true;
    const send = (event: string, data: unknown) => {
      if (open) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const close = () => {
      if (!open) return;
      open = false;
      streams.delete(close);
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    };
    const heartbeat = setInterval(() => open && res.write(': heartbeat\n\n'), options.heartbeatMs);
    heartbeat.unref();
    const unsubscribe = ctx.hub.subscribe(q.run ?? ALL_RUNS, (e: ProgressEvent) => {
      if (e.type === 'missing') {
        send('error', { error: { code: 'not-found', message: `run '${e.runId}' is gone from the store` } });
        queueMicrotask(close);
      } else if (e.type === 'progress') send('progress', e.progress);
      else {
        send('done', e.progress);
        // one run's stream ends with its run; the all-runs stream goes on
        if (q.run) queueMicrotask(close);
      }
    });
    streams.add(close);
    req.raw.on('close', close);
    res.on('error', close);
  });
}
