/**
 * The masking Policy: per table, per column, one masking kind and its
 * options. Every column of every source table must be listed (`keep` is a
 * decision too): a column added to the source later fails the run instead
 * of slipping through unmasked. `detector`, `confidence` and `reason` are
 * written by `--suggest` for the reviewer and ignored by the masker.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FlightdeckError } from '../../compiler/errors.ts';

/** the largest integer range permuted in place (its permutation is computed whole) */
export const MAX_RANGE = 50_000_000;
/** values a keyed shuffle keeps in place (each carrying column's min and max) */
export const MAX_PINS = 64;
/** --suggest leaves more than this many values between two pins (see suggest.ts spacedPins) */
export const MIN_STRETCH = 100;
const DOMAIN = z.string().regex(/^[a-z0-9_.-]+$/i, 'a domain is letters, digits, _ . -');
/** written by --suggest for the reviewer (detector, confidence, reason) and for the literal masker (the source column's type) */
const note = { detector: z.string().optional(), confidence: z.number().min(0).max(1).optional(), reason: z.string().optional(), type: z.string().optional() };

export const ColumnPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('keep'), ...note }).strict(),
  /**
   * keyed pseudonym: equal inputs give equal outputs under one key and domain (keys and foreign keys share a domain).
   * Integers with `range: [lo, hi]` are permuted within the range (a keyed shuffle: the catalog keeps type, min, max
   * and density, so plans keep their shape); integers outside it, and integers without a range, get a 60-bit BIGINT.
   * `pins` (within the range) map to themselves and the shuffle stays between them: --suggest pins each carrying
   * column's min and max, so every column keeps its own min/max (a join's planner derives range filters from them).
   */
  z.object({
    kind: z.literal('pseudonym'), domain: DOMAIN.optional(),
    range: z.tuple([z.number().int(), z.number().int()]).refine(([lo, hi]) => lo <= hi && hi - lo < MAX_RANGE, `a range is lo ≤ hi, at most ${MAX_RANGE} values`).optional(),
    pins: z.array(z.number().int()).max(MAX_PINS, `at most ${MAX_PINS} pins`).optional(),
    ...note,
  }).strict().refine((p) => !p.pins || (p.range && p.pins.every((x) => x >= p.range![0] && x <= p.range![1])), 'pins need a range and lie within it'),
  z.object({ kind: z.literal('email'), domain: DOMAIN.optional(), ...note }).strict(),
  /** digits replaced, punctuation and the first `keepPrefix` characters kept */
  z.object({ kind: z.literal('phone'), domain: DOMAIN.optional(), keepPrefix: z.number().int().min(0).max(8).default(3), ...note }).strict(),
  /** digits replaced except the first `keepPrefix`; the last digit is a valid Luhn check digit */
  z.object({ kind: z.literal('card'), domain: DOMAIN.optional(), keepPrefix: z.number().int().min(0).max(8).default(1), ...note }).strict(),
  /** country code kept, BBAN replaced (digits by digits, letters by letters), valid check digits */
  z.object({ kind: z.literal('iban'), domain: DOMAIN.optional(), ...note }).strict(),
  z.object({ kind: z.literal('name'), domain: DOMAIN.optional(), ...note }).strict(),
  z.object({ kind: z.literal('address'), domain: DOMAIN.optional(), ...note }).strict(),
  /** date of birth: a keyed fake day within the same year (or decade) */
  z.object({ kind: z.literal('dob'), domain: DOMAIN.optional(), keep: z.enum(['year', 'decade']).default('year'), ...note }).strict(),
  /** multiplicative noise within ±relative, keyed by the value (equal values stay equal) */
  z.object({ kind: z.literal('noise'), domain: DOMAIN.optional(), relative: z.number().gt(0).max(1).default(0.05), ...note }).strict(),
  z.object({ kind: z.literal('bucket'), width: z.number().positive(), ...note }).strict(),
  /** every date of one entity (the `entity` column's value) moves by the same keyed number of days */
  z.object({ kind: z.literal('dateShift'), entity: z.string(), domain: DOMAIN.optional(), maxDays: z.number().int().min(1).max(3650).default(30), ...note }).strict(),
  z.object({
    kind: z.literal('generalise'),
    /** dates: truncate to month or year */
    to: z.enum(['month', 'year']).optional(),
    /** strings: keep the first N characters, the rest become '*' */
    prefix: z.number().int().min(0).optional(),
    /** strings: value → replacement (e.g. city → region); others become `otherwise` */
    map: z.record(z.string(), z.string()).optional(),
    otherwise: z.string().default('other'),
    ...note,
  }).strict().refine((g) => [g.to, g.prefix, g.map].filter((x) => x !== undefined).length === 1, 'generalise takes exactly one of to, prefix, map'),
  z.object({ kind: z.literal('null'), ...note }).strict(),
  z.object({ kind: z.literal('drop'), ...note }).strict(),
]);

export type ColumnPolicy = z.infer<typeof ColumnPolicySchema>;
export type MaskKind = ColumnPolicy['kind'];

export const PolicySchema = z.object({
  version: z.literal(1),
  tables: z.record(z.string(), z.object({ columns: z.record(z.string(), ColumnPolicySchema) }).strict()),
}).strict();

export type Policy = z.infer<typeof PolicySchema>;

/** kinds whose output is a function of the value alone (so a query literal can be masked to the same value) */
export const VALUE_DETERMINED: ReadonlySet<MaskKind> = new Set(['pseudonym', 'email', 'phone', 'card', 'iban', 'name', 'address', 'dob', 'noise', 'bucket', 'generalise', 'null']);

export function parsePolicy(json: unknown, file = 'policy'): Policy {
  const r = PolicySchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new FlightdeckError('usage-error', `invalid policy: ${issue.path.join('.') || '(root)'}: ${issue.message}`, { location: { file } });
  }
  return r.data;
}

export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FlightdeckError('not-found', `cannot read policy ${path}: ${(err as Error).message}`, { location: { file: path } });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FlightdeckError('usage-error', `policy is not JSON: ${(err as Error).message}`, { location: { file: path } });
  }
  return parsePolicy(json, path);
}

/** The pseudonym domain of a column: equal domains give equal outputs for equal inputs. */
export function domainOf(column: string, p: ColumnPolicy): string {
  if ('domain' in p && p.domain) return p.domain;
  if (p.kind === 'pseudonym' || p.kind === 'dateShift') return p.kind === 'dateShift' ? p.entity : column;
  return p.kind;
}

export interface SourceColumn {
  readonly table: string;
  readonly column: string;
  readonly type: string;
}

/** Every source column listed, no unknown table/column, options fit the column type. */
export function checkPolicyCovers(policy: Policy, columns: readonly SourceColumn[], file = 'policy'): void {
  const problems: string[] = [];
  const byTable = new Map<string, SourceColumn[]>();
  for (const c of columns) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  for (const [table, cols] of byTable) {
    const tp = policy.tables[table];
    if (!tp) {
      problems.push(`table ${table} is not in the policy (list its columns, with kind "keep" where nothing is masked)`);
      continue;
    }
    for (const c of cols) {
      const p = tp.columns[c.column];
      if (!p) problems.push(`${table}.${c.column} is not in the policy`);
      else problems.push(...typeProblems(c, p, cols));
    }
    for (const name of Object.keys(tp.columns)) if (!cols.some((c) => c.column === name)) problems.push(`${table}.${name} is in the policy but not in the source`);
  }
  for (const t of Object.keys(policy.tables)) if (!byTable.has(t)) problems.push(`table ${t} is in the policy but not in the source`);
  problems.push(...shuffleProblems(policy));
  if (problems.length) {
    throw new FlightdeckError('usage-error', `policy does not fit the source: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? `; and ${problems.length - 8} more` : ''}`, { location: { file } });
  }
}

/**
 * A ranged key's shuffle as its parts: the pins (distinct, sorted, inside
 * [lo, hi]), each mapped to itself, and the stretches between them ([lo,
 * p1 - 1], [p1 + 1, p2 - 1], …, [pk + 1, hi], empty ones left out), each
 * shuffled in itself. The SQL (value-maps.ts) and the literal masker
 * (mask-value.ts) both build on this, so they cannot cut a range differently.
 */
export function shuffleParts(lo: number, hi: number, pins: readonly number[] = []): { pins: number[]; stretches: [number, number][] } {
  const ps = [...new Set(pins)].filter((x) => x >= lo && x <= hi).toSorted((a, b) => a - b);
  const bounds = [lo - 1, ...ps, hi + 1];
  const stretches: [number, number][] = [];
  for (let b = 0; b + 1 < bounds.length; b++) if (bounds[b]! + 1 <= bounds[b + 1]! - 1) stretches.push([bounds[b]! + 1, bounds[b + 1]! - 1]);
  return { pins: ps, stretches };
}

/**
 * Integer pseudonyms of one domain must shuffle alike: the same range and the
 * same pins (a key and the columns that carry it). Otherwise a foreign key
 * would be masked by another permutation than its key and point at other rows,
 * with every row and distinct count still right.
 */
function shuffleProblems(policy: Policy): string[] {
  const byDomain = new Map<string, { readonly where: string; readonly shape: string }[]>();
  for (const [table, tp] of Object.entries(policy.tables)) {
    for (const [column, p] of Object.entries(tp.columns)) {
      if (p.kind !== 'pseudonym') continue;
      const domain = domainOf(column, p);
      const shape = p.range ? JSON.stringify({ range: p.range, pins: shuffleParts(p.range[0], p.range[1], p.pins).pins }) : 'no range';
      byDomain.set(domain, [...(byDomain.get(domain) ?? []), { where: `${table}.${column}`, shape }]);
    }
  }
  const problems: string[] = [];
  for (const [domain, uses] of byDomain) {
    const first = uses[0]!;
    for (const u of uses.slice(1)) {
      if (u.shape !== first.shape) problems.push(`${u.where} and ${first.where} share the pseudonym domain '${domain}' but not its range and pins (${u.shape} vs ${first.shape}): give them the same, or the foreign key would point at other rows`);
    }
  }
  return problems;
}

export type TypeClass = 'integer' | 'decimal' | 'float' | 'string' | 'date' | 'timestamp' | 'other';

export function typeClass(type: string): TypeClass {
  const t = type.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(t)) return 'integer';
  if (t.startsWith('DECIMAL')) return 'decimal';
  if (t === 'DOUBLE' || t === 'FLOAT' || t === 'REAL') return 'float';
  if (t === 'VARCHAR' || t.startsWith('VARCHAR(')) return 'string';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  return 'other';
}

const ALLOWED: Record<MaskKind, readonly TypeClass[]> = {
  keep: ['integer', 'decimal', 'float', 'string', 'date', 'timestamp', 'other'],
  null: ['integer', 'decimal', 'float', 'string', 'date', 'timestamp', 'other'],
  drop: ['integer', 'decimal', 'float', 'string', 'date', 'timestamp', 'other'],
  pseudonym: ['integer', 'string'],
  email: ['string'], phone: ['string'], card: ['string'], iban: ['string'], name: ['string'], address: ['string'],
  dob: ['date', 'timestamp'],
  noise: ['integer', 'decimal', 'float'],
  bucket: ['integer', 'decimal', 'float'],
  dateShift: ['date', 'timestamp'],
  generalise: ['string', 'date', 'timestamp'],
};

function typeProblems(c: SourceColumn, p: ColumnPolicy, tableColumns: readonly SourceColumn[]): string[] {
  const cls = typeClass(c.type);
  const out: string[] = [];
  if (!ALLOWED[p.kind].includes(cls)) out.push(`${c.table}.${c.column} is ${c.type}: kind "${p.kind}" needs ${ALLOWED[p.kind].join('/')}`);
  if (p.kind === 'generalise') {
    if (p.to && cls === 'string') out.push(`${c.table}.${c.column}: generalise "to" is for dates; use prefix or map for strings`);
    if (!p.to && cls !== 'string') out.push(`${c.table}.${c.column}: generalise of a ${c.type} takes "to": month | year`);
  }
  if (p.kind === 'dateShift' && !tableColumns.some((t) => t.column === p.entity)) out.push(`${c.table}.${c.column}: dateShift entity ${p.entity} is not a column of ${c.table}`);
  return out;
}
