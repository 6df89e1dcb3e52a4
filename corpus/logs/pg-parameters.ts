/**
 * Parameters (`$1`, `$2`, ...) of a logged statement replaced by literals, so
 * fingerprints and replays see a complete query.
 *
 * Each value is written by its type where the log says it (a `$1::int` cast
 * in the statement, `CAST($1 AS int)`, or the types of a SQL-level
 * `PREPARE q(int, text)`), else by its shape: a plain number is written
 * unquoted (`LIMIT $3` with `$3 = '4'` becomes `LIMIT 4`), anything else
 * quoted, with its quotes doubled. PostgreSQL logs every value as quoted
 * text (`DETAIL:  parameters: $1 = '4', $2 = 'O''Hara'`), so without a type
 * the shape is all there is: a text column compared with a number-shaped
 * value gets an unquoted number.
 *
 * Only parameters are replaced: `$1` inside a string, quoted identifier,
 * comment or dollar quote stays as written.
 */

/** A parameter's value: text as the log gives it (unquoted), `null` for NULL; or, for EXECUTE, a SQL expression. */
export type ParameterValue = { readonly text: string | null } | { readonly sql: string };

/** `parameters: $1 = '42', $2 = NULL` (PostgreSQL 17: `Parameters:`) → values by number (quotes removed, doubled quotes undone). */
export function parseParameterDetail(detail: string): Map<string, ParameterValue> {
  const values = new Map<string, ParameterValue>();
  const m = /parameters:\s*([\s\S]*)$/i.exec(detail);
  if (!m) return values;
  const re = /\$(\d+)\s*=\s*(?:'((?:[^']|'')*)'|(NULL))/g;
  for (const p of m[1]!.matchAll(re)) values.set(p[1]!, { text: p[3] ? null : p[2]!.replace(/''/g, "'") });
  return values;
}

const NUMERIC_TYPES = new Set([
  'smallint', 'integer', 'int', 'int2', 'int4', 'int8', 'bigint', 'numeric', 'decimal', 'real', 'float', 'float4', 'float8', 'double', 'oid',
]);

/** `numeric` for number types, `other` for any other named type, undefined when unknown. */
export function typeFamily(type: string | undefined): 'numeric' | 'other' | undefined {
  if (!type) return undefined;
  const t = type.trim().toLowerCase().replace(/^pg_catalog\./, '');
  if (t.endsWith(']')) return 'other';
  const word = /^"?([a-z_][a-z0-9_]*)/.exec(t)?.[1];
  if (!word) return undefined;
  return NUMERIC_TYPES.has(word) ? 'numeric' : 'other';
}

/** a number as PostgreSQL prints one, without leading zeros that a string would keep (`007`) */
const PLAIN_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A value as a SQL literal: unquoted when it is a number and its type (if known) is a number type. */
export function renderText(text: string | null, type: string | undefined): string {
  if (text === null) return 'NULL';
  const family = typeFamily(type);
  if (family !== 'other' && PLAIN_NUMBER.test(text)) return text;
  return quoteLiteral(text);
}

/**
 * An EXECUTE argument (SQL as written) for a parameter of `type`: a quoted
 * number becomes a number for a number type, a number becomes a string for
 * another named type; other expressions are kept, in parentheses unless they
 * are one literal or word.
 */
export function renderArgument(sql: string, type: string | undefined): string {
  const arg = sql.trim();
  const family = typeFamily(type);
  const str = /^'((?:[^']|'')*)'$/.exec(arg);
  if (str) return renderText(str[1]!.replace(/''/g, "'"), family === undefined ? 'text' : type);
  if (PLAIN_NUMBER.test(arg)) return family === 'other' ? quoteLiteral(arg) : arg;
  if (/^(?:NULL|[A-Za-z_]\w*|\$\d+)$/i.test(arg) || /^'(?:[^']|'')*'::[\w. ]+$/.test(arg)) return arg;
  return `(${arg})`;
}

const CAST_AFTER = /^\s*::\s*("?[A-Za-z_][\w.]*"?(?:\s+precision)?(?:\s*\[\])?)/;
const CAST_AROUND = /^\s+AS\s+("?[A-Za-z_][\w.]*"?(?:\s+precision)?(?:\s*\[\])?)\s*\)/i;

/**
 * `sql` with each parameter `$n` replaced by `values.get(n)` (left as
 * written when there is none). `declaredTypes[n - 1]` is the type a PREPARE
 * gave it; a cast written around the parameter wins.
 */
export function substituteValues(sql: string, values: ReadonlyMap<string, ParameterValue>, declaredTypes: readonly string[] = []): string {
  if (values.size === 0) return sql;
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const skip = skipQuoted(sql, i);
    if (skip > i) {
      out += sql.slice(i, skip);
      i = skip;
      continue;
    }
    const m = sql[i] === '$' ? /^\$(\d+)(?!\d)/.exec(sql.slice(i, i + 12)) : null;
    const value = m && !/[\w$]/.test(sql[i - 1] ?? '') ? values.get(m[1]!) : undefined;
    if (m && value) {
      const rest = sql.slice(i + m[0].length, i + m[0].length + 80);
      const cast = CAST_AFTER.exec(rest)?.[1] ?? (/cast\s*\(\s*$/i.test(out) ? CAST_AROUND.exec(rest)?.[1] : undefined);
      const type = cast ?? declaredTypes[Number(m[1]) - 1];
      let lit = 'text' in value ? renderText(value.text, type) : renderArgument(value.sql, type);
      // `x -$1` with -5 must not become the comment `x --5`
      if (lit.startsWith('-') && /[-+*/<>=~!@#%^&|`?]$/.test(out)) lit = ' ' + lit;
      out += lit;
      i += m[0].length;
      continue;
    }
    out += sql[i];
    i++;
  }
  return out;
}

/** If a string, quoted identifier, comment or dollar quote starts at `i`, the index after it; else `i`. */
function skipQuoted(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    // E'..' strings take backslash escapes
    const backslash = c === "'" && /(?:^|[^\w$])[eE]$/.test(sql.slice(Math.max(0, i - 2), i));
    let j = i + 1;
    while (j < sql.length) {
      if (backslash && sql[j] === '\\') j += 2;
      else if (sql[j] === c && sql[j + 1] === c) j += 2;
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
    let depth = 1;
    let j = i + 2;
    while (j < sql.length && depth > 0) {
      if (sql[j] === '*' && sql[j + 1] === '/') {
        depth--;
        j += 2;
      } else if (sql[j] === '/' && sql[j + 1] === '*') {
        depth++;
        j += 2;
      } else j++;
    }
    return j;
  }
  if (c === '$' && !/[\w$]/.test(sql[i - 1] ?? '')) {
    const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
    if (tag) {
      const e = sql.indexOf(tag, i + tag.length);
      return e < 0 ? sql.length : e + tag.length;
    }
  }
  return i;
}
