/**
 * SQL-level prepared statements in a PostgreSQL log:
 *   `PREPARE q(int, text) AS SELECT ... WHERE id = $1 AND name = $2`
 *   `EXECUTE q(1, 'x')`        (logged with `DETAIL:  prepare: PREPARE q ...`)
 *   `DEALLOCATE [PREPARE] q | ALL`, `DISCARD ALL`
 * An EXECUTE is resolved to the statement it runs, with its arguments
 * substituted by the declared types (see pg-parameters.ts).
 */
import { lexSql, type SqlToken } from '../../compiler/parse/sql-lexer.ts';
import { substituteValues, type ParameterValue } from './pg-parameters.ts';
import { splitStatements } from './sql-dir.ts';

export interface PreparedStatement {
  readonly name: string;
  readonly types: readonly string[];
  readonly body: string;
}

/** at most this many prepared statements are remembered per session (the oldest goes first) */
export const MAX_PREPARED_PER_SESSION = 1000;

/** `PREPARE name [(type, ...)] AS statement`, or null. */
export function parsePrepare(sql: string): PreparedStatement | null {
  const tokens = lexSql(sql);
  if (!isWord(tokens[0], 'prepare') || !tokens[1] || (tokens[1].kind !== 'word' && tokens[1].kind !== 'quoted')) return null;
  const name = identifier(tokens[1]);
  let k = 2;
  let types: string[] = [];
  if (isOp(tokens[k], '(')) {
    const groups = splitTopLevel(sql, tokens, k);
    if (!groups) return null;
    types = groups.parts;
    k = groups.next;
  }
  if (!isWord(tokens[k], 'as') || !tokens[k + 1]) return null;
  return { name, types, body: sql.slice(tokens[k + 1]!.start).trim().replace(/;\s*$/, '').trimEnd() };
}

/** `EXECUTE name [(arg, ...)]`, or null. */
export function parseExecute(sql: string): { name: string; args: string[] } | null {
  const tokens = lexSql(sql);
  if (!isWord(tokens[0], 'execute') || !tokens[1] || (tokens[1].kind !== 'word' && tokens[1].kind !== 'quoted')) return null;
  let k = 2;
  let args: string[] = [];
  if (isOp(tokens[k], '(')) {
    const groups = splitTopLevel(sql, tokens, k);
    if (!groups) return null;
    args = groups.parts;
    k = groups.next;
  }
  if (isOp(tokens[k], ';')) k++;
  return k === tokens.length ? { name: identifier(tokens[1]), args } : null;
}

/** The names a DEALLOCATE or DISCARD forgets: a name, `all`, or null when it is neither. */
export function parseDeallocate(sql: string): { name: string } | { all: true } | null {
  const tokens = lexSql(sql).filter((t) => !isOp(t, ';'));
  if (isWord(tokens[0], 'discard') && (isWord(tokens[1], 'all') || isWord(tokens[1], 'plans'))) return { all: true };
  if (!isWord(tokens[0], 'deallocate')) return null;
  const t = isWord(tokens[1], 'prepare') ? tokens[2] : tokens[1];
  if (!t) return null;
  if (isWord(t, 'all')) return { all: true };
  return t.kind === 'word' || t.kind === 'quoted' ? { name: identifier(t) } : null;
}

/** The PREPARE of `name` inside a `DETAIL:  prepare: ...` text (which is the whole message that held it). */
export function prepareFromDetail(detail: string | undefined, name: string): PreparedStatement | null {
  const m = detail ? /^prepare:\s*([\s\S]*)$/.exec(detail) : null;
  if (!m) return null;
  for (const s of splitStatements(m[1]!)) {
    const p = parsePrepare(s.sql);
    if (p && p.name === name) return p;
  }
  return null;
}

/** The statement an EXECUTE runs, its arguments substituted by the declared types. */
export function resolveExecute(prepared: PreparedStatement, args: readonly string[]): string {
  const values = new Map<string, ParameterValue>(args.map((a, i) => [String(i + 1), { sql: a }]));
  return substituteValues(prepared.body, values, prepared.types);
}

function isWord(t: SqlToken | undefined, w: string): boolean {
  return !!t && t.kind === 'word' && t.value.toLowerCase() === w;
}

function isOp(t: SqlToken | undefined, op: string): boolean {
  return !!t && t.kind === 'op' && t.value === op;
}

/** unquoted names fold to lower case, as PostgreSQL does */
function identifier(t: SqlToken): string {
  return t.kind === 'quoted' ? t.value : t.value.toLowerCase();
}

/** The comma-separated parts inside the parentheses opening at token `open`, and the token after them. */
function splitTopLevel(sql: string, tokens: readonly SqlToken[], open: number): { parts: string[]; next: number } | null {
  const parts: string[] = [];
  let depth = 0;
  let from = -1;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (isOp(t, '(') || isOp(t, '[')) {
      depth++;
      if (depth === 1) {
        from = t.end;
        continue;
      }
    } else if (isOp(t, ')') || isOp(t, ']')) {
      depth--;
      if (depth === 0) {
        const last = sql.slice(from, t.start).trim();
        if (last || parts.length) parts.push(last);
        return { parts, next: k + 1 };
      }
    } else if (depth === 1 && isOp(t, ',')) {
      parts.push(sql.slice(from, t.start).trim());
      from = t.end;
    }
  }
  return null;
}
