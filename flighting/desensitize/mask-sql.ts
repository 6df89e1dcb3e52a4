/**
 * Masking as SQL inside DuckDB (vectorised). `MASK_MACROS` defines TEMP
 * macros (session-only: never written into a database file) that take the
 * key as an argument; the key itself reaches DuckDB only as the prepared
 * statement's `$1`. `maskSelect` builds, for one table, a SELECT whose inner
 * projection computes one keyed hash per distinct (domain, input) and whose
 * outer projection turns hashes into pseudonyms and format-preserving fakes.
 * mask-value.ts is the same arithmetic in TypeScript, for query literals.
 *
 * Keyed hash: h = sha256(k ‖ ':' ‖ domain ‖ ':' ‖ value ‖ ':' ‖ k), k the
 * key in hex (an envelope MAC: the secret suffix defeats length extension;
 * domains are [A-Za-z0-9_.-], so the encoding is unambiguous).
 */
import { domainOf, typeClass, type ColumnPolicy } from './policy.ts';
import { EMAIL_DOMAINS, FINALS, STREET_TYPES, SYLLABLES, sqlList } from './dictionaries.ts';

export const MASK_MACROS = `
CREATE OR REPLACE TEMP MACRO fd_kh(k, d, v) AS sha256(k || ':' || d || ':' || v || ':' || k);
CREATE OR REPLACE TEMP MACRO fd_hx(h, p, n) AS ('0x' || substr(h, p, n))::BIGINT;
CREATE OR REPLACE TEMP MACRO fd_syl(h, p) AS ${sqlList(SYLLABLES)}[1 + fd_hx(h, p, 4) % ${SYLLABLES.length}];
CREATE OR REPLACE TEMP MACRO fd_fin(h, p) AS ${sqlList(FINALS)}[1 + fd_hx(h, p, 2) % ${FINALS.length}];
CREATE OR REPLACE TEMP MACRO fd_word(h, p, n) AS fd_syl(h, p) || fd_syl(h, p + 4) || fd_syl(h, p + 8)
  || CASE WHEN n = 4 THEN fd_syl(h, p + 12) || fd_fin(h, p + 16) ELSE fd_fin(h, p + 12) END;
CREATE OR REPLACE TEMP MACRO fd_cap(w) AS upper(substr(w, 1, 1)) || substr(w, 2);
CREATE OR REPLACE TEMP MACRO fd_nameword(t, h, p) AS fd_cap(fd_word(h, p, CASE WHEN length(t) <= 6 THEN 3 ELSE 4 END));
CREATE OR REPLACE TEMP MACRO fd_samecase(v, w) AS CASE WHEN v = upper(v) AND v <> lower(v) THEN upper(w) ELSE w END;
CREATE OR REPLACE TEMP MACRO fd_name(v, h) AS fd_samecase(v, CASE WHEN strpos(v, ' ') > 0
  THEN fd_nameword(split_part(v, ' ', 1), h, 1) || ' ' || fd_nameword(substr(v, strpos(v, ' ') + 1), h, 21)
  ELSE fd_nameword(v, h, 1) END);
CREATE OR REPLACE TEMP MACRO fd_email(h) AS fd_word(h, 1, 3) || '.' || fd_word(h, 21, 3) || (fd_hx(h, 41, 3) % 100)::VARCHAR
  || '@' || ${sqlList(EMAIL_DOMAINS)}[1 + fd_hx(h, 45, 2) % ${EMAIL_DOMAINS.length}];
CREATE OR REPLACE TEMP MACRO fd_syl_at(x, s) AS ${sqlList(SYLLABLES)}[1 + ((x >> s) & 65535) % ${SYLLABLES.length}];
CREATE OR REPLACE TEMP MACRO fd_word3_of(x) AS fd_syl_at(x, 40) || fd_syl_at(x, 24) || fd_syl_at(x, 8) || ${sqlList(FINALS)}[1 + (x & 255) % ${FINALS.length}];
CREATE OR REPLACE TEMP MACRO fd_email_of(a, b, c) AS fd_word3_of(a) || '.' || fd_word3_of(b) || ((c >> 12) % 100)::VARCHAR
  || '@' || ${sqlList(EMAIL_DOMAINS)}[1 + (c & 255) % ${EMAIL_DOMAINS.length}];
CREATE OR REPLACE TEMP MACRO fd_digit(h, i) AS (fd_hx(h, ((i - 1) % 32) * 2 + 1, 2) % 10)::VARCHAR;
CREATE OR REPLACE TEMP MACRO fd_phone(v, h, keep) AS array_to_string(list_transform(string_split(v, ''),
  lambda c, i: CASE WHEN i > keep AND c BETWEEN '0' AND '9' THEN fd_digit(h, i) ELSE c END), '');
CREATE OR REPLACE TEMP MACRO fd_luhn(b) AS CASE WHEN b = '' THEN '0' ELSE ((10 - list_sum(list_transform(string_split(b, ''),
  lambda c, i: CASE WHEN (length(b) - i) % 2 = 0 THEN (CASE WHEN c::INTEGER * 2 > 9 THEN c::INTEGER * 2 - 9 ELSE c::INTEGER * 2 END) ELSE c::INTEGER END)) % 10) % 10)::VARCHAR END;
CREATE OR REPLACE TEMP MACRO fd_card_body(d, h, ke) AS substr(d, 1, ke)
  || array_to_string(list_transform(range(ke + 1, length(d)), lambda j: fd_digit(h, j)), '');
CREATE OR REPLACE TEMP MACRO fd_card_spread(v, digits) AS CASE WHEN regexp_full_match(v, '[0-9]*') THEN digits
  ELSE array_to_string(list_transform(string_split(v, ''), lambda c, i: CASE WHEN c BETWEEN '0' AND '9'
    THEN substr(digits, length(regexp_replace(substr(v, 1, i), '[^0-9]', '', 'g')), 1) ELSE c END), '') END;
CREATE OR REPLACE TEMP MACRO fd_card_full(b) AS b || fd_luhn(b);
CREATE OR REPLACE TEMP MACRO fd_card(v, h, keep) AS fd_card_spread(v, fd_card_full(fd_card_body(regexp_replace(v, '[^0-9]', '', 'g'), h,
  greatest(0, least(keep, length(regexp_replace(v, '[^0-9]', '', 'g')) - 2)))));
CREATE OR REPLACE TEMP MACRO fd_mod97(s) AS list_reduce(list_transform(string_split('0' || array_to_string(list_transform(string_split(regexp_replace(s, '[^A-Z0-9]', '', 'g'), ''),
  lambda c: CASE WHEN c BETWEEN 'A' AND 'Z' THEN (ascii(c) - 55)::VARCHAR ELSE c END), ''), ''), lambda c: c::INTEGER), lambda a, x: (a * 10 + x) % 97);
CREATE OR REPLACE TEMP MACRO fd_bban(b, h) AS array_to_string(list_transform(string_split(b, ''), lambda c, i: CASE
  WHEN c BETWEEN '0' AND '9' THEN fd_digit(h, i) WHEN c BETWEEN 'A' AND 'Z' THEN chr((65 + fd_hx(h, ((i - 1) % 32) * 2 + 1, 2) % 26)::INTEGER) ELSE c END), '');
CREATE OR REPLACE TEMP MACRO fd_iban_join(cc, nb) AS cc || lpad((98 - fd_mod97(nb || cc || '00'))::VARCHAR, 2, '0') || nb;
CREATE OR REPLACE TEMP MACRO fd_iban_spaced(v, r) AS CASE WHEN strpos(v, ' ') > 0 THEN trim(regexp_replace(r, '(.{4})', '\\1 ', 'g')) ELSE r END;
CREATE OR REPLACE TEMP MACRO fd_iban(v, h) AS fd_iban_spaced(v, fd_iban_join(substr(upper(replace(v, ' ', '')), 1, 2), fd_bban(substr(upper(replace(v, ' ', '')), 5), h)));
CREATE OR REPLACE TEMP MACRO fd_address(v, h) AS CASE WHEN regexp_matches(v, '^[0-9]') THEN (1 + fd_hx(h, 1, 4) % 999)::VARCHAR || ' ' ELSE '' END
  || fd_cap(fd_word(h, 5, 3)) || ' ' || ${sqlList(STREET_TYPES)}[1 + fd_hx(h, 21, 2) % ${STREET_TYPES.length}];
CREATE OR REPLACE TEMP MACRO fd_dob(v, h, decade) AS make_date((CASE WHEN decade THEN year(v) - year(v) % 10 + fd_hx(h, 5, 2) % 10 ELSE year(v) END)::INTEGER, 1, 1)
  + (fd_hx(h, 1, 4) % 365)::INTEGER;
CREATE OR REPLACE TEMP MACRO fd_unit(h) AS fd_hx(h, 1, 12)::DOUBLE / 281474976710656::DOUBLE;
CREATE OR REPLACE TEMP MACRO fd_shift_days(h, m) AS (fd_hx(h, 1, 8) % (2 * m + 1) - m)::INTEGER;
`;

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export interface MaskColumn {
  readonly column: string;
  readonly type: string;
  readonly policy: ColumnPolicy;
}

/** The output type of a masked column (a pseudonym of an integer key is a BIGINT). */
export function maskedType(c: MaskColumn): string {
  if (c.policy.kind === 'pseudonym' && typeClass(c.type) === 'integer' && !c.policy.range) return 'BIGINT';
  return c.type;
}

/** the hash input of a column's mask: [domain, the SQL expression hashed] or null when the kind needs no hash */
export function hashInput(c: MaskColumn): { domain: string; column: string } | null {
  const p = c.policy;
  switch (p.kind) {
    case 'keep': case 'null': case 'drop': case 'bucket': case 'generalise':
      return null;
    case 'dateShift':
      return { domain: `shift:${domainOf(c.column, p)}`, column: p.entity };
    default:
      return { domain: domainOf(c.column, p), column: c.column };
  }
}

/** `domain\0column`: one keyed hash input */
export const hashId = (h: { domain: string; column: string }): string => `${h.domain}\0${h.column}`;

/** the SQL hashing column expression `col` under `domain` (a row without an entity still shifts, by the shift of '') */
export function hashSql(domain: string, col: string): string {
  const input = domain.startsWith('shift:') ? `coalesce(CAST(${col} AS VARCHAR), '')` : `CAST(${col} AS VARCHAR)`;
  return `fd_kh($1, ${lit(domain)}, ${input})`;
}

/** a table computed before the tables that read it, never in the snapshot, and the statement creating it (the key is `$1`) */
export interface Lookup {
  readonly table: string;
  readonly sql: string;
  /** the source relations it reads, once per column read (what it costs: runConcurrently's schedule) */
  readonly scans: readonly string[];
  /** a keyed shuffle's range: the values it ranks */
  readonly range?: number;
}

/** hashId → the table (v, h) holding the keyed hash of every distinct input (see hashMapStatements) */
export type HashMaps = ReadonlyMap<string, string>;

/** the hash map a column's mask reads its keyed hash from, if any */
export function hashMapOf(c: MaskColumn, maps: HashMaps | undefined): string | undefined {
  const hi = hashInput(c);
  return hi ? maps?.get(hashId(hi)) : undefined;
}

export interface MaskSelectOptions {
  /** hash each distinct input once and join (fast when values repeat); without, every row is hashed */
  readonly maps?: HashMaps;
  /** also output the original of the first column as __fd_orig (the leak scan's own-value check) */
  readonly withOriginal?: boolean;
  /**
   * a column of `relation` (not masked, not output) holding the source's row order: the rows are sorted by it when
   * a join would reorder them (`relation` itself joins: `joined`); a projection alone keeps the order and costs no sort
   */
  readonly orderBy?: string;
  readonly joined?: boolean;
  /** the hash maps joined so that the rows keep `relation`'s order without a sort (see RowOrder in value-maps.ts) */
  readonly streamed?: boolean;
  /** columns of `relation` already masked (by a lookup join) → the column holding the original: an entity is hashed from it */
  readonly originals?: ReadonlyMap<string, string>;
}

/**
 * One table's masking SELECT over `relation` (a table reference or a table
 * function). `$1` is the key in hex (when a hash is computed here, not read
 * from a map). Dropped columns are left out. Layered: the innermost
 * projection gets one keyed hash per (domain, input); kinds with
 * intermediate values (card, IBAN) compute each once in its own layer (a
 * macro argument used twice would be computed twice).
 */
export function maskSelect(relation: string, columns: readonly MaskColumn[], options: MaskSelectOptions = {}): string {
  const hashes = new Map<string, string>(); // hashId → alias
  const joins: string[] = [];
  const layers: string[][] = [[]];
  const at = (i: number) => (layers[i] ??= []);
  for (const c of columns) {
    const hi = hashInput(c);
    if (!hi || hashes.has(hashId(hi))) continue;
    const n = hashes.size;
    const alias = `__fd_h${n}`;
    hashes.set(hashId(hi), alias);
    const map = hashMapOf(c, options.maps);
    // a map holds every distinct input, NULL included when there is one: each row finds exactly one
    const input = q(options.originals?.get(hi.column) ?? hi.column);
    if (map) joins.push(`${options.streamed ? '' : 'LEFT '}JOIN (SELECT v AS __fd_k${n}, h AS ${alias} FROM ${map}) ON __fd_src.${input} IS NOT DISTINCT FROM __fd_k${n}`);
    else at(0).push(`${hashSql(hi.domain, input)} AS ${alias}`);
  }
  const outer: string[] = [];
  columns.forEach((c, n) => {
    if (c.policy.kind === 'drop') return;
    const hi = hashInput(c);
    const h = hi ? hashes.get(hashId(hi))! : '';
    const v = q(c.column);
    let expr: string;
    if (c.policy.kind === 'card') {
      // digits up to 19: the hash's first 18 digit draws at once (digitDraws) and the Luhn digit by integer arithmetic
      // (luhnSql); longer numbers take the macros' per-digit lambdas. Same values either way.
      const d = `__fd_d${n}`;
      const ke = `greatest(0, least(${c.policy.keepPrefix}, length(${d}) - 2))`;
      at(1).push(`regexp_replace(${v}, '[^0-9]', '', 'g') AS ${d}`, ...chunkColumns(h, n));
      at(2).push(`${digitDraws(n)} AS __fd_s${n}`);
      at(3).push(`CASE WHEN length(${d}) <= 19 THEN substr(${d}, 1, ${ke}) || substr(__fd_s${n}, ${ke} + 1, greatest(length(${d}) - 1 - ${ke}, 0))
        ELSE fd_card_body(${d}, ${h}, ${ke}) END AS __fd_b${n}`);
      at(4).push(`CASE WHEN length(__fd_b${n}) BETWEEN 1 AND 18 THEN CAST(__fd_b${n} AS BIGINT) END AS __fd_n${n}`);
      at(5).push(`__fd_b${n} || CASE WHEN __fd_n${n} IS NULL THEN fd_luhn(__fd_b${n}) ELSE ${luhnSql(`__fd_n${n}`)} END AS __fd_f${n}`);
      expr = `fd_card_spread(${v}, __fd_f${n})`;
    } else if (c.policy.kind === 'email') {
      // fd_email(h) from three integers of the hash (hex 1–14, 21–34, 41–46) instead of ten hex parses: same value
      at(1).push(`('0x' || substr(${h}, 1, 14))::BIGINT AS __fd_e${n}a`, `('0x' || substr(${h}, 21, 14))::BIGINT AS __fd_e${n}b`, `('0x' || substr(${h}, 41, 6))::BIGINT AS __fd_e${n}c`);
      expr = `fd_email_of(__fd_e${n}a, __fd_e${n}b, __fd_e${n}c)`;
    } else if (c.policy.kind === 'iban') {
      at(1).push(`upper(replace(${v}, ' ', '')) AS __fd_s${n}`);
      at(2).push(`fd_bban(substr(__fd_s${n}, 5), ${h}) AS __fd_b${n}`);
      at(3).push(`fd_iban_join(substr(__fd_s${n}, 1, 2), __fd_b${n}) AS __fd_r${n}`);
      expr = `fd_iban_spaced(${v}, __fd_r${n})`;
    } else {
      expr = maskExpression(c, v, h);
    }
    outer.push(`${expr} AS ${v}`);
  });
  if (options.withOriginal && columns[0]) outer.push(`${q(columns[0].column)} AS __fd_orig`);
  let from = joins.length ? `(SELECT * FROM ${relation} AS __fd_src ${joins.join(' ')})` : relation;
  for (const layer of layers) if (layer.length) from = `(SELECT *, ${layer.join(', ')} FROM ${from})`;
  const ordered = options.orderBy && (joins.length > 0 || options.joined);
  return `SELECT ${outer.join(', ')} FROM ${from}${ordered ? ` ORDER BY ${q(options.orderBy!)}` : ''}`;
}

/** the hash `h` read as three integers of 7 bytes (hex digits 1–14, 15–28, 29–36 as 4 bytes) */
function chunkColumns(h: string, n: number): string[] {
  return [`('0x' || substr(${h}, 1, 14))::BIGINT AS __fd_c${n}a`, `('0x' || substr(${h}, 15, 14))::BIGINT AS __fd_c${n}b`, `('0x' || substr(${h}, 29, 8))::BIGINT AS __fd_c${n}c`];
}

/**
 * fd_digit(h, 1..18) as one 18-character string: digit j is byte j of the
 * hash mod 10 (the macros' fd_digit), taken from chunkColumns by shifts.
 */
function digitDraws(n: number): string {
  const terms: string[] = [];
  for (let j = 1; j <= 18; j++) {
    const [col, k, width] = j <= 7 ? ['a', j, 7] : j <= 14 ? ['b', j - 7, 7] : ['c', j - 14, 4];
    terms.push(`((__fd_c${n}${col} >> ${8 * (width - k)}) & 255) % 10 * ${10n ** BigInt(18 - j)}`);
  }
  return `lpad(CAST(${terms.join(' + ')} AS VARCHAR), 18, '0')`;
}

/** fd_luhn of the digits of the BIGINT `x` (at most 18 digits): from the right, every other digit doubled */
function luhnSql(x: string): string {
  const terms: string[] = [];
  for (let k = 0; k < 18; k++) {
    const d = `(${x} // ${10n ** BigInt(k)} % 10)`;
    terms.push(k % 2 === 0 ? `(2 * ${d} - CASE WHEN ${d} > 4 THEN 9 ELSE 0 END)` : d);
  }
  return `CAST((10 - (${terms.join(' + ')}) % 10) % 10 AS VARCHAR)`;
}

/**
 * For every hash input of the given tables, a table of its distinct values
 * and their keyed hashes (inputs sharing a domain share one table, so a key
 * and its foreign keys are hashed once), in `schema`: TEMP by default, or an
 * in-memory database the snapshot's connections share; never in the
 * snapshot. Returns each table with its statement, and the map.
 */
export function hashMapStatements(tables: readonly { relation: string; columns: readonly MaskColumn[] }[], schema = 'temp.main'): { lookups: Lookup[]; maps: Map<string, string> } {
  const byDomain = new Map<string, { ids: Set<string>; selects: string[]; scans: string[] }>();
  for (const t of tables) {
    for (const c of t.columns) {
      const hi = hashInput(c);
      if (!hi) continue;
      const d = byDomain.get(hi.domain) ?? { ids: new Set<string>(), selects: [], scans: [] };
      const sel = `SELECT DISTINCT ${q(hi.column)} AS v FROM ${t.relation}`;
      if (!d.selects.includes(sel)) {
        d.selects.push(sel);
        d.scans.push(t.relation);
      }
      d.ids.add(hashId(hi));
      byDomain.set(hi.domain, d);
    }
  }
  const lookups: Lookup[] = [];
  const maps = new Map<string, string>();
  [...byDomain.entries()].forEach(([domain, d], i) => {
    const table = `${schema}.fd_map_${i}`;
    lookups.push({ table, sql: `${createTable(table)} AS SELECT v, ${hashSql(domain, 'v')} AS h FROM (${d.selects.join(' UNION ')})`, scans: d.scans });
    for (const id of d.ids) maps.set(id, table);
  });
  return { lookups, maps };
}

/** `CREATE OR REPLACE [TEMP] TABLE name` for a qualified name (DuckDB creates in catalog temp only by the TEMP keyword) */
export function createTable(qualified: string): string {
  return qualified.startsWith('temp.main.') ? `CREATE OR REPLACE TEMP TABLE ${qualified.slice('temp.main.'.length)}` : `CREATE OR REPLACE TABLE ${qualified}`;
}

/** The SQL expression masking value `v` (a column reference) given its keyed hash `h`. */
export function maskExpression(c: MaskColumn, v: string, h: string): string {
  const p = c.policy;
  const cls = typeClass(c.type);
  const cast = (e: string) => `(${e})::${c.type}`;
  switch (p.kind) {
    case 'keep': return v;
    case 'null': return `NULL::${c.type}`;
    case 'drop': throw new Error('a dropped column has no expression');
    case 'pseudonym':
      if (cls !== 'integer') return `substr(${h}, 1, 16)`;
      // in range: the keyed shuffle (a lookup, see value-maps.ts); here only the value outside the range
      // (hi + 1 summed here, as BIGINT: a range may end at its type's largest value, and DuckDB would add INTEGER literals as INTEGERs)
      return p.range ? cast(`${p.range[1] + 1}::BIGINT + fd_hx(${h}, 1, 7)`) : `fd_hx(${h}, 1, 15)`;
    case 'email': return `fd_email(${h})`;
    case 'phone': return `fd_phone(${v}, ${h}, ${p.keepPrefix})`;
    case 'card': return `fd_card(${v}, ${h}, ${p.keepPrefix})`;
    case 'iban': return `fd_iban(${v}, ${h})`;
    case 'name': return `fd_name(${v}, ${h})`;
    case 'address': return `fd_address(${v}, ${h})`;
    case 'dob': return cast(`fd_dob(${v}, ${h}, ${p.keep === 'decade'})`);
    case 'noise': return cast(`${v}::DOUBLE * (1 + ${p.relative} * (fd_unit(${h}) * 2 - 1))`);
    case 'bucket': return cast(`floor(${v}::DOUBLE / ${p.width}) * ${p.width}`);
    case 'dateShift': return cls === 'date' ? `${v} + fd_shift_days(${h}, ${p.maxDays})` : cast(`${v} + to_days(fd_shift_days(${h}, ${p.maxDays}))`);
    case 'generalise': {
      if (p.to) return cast(`date_trunc('${p.to}', ${v})`);
      if (p.prefix !== undefined) return `CASE WHEN length(${v}) <= ${p.prefix} THEN ${v} ELSE substr(${v}, 1, ${p.prefix}) || repeat('*', length(${v}) - ${p.prefix}) END`;
      const whens = Object.entries(p.map ?? {}).map(([from, to]) => `WHEN ${lit(from)} THEN ${lit(to)}`).join(' ');
      if (!whens) return `CASE WHEN ${v} IS NULL THEN NULL ELSE ${lit(p.otherwise)} END`;
      return `CASE WHEN ${v} IS NULL THEN NULL ELSE CASE ${v} ${whens} ELSE ${lit(p.otherwise)} END END`;
    }
  }
}

/** The parameters of a masking statement: the key, when the statement uses it. */
export function keyParams(sql: string, keyHex: string): string[] {
  return sql.includes('$1') ? [keyHex] : [];
}
