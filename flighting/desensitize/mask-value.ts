/**
 * The literal masker: mask-sql.ts's arithmetic in TypeScript, value by
 * value, so a query literal masks to exactly what the snapshot holds for
 * the same input under the same key. Values are in DuckDB's text form
 * (CAST(x AS VARCHAR)); the result is too (null for SQL NULL).
 * test/flighting/mask-equality.test.ts checks every kind against the SQL.
 */
import { createHash } from 'node:crypto';
import { domainOf, shuffleParts, typeClass, type ColumnPolicy } from './policy.ts';
import { EMAIL_DOMAINS, FINALS, STREET_TYPES, SYLLABLES } from './dictionaries.ts';
import type { MaskingKey } from './key.ts';

export function keyedHash(keyHex: string, domain: string, value: string): string {
  return createHash('sha256').update(`${keyHex}:${domain}:${value}:${keyHex}`, 'utf8').digest('hex');
}

/** fd_hx: hex digits p..p+n-1 (1-based) as a number */
const hx = (h: string, p: number, n: number): number => parseInt(h.slice(p - 1, p - 1 + n), 16);
const chars = (s: string): string[] => [...s];
const len = (s: string): number => chars(s).length;
const syl = (h: string, p: number) => SYLLABLES[hx(h, p, 4) % SYLLABLES.length]!;
const fin = (h: string, p: number) => FINALS[hx(h, p, 2) % FINALS.length]!;
const word = (h: string, p: number, n: 3 | 4) => syl(h, p) + syl(h, p + 4) + syl(h, p + 8) + (n === 4 ? syl(h, p + 12) + fin(h, p + 16) : fin(h, p + 12));
const cap = (w: string) => w.slice(0, 1).toUpperCase() + w.slice(1);
const nameword = (t: string, h: string, p: number) => cap(word(h, p, len(t) <= 6 ? 3 : 4));
const sameCase = (v: string, w: string) => (v === v.toUpperCase() && v !== v.toLowerCase() ? w.toUpperCase() : w);
const digit = (h: string, i: number) => String(hx(h, ((i - 1) % 32) * 2 + 1, 2) % 10);
const isDigit = (c: string) => c >= '0' && c <= '9';

export function fakeName(v: string, h: string): string {
  const sp = v.indexOf(' ');
  return sameCase(v, sp >= 0 ? `${nameword(v.split(' ')[0]!, h, 1)} ${nameword(v.slice(sp + 1), h, 21)}` : nameword(v, h, 1));
}

export function fakeEmail(h: string): string {
  return `${word(h, 1, 3)}.${word(h, 21, 3)}${hx(h, 41, 3) % 100}@${EMAIL_DOMAINS[hx(h, 45, 2) % EMAIL_DOMAINS.length]}`;
}

export function fakePhone(v: string, h: string, keep: number): string {
  return chars(v).map((c, i0) => (i0 + 1 > keep && isDigit(c) ? digit(h, i0 + 1) : c)).join('');
}

export function luhnDigit(body: string): string {
  if (body === '') return '0';
  const n = body.length;
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    const d = Number(body[i - 1]);
    sum += (n - i) % 2 === 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function fakeCard(v: string, h: string, keep: number): string {
  const d = v.replace(/[^0-9]/g, '');
  const ke = Math.max(0, Math.min(keep, d.length - 2));
  let body = d.slice(0, ke);
  for (let j = ke + 1; j < d.length; j++) body += digit(h, j);
  const full = body + luhnDigit(body);
  if (/^[0-9]*$/.test(v)) return full;
  let seen = 0;
  return chars(v).map((c) => (isDigit(c) ? full.slice(seen, ++seen) : c)).join('');
}

export function mod97(s: string): number {
  const digits = '0' + chars(s.replace(/[^A-Z0-9]/g, '')).map((c) => (c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c)).join('');
  let a = 0;
  for (const c of digits) a = (a * 10 + Number(c)) % 97;
  return a;
}

export function fakeIban(v: string, h: string): string {
  const s = v.replaceAll(' ', '').toUpperCase();
  const cc = s.slice(0, 2);
  const nb = chars(s.slice(4)).map((c, i0) => {
    const i = i0 + 1;
    if (isDigit(c)) return digit(h, i);
    if (c >= 'A' && c <= 'Z') return String.fromCharCode(65 + (hx(h, ((i - 1) % 32) * 2 + 1, 2) % 26));
    return c;
  }).join('');
  const r = cc + String(98 - mod97(nb + cc + '00')).padStart(2, '0') + nb;
  return v.includes(' ') ? r.replace(/(.{4})/g, '$1 ').trim() : r;
}

export function fakeAddress(v: string, h: string): string {
  return `${/^[0-9]/.test(v) ? `${1 + (hx(h, 1, 4) % 999)} ` : ''}${cap(word(h, 5, 3))} ${STREET_TYPES[hx(h, 21, 2) % STREET_TYPES.length]}`;
}

const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

function fakeDob(v: string, h: string, decade: boolean): string {
  const year = Number(v.slice(0, v.indexOf('-', 1)));
  const y = decade ? year - (year % 10) + (hx(h, 5, 2) % 10) : year;
  const d = new Date(0);
  d.setUTCFullYear(y, 0, 1);
  return ymd(d.getTime() + (hx(h, 1, 4) % 365) * DAY);
}

/** DuckDB's DOUBLE → integer/DECIMAL cast rounds half away from zero */
function roundTo(x: number, scale: number): string {
  const f = 10 ** scale;
  const r = Math.sign(x) * Math.round(Math.abs(x) * f);
  return scale === 0 ? String(r === 0 ? 0 : r) : (r / f).toFixed(scale);
}

function numeric(type: string, x: number): string {
  const cls = typeClass(type);
  if (cls === 'integer') return roundTo(x, 0);
  if (cls === 'decimal') return roundTo(x, Number(/,\s*(\d+)\)/.exec(type)?.[1] ?? 3));
  if (/^(FLOAT|REAL|FLOAT4)$/i.test(type.trim())) return shortestFloat32(x);
  return String(x);
}

/**
 * A 4-byte float as DuckDB prints it: the value rounded to float32, in the
 * fewest digits that read back as the same float32 (SQL's REAL column holds
 * the rounded value, so the literal must name that value, not the double).
 */
function shortestFloat32(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return String(f);
  for (let p = 1; p <= 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(f);
}

const shuffles = new Map<string, Int32Array | Float64Array>();

/**
 * The keyed shuffle of [lo, hi], as value-maps.ts computes it in SQL: a pin
 * maps to itself, any other x to the value of its stretch between pins whose
 * rank there is x's rank when the stretch is ordered by (the keyed hash's
 * first 60 bits, x);
 * without pins x ↦ lo - 1 + its rank in the whole range. Computed once per
 * key, domain, range and pins (one hash per value of the range).
 */
function shuffled(keyHex: string, domain: string, lo: number, hi: number, pins: readonly number[] = []): ArrayLike<number> {
  const parts = shuffleParts(lo, hi, pins);
  const id = createHash('sha256').update(`${keyHex}\0${domain}\0${lo}\0${hi}\0${parts.pins.join(',')}`).digest('hex');
  const cached = shuffles.get(id);
  if (cached) return cached;
  const n = hi - lo + 1;
  const out = Math.abs(lo) < 2 ** 31 && Math.abs(hi) < 2 ** 31 ? new Int32Array(n) : new Float64Array(n);
  for (const p of parts.pins) out[p - lo] = p;
  for (const [first, last] of parts.stretches) {
    // ordered by the hash's first 60 bits (15 hex digits: strings of one length, in the integers' order), then x
    const hashes = Array.from({ length: last - first + 1 }, (_, i) => keyedHash(keyHex, domain, String(first + i)).slice(0, 15));
    const order = Int32Array.from(hashes.keys());
    order.sort((a, c) => (hashes[a]! < hashes[c]! ? -1 : hashes[a]! > hashes[c]! ? 1 : a - c));
    order.forEach((i, rank) => (out[first + i - lo] = first + rank));
  }
  shuffles.set(id, out);
  return out;
}

export interface LiteralContext {
  /** the column's name and DuckDB type in the source */
  readonly column: string;
  readonly type: string;
  /** dateShift only: the entity column's value in the same row */
  readonly entity?: string | null;
}

/**
 * The masked text of one value, exactly as the snapshot holds it.
 * Throws for kinds whose output depends on more than the value (dateShift without its entity).
 */
export function maskValue(policy: ColumnPolicy, value: string | null, cx: LiteralContext, key: MaskingKey): string | null {
  const p = policy;
  if (p.kind === 'null') return null;
  if (p.kind === 'keep') return value;
  if (p.kind === 'drop') throw new Error(`${cx.column} is dropped from the snapshot: no masked value`);
  if (value === null) return null;
  const h = () => keyedHash(key.revealHex(), domainOf(cx.column, p), value);
  switch (p.kind) {
    case 'pseudonym': {
      if (typeClass(cx.type) !== 'integer') return h().slice(0, 16);
      if (!p.range) return BigInt('0x' + h().slice(0, 15)).toString();
      const v = BigInt(value);
      const [lo, hi] = p.range;
      if (v < BigInt(lo) || v > BigInt(hi)) return String(hi + 1 + hx(h(), 1, 7));
      return String(shuffled(key.revealHex(), domainOf(cx.column, p), lo, hi, p.pins)[Number(v) - lo]);
    }
    case 'email': return fakeEmail(h());
    case 'phone': return fakePhone(value, h(), p.keepPrefix);
    case 'card': return fakeCard(value, h(), p.keepPrefix);
    case 'iban': return fakeIban(value, h());
    case 'name': return fakeName(value, h());
    case 'address': return fakeAddress(value, h());
    case 'dob': {
      const day = fakeDob(value, h(), p.keep === 'decade');
      return typeClass(cx.type) === 'timestamp' ? `${day} 00:00:00` : day;
    }
    case 'noise': {
      const u = hx(h(), 1, 12) / 281474976710656;
      // a REAL column holds the float32 nearest the literal: SQL multiplies that value, widened to DOUBLE
      const x = /^(REAL|FLOAT|FLOAT4)$/i.test(cx.type) ? Math.fround(Number(value)) : Number(value);
      return numeric(cx.type, x * (1 + p.relative * (u * 2 - 1)));
    }
    case 'bucket': return numeric(cx.type, Math.floor(Number(value) / p.width) * p.width);
    case 'generalise': {
      if (p.to) {
        const [y, m] = value.split('-');
        const day = `${y}-${p.to === 'month' ? m : '01'}-01`;
        return typeClass(cx.type) === 'timestamp' ? `${day} 00:00:00` : day;
      }
      if (p.prefix !== undefined) return len(value) <= p.prefix ? value : chars(value).slice(0, p.prefix).join('') + '*'.repeat(len(value) - p.prefix);
      return Object.hasOwn(p.map ?? {}, value) ? p.map![value]! : p.otherwise;
    }
    case 'dateShift': {
      if (cx.entity === undefined) throw new Error(`${cx.column} is shifted per ${p.entity}: its masked value depends on the row`);
      const days = (hx(keyedHash(key.revealHex(), `shift:${domainOf(cx.column, p)}`, cx.entity ?? ''), 1, 8) % (2 * p.maxDays + 1)) - p.maxDays;
      const t = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : `${value.replace(' ', 'T')}Z`) + days * DAY;
      return typeClass(cx.type) === 'date' ? ymd(t) : new Date(t).toISOString().replace('T', ' ').replace(/\.000Z$/, '').replace(/Z$/, '');
    }
  }
}
