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
  return sql.replace(/\$(\d+)\b/g, (all, n: string) => values.get(n) ?? all);
}
