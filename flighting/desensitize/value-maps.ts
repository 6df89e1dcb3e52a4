/**
 * Masking by lookup: the masked value of every distinct input is computed
 * once, in a lookup table (in memory, never in the snapshot), and joined to
 * each table that holds the column. Columns sharing a masking (same kind,
 * options and domain — a key and its foreign keys, a card number in two
 * tables) share one table. Values repeat in real data (a customer id in
 * every order), so this does the costly work (keyed hashes, Luhn digits)
 * once per value, not once per row; the result is the same function
 * (test/flighting/mask-equality.test.ts checks it). A key with a range
 * (integers in [lo, hi]: its keyed shuffle) is one list, indexed by the value:
 * no join for the millions of foreign keys that carry it.
 */
import { domainOf, typeClass, type ColumnPolicy } from './policy.ts';
import { createTable, hashSql, lit, maskedType, maskExpression, maskSelect, q, type HashMaps, type MaskColumn } from './mask-sql.ts';

/** kinds whose output depends on the value alone (dateShift depends on its entity; keep/null/drop/bucket/generalise are cheap) */
const LOOKUP_KINDS: ReadonlySet<ColumnPolicy['kind']> = new Set(['pseudonym', 'email', 'phone', 'card', 'iban', 'name', 'address', 'dob', 'noise']);

export interface ValueMaps {
  /** table\0column → the lookup table (v, m), or for a ranged key the one-row table (a): its shuffle as a list */
  readonly byColumn: ReadonlyMap<string, string>;
  /** statements creating them (the key is `$1`) */
  readonly statements: readonly string[];
  /** the table each statement creates, in the same order */
  readonly tables: readonly string[];
}

/** the policy with its domain spelled out, so the lookup masks `column` exactly as it would in place */
function pinned(column: string, p: ColumnPolicy): ColumnPolicy {
  const { detector: _d, confidence: _c, reason: _r, type: _t, ...rest } = p as ColumnPolicy & Record<string, unknown>;
  return ('domain' in p || p.kind === 'pseudonym' || LOOKUP_KINDS.has(p.kind) ? { ...rest, domain: domainOf(column, p) } : rest) as ColumnPolicy;
}

/** the lookup tables of `tables`' columns, in `schema` (TEMP by default; never the snapshot) */
export function valueMapStatements(tables: readonly { name: string; relation: string; columns: readonly MaskColumn[] }[], schema = 'temp.main'): ValueMaps {
  const groups = new Map<string, { policy: ColumnPolicy; type: string; sources: { column: string; relation: string }[]; columns: string[] }>();
  for (const t of tables) {
    for (const c of t.columns) {
      if (!LOOKUP_KINDS.has(c.policy.kind)) continue;
      const policy = pinned(c.column, c.policy);
      const id = JSON.stringify([policy, typeClass(c.type), typeClass(c.type) === 'decimal' ? c.type : '']);
      const g = groups.get(id) ?? { policy, type: c.type, sources: [], columns: [] };
      g.sources.push({ column: c.column, relation: t.relation });
      g.columns.push(`${t.name}\0${c.column}`);
      groups.set(id, g);
    }
  }
  const statements: string[] = [];
  const created: string[] = [];
  const byColumn = new Map<string, string>();
  [...groups.values()].forEach((g, i) => {
    const table = `${schema}.fd_vmap_${i}`;
    created.push(table);
    const distinct = () => `(${g.sources.map((s) => `SELECT DISTINCT ${q(s.column)} AS __fd_x FROM ${s.relation}`).join(' UNION ')})`;
    const column = { column: '__fd_x', type: g.type, policy: g.policy };
    const p = g.policy;
    if (isRangedKey(p, g.type)) {
      // in [lo, hi]: the keyed shuffle (shuffleSql) as one list, m of lo + j - 1 at j; outside: the hash form, in place (rangedLookup)
      const [lo, hi] = p.range;
      statements.push(`${createTable(table)} AS SELECT list(CAST(m AS ${g.type}) ORDER BY x) AS a FROM (${shuffleSql(p.domain!, lo, hi)})`);
    } else {
      statements.push(`${createTable(table)} AS SELECT __fd_orig AS v, __fd_x AS m FROM (${maskSelect(distinct(), [column], { withOriginal: true })})`);
    }
    for (const c of g.columns) byColumn.set(c, table);
  });
  return { byColumn, statements, tables: created };
}

/**
 * The keyed shuffle of [lo, hi] as (x, m): x ↦ lo - 1 + its rank when the
 * range is ordered by (keyed hash, x). mask-value.ts's `shuffled` is the same.
 */
export function shuffleSql(domain: string, lo: number, hi: number): string {
  return `SELECT x, (${lo - 1} + row_number() OVER (ORDER BY fd_kh($1, ${lit(domain)}, CAST(x AS VARCHAR)), x)) AS m FROM range(${lo}, ${hi + 1}) r(x)`;
}

/** an integer key pseudonymised by its keyed shuffle of [lo, hi] */
function isRangedKey(p: ColumnPolicy, type: string): p is Extract<ColumnPolicy, { kind: 'pseudonym' }> & { range: [number, number] } {
  return p.kind === 'pseudonym' && p.range !== undefined && typeClass(type) === 'integer';
}

/**
 * A ranged key's value: in [lo, hi] the list's element (an index, not a
 * join); outside, the hash form of maskExpression, computed only for those
 * rows (CASE evaluates a branch for its rows alone); NULL stays NULL.
 */
function rangedLookup(c: MaskColumn, v: string, list: string): string {
  if (!isRangedKey(c.policy, c.type)) throw new Error(`${c.column} is not a ranged key`);
  const [lo, hi] = c.policy.range;
  const policy = pinned(c.column, c.policy);
  const outside = maskExpression({ ...c, policy }, v, hashSql(domainOf(c.column, policy), v));
  return `CASE WHEN ${v} BETWEEN ${lo} AND ${hi} THEN (SELECT a FROM ${list})[CAST(${v} AS BIGINT) - ${lo - 1}] WHEN ${v} IS NOT NULL THEN (${outside}) END`;
}

/** One table's masking SELECT: looked-up columns joined, the rest masked in place (hash maps for dateShift entities). */
export function maskSelectWithLookups(table: string, relation: string, columns: readonly MaskColumn[], values: ValueMaps, hashes: HashMaps): string {
  const joins: string[] = [];
  const replaces: string[] = [];
  const rest: MaskColumn[] = columns.map((c) => {
    const map = values.byColumn.get(`${table}\0${c.column}`);
    if (!map || c.policy.kind === 'drop') return c;
    if (isRangedKey(c.policy, c.type)) {
      replaces.push(`${rangedLookup(c, `__fd_l.${q(c.column)}`, map)} AS ${q(c.column)}`);
      return { column: c.column, type: maskedType(c), policy: { kind: 'keep' } as ColumnPolicy };
    }
    const n = joins.length;
    // an equi-join: NULL finds no row and masks to NULL, as every lookup kind masks NULL
    joins.push(`LEFT JOIN (SELECT v AS __fd_lv${n}, m AS __fd_lm${n} FROM ${map}) ON __fd_l.${q(c.column)} = __fd_lv${n}`);
    replaces.push(`__fd_lm${n} AS ${q(c.column)}`);
    return { column: c.column, type: maskedType(c), policy: { kind: 'keep' } as ColumnPolicy };
  });
  const from = replaces.length ? `(SELECT * REPLACE (${replaces.join(', ')}) FROM ${relation} AS __fd_l ${joins.join(' ')})` : relation;
  return maskSelect(from, rest, { maps: hashes });
}
