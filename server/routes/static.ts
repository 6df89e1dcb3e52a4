/**
 * The built web app (ui/dist, `npm run build:ui`) from the API's origin:
 * its files as they are, and index.html for any other GET outside /api (the
 * app routes in the browser). Without a build, such a GET answers a one-line
 * 503 page saying how to make one; /api answers JSON 404 for unknown paths.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HttpError, sendError } from '../api-error.ts';

export const MISSING_UI_PAGE = '<!doctype html><meta charset="utf-8"><title>flightdeck</title><p>The dashboard is not built: run <code>npm run build:ui</code>, then reload. (The API is up at /api.)</p>\n';

export async function registerStaticRoutes(app: FastifyInstance, uiDir: string): Promise<void> {
  const built = existsSync(join(uiDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: uiDir, wildcard: true, index: ['index.html'] });
  }
  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0]!;
    if (path === '/api' || path.startsWith('/api/') || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return sendError(reply, new HttpError('not-found', `no ${req.method} ${path.startsWith('/api') ? path : 'route'} here`));
    }
    if (!built || !existsSync(join(uiDir, 'index.html'))) return reply.code(503).type('text/html; charset=utf-8').send(MISSING_UI_PAGE);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
