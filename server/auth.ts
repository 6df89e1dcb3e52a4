/**
 * Who may do what: bearer tokens with roles, viewer < reviewer < releaser.
 *
 * Tokens come from a file (`--tokens FILE`: a JSON array of
 * `{name, role, tokenSha256}` — or `{name, role, token}`, hashed on load, for
 * a file kept outside the repository) or from the environment
 * (FLIGHTDECK_TOKENS=`name:role:token,…`). Only SHA-256 hashes are kept in
 * memory; a presented token is hashed and compared with every known hash in
 * constant time. A token is never logged, stored or echoed.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FlightdeckError } from '../compiler/errors.ts';
import { fromSystemError } from '../compiler/system-errors.ts';
import type { Me, Role } from './api-types.ts';

export const ROLES: readonly Role[] = ['viewer', 'reviewer', 'releaser'];

export interface TokenEntry {
  readonly name: string;
  readonly role: Role;
  /** SHA-256 of the token, 32 bytes */
  readonly hash: Buffer;
}

export type Principal = Me;

export const sha256 = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** a fresh token: `fdk_` and 32 random bytes, base64url (recognisable in a leak scan) */
export function newToken(): string {
  return `fdk_${randomBytes(32).toString('base64url')}`;
}

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

const RoleSchema = z.enum(['viewer', 'reviewer', 'releaser']);
const NameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/, 'a name is letters, digits, _ . @ - (at most 64)');
const FileEntrySchema = z.union([
  z.strictObject({ name: NameSchema, role: RoleSchema, tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'tokenSha256 is 64 lowercase hex digits') }),
  z.strictObject({ name: NameSchema, role: RoleSchema, token: z.string().min(16, 'a token is at least 16 characters') }),
]);
const FileSchema = z.array(FileEntrySchema);

/** Read a tokens file; errors name the file and the entry, never a token. */
export function loadTokensFile(path: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fromSystemError(err, path) ?? new FlightdeckError('io-error', `cannot read the tokens file ${path}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new FlightdeckError('usage-error', `the tokens file ${path} is not valid JSON: expected [{"name", "role", "tokenSha256"}, …]`, { location: { file: path } });
  }
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FlightdeckError('usage-error', `the tokens file ${path}: entry ${issue.path.join('.') || '(root)'}: each entry is {"name", "role": viewer|reviewer|releaser, "tokenSha256"} (or "token")`, { location: { file: path } });
  }
  return checkUnique(parsed.data.map((e) => ({ name: e.name, role: e.role, hash: 'token' in e ? sha256(e.token) : Buffer.from(e.tokenSha256, 'hex') })), path);
}

/** FLIGHTDECK_TOKENS: `name:role:token,…` */
export function parseTokensEnv(value: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  for (const [i, part] of value.split(',').map((p) => p.trim()).filter(Boolean).entries()) {
    const [name, role, ...rest] = part.split(':');
    const token = rest.join(':');
    const n = NameSchema.safeParse(name);
    const r = RoleSchema.safeParse(role);
    if (!n.success || !r.success || token.length < 16) {
      throw new FlightdeckError('usage-error', `FLIGHTDECK_TOKENS entry ${i + 1} (${n.success ? n.data : 'unnamed'}): expected name:role:token with role viewer|reviewer|releaser and a token of at least 16 characters`);
    }
    entries.push({ name: n.data, role: r.data, hash: sha256(token) });
  }
  return checkUnique(entries, 'FLIGHTDECK_TOKENS');
}

function checkUnique(entries: TokenEntry[], where: string): TokenEntry[] {
  const seen = new Set<string>();
  for (const e of entries) {
    const key = e.hash.toString('hex');
    if (seen.has(key)) throw new FlightdeckError('usage-error', `${where}: two entries share one token (the second is ${e.name}); give each its own`);
    seen.add(key);
  }
  return entries;
}

export class TokenRegistry {
  private readonly entries: readonly TokenEntry[];

  constructor(entries: readonly TokenEntry[]) {
    this.entries = entries;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The principal a token belongs to, or null. Every entry is compared, in constant time each. */
  identify(token: string): Principal | null {
    const presented = sha256(token);
    let found: TokenEntry | null = null;
    for (const e of this.entries) if (timingSafeEqual(presented, e.hash) && !found) found = e;
    return found ? { name: found.name, role: found.role } : null;
  }
}

/** The line to add to a tokens file for a fresh token (the token itself is printed once, never stored). */
export function tokenFileLine(name: string, role: Role, token: string): string {
  return JSON.stringify({ name, role, tokenSha256: sha256(token).toString('hex') });
}

export function parseRole(value: string): Role {
  const r = RoleSchema.safeParse(value);
  if (!r.success) throw new FlightdeckError('usage-error', `--role must be viewer, reviewer or releaser, got '${value}'`);
  return r.data;
}

export function parseTokenName(value: string): string {
  const n = NameSchema.safeParse(value);
  if (!n.success) throw new FlightdeckError('usage-error', `token name '${value}': ${n.error.issues[0]!.message}`);
  return n.data;
}
