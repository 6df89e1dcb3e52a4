/**
 * Masking by lookup: the masked value of every distinct input is computed
 * once, in a lookup table (in memory, never in the snapshot), and joined to
 * each table that holds the column. Columns sharing a masking (same kind,
 * options and domain — a key and its foreign keys, a card number in two
 * tables) share one table. Values repeat in real data (a customer id in
 * every order), so this does the costly work (keyed hashes, Luhn digits)
 * once per value, not once per row; the result is the same function
 * (test/flighting/mask-equality.test.ts checks it). A key with a range
 * (integers in [lo, hi]: its keyed shuffle) of at most LIST_MAX values is one
 * list, indexed by the value: no join for the millions of foreign keys that
 * carry it, and the rows keep their order.
 */
import { domainOf, shuffleParts, typeClass, type ColumnPolicy } from './policy.ts';
import { createTable, hashInput, hashMapOf, hashSql, lit, maskedType, maskExpression, maskSelect, q, type HashMaps, type Lookup, type MaskColumn } from './mask-sql.ts';

/** kinds whose output depends on the value alone (dateShift depends on its entity; keep/null/drop/bucket/generalise are cheap) */
const LOOKUP_KINDS: ReadonlySet<ColumnPolicy['kind']> = new Set(['pseudonym', 'email', 'phone', 'card', 'iban', 'name', 'address', 'dob', 'noise']);

export interface ValueMaps {
  /** table\0column → the lookup table (v, m), or for a ranged key of at most LIST_MAX values the one-row table (a): its shuffle as a list */
  readonly byColumn: ReadonlyMap<string, string>;
  /** the tables and the statements creating them */
  readonly lookups: readonly Lookup[];
  /** table\0column of an integer key shuffled in a range of at most LIST_MAX values → the table holding the shuffle as one list, read by index */
  readonly shuffles: ReadonlyMap<string, { readonly list: string; readonly lo: number; readonly hi: number; readonly domain: string }>;
}

/**
 * The largest range read as one list: DuckDB's list indexing slows with the
 * list's length (cache misses), and beyond about this a hash join plus the
 * sort restoring the row order writes faster — 4M rows: 0.58 vs 0.95 s at
 * 625k values, even at 750–875k, 0.83 vs 0.61 s at 1M, 8.9 vs 1.2 s at 5M
 * (bench/shuffle-lookup.ts). The outputs are the same either way.
 */
export const LIST_MAX = 750_000;

/** the policy with its domain spelled out, so the lookup masks `column` exactly as it would in place */
function pinned(column: string, p: ColumnPolicy): ColumnPolicy {
  const { detector: _d, confidence: _c, reason: _r, type: _t, ...rest } = p as ColumnPolicy & Record<string, unknown>;
  return ('domain' in p || p.kind === 'pseudonym' || LOOKUP_KINDS.has(p.kind) ? { ...rest, domain: domainOf(column, p) } : rest) as ColumnPolicy;
}

/** the lookup tables of `tables`' columns, in `schema` (TEMP by default; never the snapshot) */
export function valueMapStatements(tables: readonly { name: string; relation: string; columns: readonly MaskColumn[] }[], schema = 'temp.main', listMax = LIST_MAX): ValueMaps {
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
  const lookups: Lookup[] = [];
  const byColumn = new Map<string, string>();
  const shuffles = new Map<string, { list: string; lo: number; hi: number; domain: string }>();
  [...groups.values()].forEach((g, i) => {
    const table = `${schema}.fd_vmap_${i}`;
    const distinct = (where = '') => `(${g.sources.map((s) => `SELECT DISTINCT ${q(s.column)} AS __fd_x FROM ${s.relation}${where && ` WHERE ${q(s.column)} ${where}`}`).join(' UNION ')})`;
    const column = { column: '__fd_x', type: g.type, policy: g.policy };
    const scans = g.sources.map((s) => s.relation);
    const p = g.policy;
    if (isRangedKey(p, g.type)) {
      // in [lo, hi]: the keyed shuffle (shuffleSql), every value of the range; outside: the hash form (in place beside a list, in the table beside a join)
      const [lo, hi] = p.range;
      if (hi - lo + 1 <= listMax) {
        // the shuffle as one list, m of x at x - lo + 1: read by index (maskSelectWithLookups), a table keeps its row order
        lookups.push({ table, sql: `${createTable(table)} AS SELECT list(CAST(m AS ${g.type}) ORDER BY x) AS a FROM (${shuffleSql(p.domain!, lo, hi, p.pins)})`, scans: [], range: hi - lo + 1 });
        for (const c of g.columns) shuffles.set(c, { list: table, lo, hi, domain: p.domain! });
      } else {
        // a larger range: (v, m) joined, the same values (DuckDB's list indexing grows slower than a hash join with the list's length)
        const outside = maskSelect(distinct(`NOT BETWEEN ${lo} AND ${hi}`), [column], { withOriginal: true });
        lookups.push({ table, sql: `${createTable(table)} AS SELECT CAST(x AS ${g.type}) AS v, CAST(m AS ${g.type}) AS m FROM (${shuffleSql(p.domain!, lo, hi, p.pins)})
          UNION ALL SELECT __fd_orig AS v, __fd_x AS m FROM (${outside})`, scans, range: hi - lo + 1 });
      }
    } else {
      lookups.push({ table, sql: `${createTable(table)} AS SELECT __fd_orig AS v, __fd_x AS m FROM (${maskSelect(distinct(), [column], { withOriginal: true })})`, scans });
    }
    for (const c of g.columns) byColumn.set(c, table);
  });
  return { byColumn, lookups, shuffles };
}

/**
 * The keyed shuffle of [lo, hi] as (x, m): a pin maps to itself; any other x
 * to the value of its own stretch between pins (lo and hi bound the first and
 * last) whose rank there is x's rank when the stretch is ordered by (the
 * keyed hash's first 60 bits, x). Without pins: x ↦ lo - 1 + its rank in the
 * whole range. So a column whose min and max are pins keeps them.
 * mask-value.ts's `shuffled` is the same. Each stretch is its own range
 * (no per-value pin test) and the sort key an integer, not the 64-character
 * hash: a shuffle of 750,000 values pinned at its ends takes 1.0 s of CPU
 * instead of 1.4 (100,000: 0.12 vs 0.14 s; bench/shuffle-lookup.ts). Two
 * values share their first 60 bits with odds of ~1 in 10^18 per pair; then x
 * orders them, in SQL and TypeScript alike.
 */
export function shuffleSql(domain: string, lo: number, hi: number, pins: readonly number[] = []): string {
  const parts = shuffleParts(lo, hi, pins);
  // the bounds as BIGINT: DuckDB would type small literals INTEGER, and e + 1 overflows at 2147483647
  const shuffled = parts.stretches.length
    ? `SELECT x, s - 1 + row_number() OVER (PARTITION BY s ORDER BY fd_hx(fd_kh($1, ${lit(domain)}, CAST(x AS VARCHAR)), 1, 15), x) AS m
    FROM (VALUES ${parts.stretches.map(([s, e]) => `(${s}::BIGINT, ${e}::BIGINT)`).join(', ')}) st(s, e), range(s, e + 1) r(x)`
    : '';
  const pinned = parts.pins.length ? `SELECT p AS x, p AS m FROM unnest([${parts.pins.join(', ')}]::BIGINT[]) u(p)` : '';
  return [shuffled, pinned].filter(Boolean).join('\n    UNION ALL ');
}

/** an integer key pseudonymised by its keyed shuffle of [lo, hi] */
function isRangedKey(p: ColumnPolicy, type: string): p is Extract<ColumnPolicy, { kind: 'pseudonym' }> & { range: [number, number] } {
  return p.kind === 'pseudonym' && p.range !== undefined && typeClass(type) === 'integer';
}

/**
 * How a table's rows keep the source's order through the joins to its
 * lookups (a DuckDB hash join emits its rows in no set order):
 * - `{ sortBy }`: sorted back by that column of the relation (its rowid);
 * - `'streamed'`: on one thread, with DuckDB's optimizer told to keep the
 *   joins as written (the table on the probe side: see STREAMED_OPTIMIZERS),
 *   inner joins in which every row finds exactly one lookup row (NULL
 *   matching NULL) emit the rows in the order they are read: no sort. On the
 *   shop data that is the payments' 875,000 rows without a sort of them.
 */
export type RowOrder = { readonly sortBy: string } | 'streamed';

/** what a streamed write turns off: the join order and build-side choices, which would make the table a build side */
export const STREAMED_OPTIMIZERS = 'join_order,build_side_probe_side';

/**
 * One table's masking SELECT: looked-up columns joined, the rest masked in
 * place (hash maps for dateShift entities); `reads`: the lookups and hash
 * maps it reads, which must exist before it runs.
 */
export function maskSelectWithLookups(table: string, relation: string, columns: readonly MaskColumn[], values: ValueMaps, hashes: HashMaps, order?: RowOrder): { sql: string; reads: string[] } {
  const reads = new Set<string>();
  const joins: string[] = [];
  const crosses: string[] = [];
  const replaces: string[] = [];
  // an entity (a date shift's) masked by a lookup here: its original kept beside it, the shift is keyed on the original
  const looked = new Set(columns.filter((c) => c.policy.kind !== 'drop' && values.byColumn.has(`${table}\0${c.column}`)).map((c) => c.column));
  const originals = new Map<string, string>();
  for (const c of columns) {
    const entity = hashInput(c)?.column;
    if (entity && entity !== c.column && looked.has(entity) && !originals.has(entity)) originals.set(entity, `__fd_o${originals.size}`);
  }
  const rest: MaskColumn[] = columns.map((c) => {
    const map = values.byColumn.get(`${table}\0${c.column}`);
    if (!map || c.policy.kind === 'drop') {
      const hashed = hashMapOf(c, hashes);
      if (hashed) reads.add(hashed);
      return c;
    }
    reads.add(map);
    const n = joins.length + crosses.length;
    const shuffle = values.shuffles.get(`${table}\0${c.column}`);
    if (shuffle) {
      // in the range: the list's entry (one row cross-joined: the rows keep their order); outside it: the hash form, in place
      const v = `__fd_l.${q(c.column)}`;
      crosses.push(`CROSS JOIN (SELECT a AS __fd_la${n} FROM ${shuffle.list})`);
      replaces.push(`CASE WHEN ${v} IS NULL THEN NULL WHEN ${v} BETWEEN ${shuffle.lo} AND ${shuffle.hi} THEN __fd_la${n}[CAST(${v} AS BIGINT) - ${shuffle.lo - 1}]
        ELSE ${maskExpression({ ...c, type: maskedType(c) }, v, hashSql(shuffle.domain, v))} END AS ${q(c.column)}`);
      return { column: c.column, type: maskedType(c), policy: { kind: 'keep' } as ColumnPolicy };
    }
    if (order === 'streamed') {
      // exactly one row each: the lookup's own NULL row (if its columns hold NULL) replaced by one that always is
      joins.push(`JOIN (SELECT v AS __fd_lv${n}, m AS __fd_lm${n} FROM ${map} WHERE v IS NOT NULL UNION ALL SELECT NULL, NULL)
        ON __fd_l.${q(c.column)} IS NOT DISTINCT FROM __fd_lv${n}`);
    } else {
      // an equi-join: NULL finds no row and masks to NULL, as every lookup kind masks NULL
      joins.push(`LEFT JOIN (SELECT v AS __fd_lv${n}, m AS __fd_lm${n} FROM ${map}) ON __fd_l.${q(c.column)} = __fd_lv${n}`);
    }
    replaces.push(`__fd_lm${n} AS ${q(c.column)}`);
    return { column: c.column, type: maskedType(c), policy: { kind: 'keep' } as ColumnPolicy };
  });
  const kept = [...originals].map(([column, alias]) => `, __fd_l.${q(column)} AS ${alias}`).join('');
  const from = replaces.length ? `(SELECT * REPLACE (${replaces.join(', ')})${kept} FROM ${relation} AS __fd_l ${[...crosses, ...joins].join(' ')})` : relation;
  const ordering = order === 'streamed' ? { streamed: true } : order ? { orderBy: order.sortBy, joined: joins.length > 0 } : {};
  return { sql: maskSelect(from, rest, { maps: hashes, originals, ...ordering }), reads: [...reads] };
}
