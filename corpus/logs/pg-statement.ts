/**
 * The statement inside a PostgreSQL log message, as written by
 * log_statement / log_min_duration_statement:
 *   `statement: SELECT ...`
 *   `duration: 12.345 ms  statement: SELECT ...`
 *   `execute <name>: SELECT ...`   (extended protocol; parameters in DETAIL)
 *   `duration: 1.2 ms  execute S_1: SELECT ...`
 */

export interface PgStatement {
  readonly sql: string;
  readonly durationMs?: number;
  /** true for `execute`: `$n` parameters may follow in a DETAIL line */
  readonly prepared: boolean;
}

const STATEMENT = /^(?:duration:\s*([\d.]+)\s*ms\s+)?(?:statement|execute(?:\s+[^:]*)?|parse\s+[^:]*|bind\s+[^:]*):\s?([\s\S]*)$/;

export function parsePgMessage(message: string): PgStatement | null {
  const m = STATEMENT.exec(message);
  if (!m) return null;
  if (/^(?:duration:[^]*?\s+)?(?:parse|bind)\s/.test(message)) return null; // parse/bind steps repeat the execute
  const sql = m[2]!.trim();
  if (!sql) return null;
  return { sql, durationMs: m[1] !== undefined ? Number(m[1]) : undefined, prepared: /^(?:duration:[^]*?\s+)?execute/.test(message) };
}

/**
 * `parameters: $1 = '42', $2 = 'x'` → SQL with the values substituted as
 * literals (quoted values keep their quotes), so fingerprints and replays see
 * a complete query.
 */
export function substituteParameters(sql: string, detail: string): string {
  const m = /parameters:\s*([\s\S]*)$/.exec(detail);
  if (!m) return sql;
  const values = new Map<string, string>();
  const re = /\$(\d+)\s*=\s*('(?:[^']|'')*'|NULL)/g;
  for (const p of m[1]!.matchAll(re)) values.set(p[1]!, p[2]!);
  // only parameters: `$1` inside a string literal, quoted identifier, comment or dollar quote stays as written
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const skip = skipQuoted(sql, i);
    if (skip > i) {
      out += sql.slice(i, skip);
      i = skip;
      continue;
    }
    const m = /^\$(\d+)(?!\d)/.exec(sql.slice(i, i + 12));
    if (m && !/[\w$]/.test(sql[i - 1] ?? '')) {
      out += values.get(m[1]!) ?? m[0];
      i += m[0].length;
      continue;
    }
    out += sql[i];
    i++;
  }
  return out;
}

/**
 * An error message as kept with a template: its first line, the value a
 * message quotes at its end (`invalid input syntax for type integer: "abc"`)
 * left out, as it is data from the query, not its shape; at most 200 characters.
 */
export function errorText(message: string): string {
  const first = message.split('\n')[0]!.trim().replace(/: "(?:[^"]|"")*"$/, ': "…"');
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}

/** If a string, quoted identifier, comment or dollar quote starts at `i`, the index after it; else `i`. */
function skipQuoted(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === c && sql[j + 1] === c) j += 2;
      else if (sql[j] === c) return j + 1;
      else j++;
    }
    return sql.length;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const e = sql.indexOf('\n', i);
    return e < 0 ? sql.length : e;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const e = sql.indexOf('*/', i + 2);
    return e < 0 ? sql.length : e + 2;
  }
  if (c === '$') {
    const tag = /^\$(?:[A-Za-z_][\w]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
    if (tag) {
      const e = sql.indexOf(tag, i + tag.length);
      return e < 0 ? sql.length : e + tag.length;
    }
  }
  return i;
}
