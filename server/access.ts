/**
 * The server's access check, per request: who is calling (the bearer token's
 * name and role) and whether that role may do this. No or unknown token →
 * 401; a role below the one needed → 403. `?token=` is taken only where a
 * browser cannot set a header (EventSource, a download link).
 */
import type { FastifyRequest } from 'fastify';
import type { Role } from './api-types.ts';
import { HttpError } from './api-error.ts';
import { roleAtLeast, type Principal, type TokenRegistry } from './auth.ts';

export interface AccessOptions {
  /** also accept `?token=` (EventSource and download links cannot send headers) */
  readonly queryToken?: boolean;
}

function presentedToken(req: FastifyRequest, options: AccessOptions): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new HttpError('unauthorized', 'the Authorization header must be `Bearer <token>`');
    return m[1]!;
  }
  if (options.queryToken) {
    const q = (req.query as Record<string, unknown> | undefined)?.token;
    if (typeof q === 'string' && q) return q;
  }
  return null;
}

export function requireRole(tokens: TokenRegistry, req: FastifyRequest, role: Role, options: AccessOptions = {}): Principal {
  const token = presentedToken(req, options);
  if (token === null) throw new HttpError('unauthorized', 'sign in: send `Authorization: Bearer <token>` (flightdeck serve prints one, or ask for one: flightdeck serve --new-token NAME --role ROLE)');
  const who = tokens.identify(token);
  if (!who) throw new HttpError('unauthorized', 'this token is not known to the server (revoked, or from another server)');
  if (!roleAtLeast(who.role, role)) throw new HttpError('forbidden', `${who.name} is a ${who.role}; this needs the ${role} role`);
  return who;
}
