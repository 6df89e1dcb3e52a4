/**
 * Redis URLs: parsed into connection options (a password, a user, TLS for
 * `rediss://`, a database number) and redacted for anything a person or a
 * log can see. Kept apart from the BullMQ adapter so the CLI and the store
 * record can redact without loading ioredis.
 */
import { FlightdeckError } from '../../compiler/errors.ts';

export interface RedisOptions {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /** set for `rediss://`: TLS, checking the server's certificate against the host name */
  readonly tls?: { readonly servername: string };
}

const SYNTAX = 'redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or rediss://… for TLS';

/** `redis://:***@host:6379`: the URL with its password replaced (user, host, port and database kept). */
export function redactRedisUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // not a URL: hide whatever sits between `:` and `@` of something that looks like credentials
    // (everything between `://` and the last `@`: a password may hold `/`, which is what broke the URL)
    if (/^[a-z][a-z0-9+.-]*:\/\/[^@]*@/i.test(url)) return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@]*@/i, '$1***@');
    return url.replace(/\/\/([^/@:]*):[^@]*@/, '//$1:***@');
  }
  if (!u.password) return url;
  u.password = '***';
  return u.toString().replace(/\/$/, '');
}

/**
 * Replace every appearance of the URL's password (as written, or decoded)
 * in `text` — for messages of libraries that echo what they were given.
 */
export function redactSecrets(text: string, url: string): string {
  let out = text.split(url).join(redactRedisUrl(url));
  const secrets = new Set<string>();
  try {
    const u = new URL(url);
    if (u.password) {
      secrets.add(u.password);
      secrets.add(safeDecode(u.password));
    }
  } catch {
    const m = /\/\/[^/@]*:([^/@]+)@/.exec(url);
    if (m) secrets.add(m[1]!);
  }
  for (const s of [...secrets].toSorted((a, b) => b.length - a.length)) if (s) out = out.split(s).join('***');
  return out;
}

export function parseRedisUrl(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FlightdeckError('usage-error', `--queue must be a Redis URL (${SYNTAX}), got '${redactRedisUrl(url)}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new FlightdeckError('usage-error', `--queue must be a Redis URL (${SYNTAX}), got '${redactRedisUrl(url)}'`);
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = Number(u.port || 6379);
  const dbText = u.pathname.replace(/^\//, '');
  const db = Number(dbText || 0);
  if (!Number.isInteger(db) || db < 0) throw new FlightdeckError('usage-error', `the database in --queue must be a whole number ≥ 0, got '${dbText}' in ${redactRedisUrl(url)}`);
  const username = safeDecode(u.username);
  const password = safeDecode(u.password);
  return {
    host,
    port,
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(u.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
