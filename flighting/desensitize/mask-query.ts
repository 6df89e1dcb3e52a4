/**
 * Query literal masking: the literals a query compares with masked columns
 * (`=`, `<>`, `<`…, `IN (…)`, `BETWEEN`, `LIKE`, on either side) are
 * replaced by the masked value under the same policy and key
 * (mask-value.ts, identical to the snapshot's SQL), so
 * `WHERE email = 'alice@example.com'` still finds its row in the snapshot.
 *
 * The reference compiler's parser reads the query (tables and aliases, from
 * every FROM at any depth); the compiler's tokenizer gives each literal's
 * exact place in the text, so only literals change and the fingerprint
 * (literals stripped) stays the same. A column that cannot be pinned to one
 * table is masked if any table of the query (or, failing that, of the
 * source) masks a column of that name: over-masking is the safe side.
 */
import { parseSql } from '../../compiler/parse/parse.ts';
import { lexSql, type SqlToken } from '../../compiler/parse/sql-lexer.ts';
import type { MaskingKey } from './key.ts';
import { maskValue } from './mask-value.ts';
import { typeClass, type ColumnPolicy, type Policy, type SourceColumn } from './policy.ts';

export interface LiteralMasking {
  readonly column: string;
  readonly kind: ColumnPolicy['kind'];
  /** exact: the masked literal selects the same rows in the snapshot as the original in the source */
  readonly effect: 'exact' | 'approximate' | 'kept';
  readonly reason?: string;
}

export interface QueryMaskResult {
  readonly sql: string;
  readonly literals: readonly LiteralMasking[];
  /** the query could not be parsed: tables were not known, columns were resolved by name over the whole source */
  readonly unparsed: boolean;
}

export interface QueryMaskContext {
  readonly policy: Policy;
  readonly columns: readonly SourceColumn[];
  readonly key: MaskingKey;
}

const COMPARISON = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const TYPED_PREFIX = new Set(['date', 'timestamp', 'time', 'interval']);

export function maskQueryLiterals(sql: string, cx: QueryMaskContext): QueryMaskResult {
  let tables: Map<string, string> | null = null;
  try {
    tables = tableAliases(parseSql(sql));
  } catch {
    tables = null;
  }
  const tokens = lexSql(sql);
  const edits: { start: number; end: number; text: string }[] = [];
  const literals: LiteralMasking[] = [];
  const done = new Set<number>();
  const maskAt = (litIndex: number, col: Resolved, op: string) => {
    if (done.has(litIndex)) return;
    done.add(litIndex);
    const r = maskLiteral(tokens, litIndex, col, op, cx.key);
    literals.push(r.info);
    if (r.edit) edits.push(r.edit);
  };
  for (let i = 0; i < tokens.length; i++) {
    const ref = columnRef(tokens, i);
    if (!ref) continue;
    const col = resolve(ref.qualifier, ref.name, tables, cx);
    if (!col) continue;
    // column OP literal
    const after = ref.end;
    const op = operatorAt(tokens, after);
    if (op && COMPARISON.has(op.text)) {
      const l = literalAt(tokens, op.next);
      if (l !== null) maskAt(l, col, op.text);
    }
    // literal OP column
    const before = operatorBefore(tokens, ref.start);
    if (before && COMPARISON.has(before.text)) {
      const l = literalEndingAt(tokens, before.prev);
      if (l !== null) maskAt(l, col, before.text);
    }
    let j = after;
    if (word(tokens[j], 'not')) j++;
    if (word(tokens[j], 'in') && tokens[j + 1]?.value === '(') {
      for (let k = j + 2; k < tokens.length && tokens[k]!.value !== ')'; k++) {
        const l = literalAt(tokens, k);
        if (l !== null) {
          maskAt(l, col, 'in');
          k = l;
        } else if (tokens[k]!.value !== ',') break; // a subquery or an expression: not a literal list
      }
    } else if (word(tokens[j], 'between')) {
      const lo = literalAt(tokens, j + 1);
      if (lo !== null) {
        maskAt(lo, col, 'between');
        if (word(tokens[lo + 1], 'and')) {
          const hi = literalAt(tokens, lo + 2);
          if (hi !== null) maskAt(hi, col, 'between');
        }
      }
    } else if (word(tokens[j], 'like') || word(tokens[j], 'ilike')) {
      const l = literalAt(tokens, j + 1);
      if (l !== null) maskAt(l, col, 'like');
    }
  }
  edits.sort((a, b) => b.start - a.start);
  let out = sql;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { sql: out, literals, unparsed: tables === null };
}

interface Resolved {
  readonly column: string;
  readonly type: string;
  readonly policy: ColumnPolicy;
}

/** alias (or name) → table, from every table reference of the query at any depth */
function tableAliases(ast: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.kind === 'table' && typeof o.name === 'string') {
      out.set(o.name, o.name);
      if (typeof o.alias === 'string') out.set(o.alias, o.name);
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(ast);
  return out;
}

function resolve(qualifier: string | null, name: string, tables: Map<string, string> | null, cx: QueryMaskContext): Resolved | null {
  const lname = name.toLowerCase();
  const withColumn = (tableNames: Iterable<string>) => cx.columns.filter((c) => c.column.toLowerCase() === lname && [...tableNames].includes(c.table));
  let candidates: SourceColumn[] = [];
  const table = qualifier && tables ? tables.get(qualifier) ?? tables.get(qualifier.toLowerCase()) : undefined;
  if (table && cx.policy.tables[table]) candidates = withColumn([table]);
  else if (tables) candidates = withColumn(new Set(tables.values()));
  if (candidates.length === 0) candidates = cx.columns.filter((c) => c.column.toLowerCase() === lname);
  const masked = candidates.map((c) => ({ c, p: cx.policy.tables[c.table]?.columns[c.column] })).filter((x) => x.p && x.p.kind !== 'keep');
  if (masked.length === 0) return null;
  return { column: `${masked[0]!.c.table}.${masked[0]!.c.column}`, type: masked[0]!.c.type, policy: masked[0]!.p! };
}

function word(t: SqlToken | undefined, w: string): boolean {
  return t?.kind === 'word' && t.value.toLowerCase() === w;
}

const ident = (x: SqlToken) => (x.kind === 'word' ? x.value.toLowerCase() : x.value);

/** `name`, `q.name`, `"q"."name"` starting at i (and not itself the qualifier of a longer reference or a function call) */
function columnRef(tokens: readonly SqlToken[], i: number): { qualifier: string | null; name: string; start: number; end: number } | null {
  const t = tokens[i]!;
  if (t.kind !== 'word' && t.kind !== 'quoted') return null;
  if (tokens[i - 1]?.value === '.' && tokens[i - 1]!.kind === 'op') return null; // handled from the qualifier
  if (tokens[i + 1]?.value === '.' && tokens[i + 1]!.kind === 'op' && (tokens[i + 2]?.kind === 'word' || tokens[i + 2]?.kind === 'quoted')) {
    if (tokens[i + 3]?.value === '.' || tokens[i + 3]?.value === '(') return null;
    return { qualifier: ident(t), name: ident(tokens[i + 2]!), start: i, end: i + 3 };
  }
  if (tokens[i + 1]?.value === '(') return null;
  return { qualifier: null, name: ident(t), start: i, end: i + 1 };
}

/** a comparison operator of one or two op tokens at i */
function operatorAt(tokens: readonly SqlToken[], i: number): { text: string; next: number } | null {
  const a = tokens[i];
  if (a?.kind !== 'op' || !'=<>!'.includes(a.value)) return null;
  const b = tokens[i + 1];
  if (b?.kind === 'op' && b.start === a.end && '=>'.includes(b.value)) return { text: a.value + b.value, next: i + 2 };
  return { text: a.value, next: i + 1 };
}

function operatorBefore(tokens: readonly SqlToken[], i: number): { text: string; prev: number } | null {
  const b = tokens[i - 1];
  if (b?.kind !== 'op' || !'=<>'.includes(b.value)) return null;
  const a = tokens[i - 2];
  if (a?.kind === 'op' && a.end === b.start && '<>!'.includes(a.value)) return { text: a.value + b.value, prev: i - 3 };
  return { text: b.value, prev: i - 2 };
}

/** index of the literal token starting at i: `'x'`, `42`, `-42`, `DATE 'x'` (the string token) */
function literalAt(tokens: readonly SqlToken[], i: number): number | null {
  const t = tokens[i];
  if (!t) return null;
  if (t.kind === 'string' || t.kind === 'number') return i;
  if (t.kind === 'op' && (t.value === '-' || t.value === '+') && tokens[i + 1]?.kind === 'number') return i + 1;
  if (t.kind === 'word' && TYPED_PREFIX.has(t.value.toLowerCase()) && tokens[i + 1]?.kind === 'string') return i + 1;
  return null;
}

function literalEndingAt(tokens: readonly SqlToken[], i: number): number | null {
  const t = tokens[i];
  return t && (t.kind === 'string' || t.kind === 'number') ? i : null;
}

/** the text of a string token without quotes (standard, E'' and $$ strings) */
export function stringValue(raw: string): string {
  if (raw.startsWith('$')) {
    const tag = raw.slice(0, raw.indexOf('$', 1) + 1);
    return raw.slice(tag.length, raw.length - tag.length);
  }
  const escaped = /^[eE]'/.test(raw);
  const body = raw.replace(/^[a-zA-Z]?'/, '').replace(/'$/, '');
  const v = body.replaceAll("''", "'");
  return escaped ? v.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c) : v;
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

function maskLiteral(tokens: readonly SqlToken[], i: number, col: Resolved, op: string, key: MaskingKey): { info: LiteralMasking; edit?: { start: number; end: number; text: string } } {
  const t = tokens[i]!;
  const negative = t.kind === 'number' && tokens[i - 1]?.value === '-' && tokens[i - 1]!.kind === 'op' && tokens[i - 1]!.end === t.start;
  const start = negative ? tokens[i - 1]!.start : t.start;
  const value = t.kind === 'string' ? stringValue(t.value) : (negative ? '-' : '') + t.value;
  const p = col.policy;
  const base = { column: col.column, kind: p.kind };
  if (p.kind === 'dateShift') return { info: { ...base, effect: 'kept', reason: 'dates are shifted per entity: a literal has no single masked value' } };
  if (p.kind === 'drop') return { info: { ...base, effect: 'kept', reason: 'the column is dropped from the snapshot' } };
  let masked: string | null;
  try {
    masked = op === 'like' ? maskValue(stringLike(p), value, { column: col.column.split('.')[1]!, type: col.type }, key) : maskValue(p, value, { column: col.column.split('.')[1]!, type: col.type }, key);
  } catch {
    masked = maskValue({ kind: 'pseudonym' }, value, { column: col.column.split('.')[1]!, type: 'VARCHAR' }, key);
  }
  const numeric = typeClass(col.type) === 'integer' || typeClass(col.type) === 'decimal' || typeClass(col.type) === 'float';
  const text = masked === null ? 'NULL' : t.kind === 'number' && numeric ? masked : quote(masked);
  const equality = op === '=' || op === '<>' || op === '!=' || op === 'in';
  const injective = ['pseudonym', 'email', 'phone', 'card', 'iban', 'name', 'address'].includes(p.kind);
  const effect = equality && injective ? 'exact' : 'approximate';
  const reason = effect === 'exact' ? undefined : op === 'like' ? 'a LIKE pattern on a masked column is masked as a whole value' : !injective ? `${p.kind} maps many values to one` : 'order is not kept by a pseudonym: range predicates select other rows';
  return { info: { ...base, effect, ...(reason ? { reason } : {}) }, edit: { start, end: t.end, text } };
}

/** a LIKE pattern is masked as an opaque value of the column's string kind */
function stringLike(p: ColumnPolicy): ColumnPolicy {
  return p.kind === 'generalise' || p.kind === 'null' ? p : { kind: 'pseudonym', domain: 'like-pattern' };
}
