/**
 * The statement inside a PostgreSQL log message, as written by
 * log_statement / log_min_duration_statement:
 *   `statement: SELECT ...`                 (log_statement; its duration follows alone)
 *   `duration: 12.345 ms  statement: SELECT ...`
 *   `execute <name>: SELECT ...`           (extended protocol; parameters in DETAIL)
 *   `duration: 1.2 ms  execute S_1: SELECT ...`
 *   `duration: 0.2 ms  parse S_1: ...` / `bind S_1: ...` (steps before an execute: not executions)
 *   `execute fetch from S_1/C_2: ...`     (more rows of an execution already counted)
 *   `duration: 0.035 ms`                    (the duration of the statement logged before it)
 */
import { parseParameterDetail, substituteValues } from './pg-parameters.ts';

export interface PgStatement {
  readonly kind: 'statement';
  readonly sql: string;
  readonly durationMs?: number;
  /** true for `execute`: `$n` parameters may follow in a DETAIL line */
  readonly prepared: boolean;
}

export type PgMessageKind =
  | PgStatement
  /** a `duration: X ms` line alone: it ends the statement logged before it in that session */
  | { readonly kind: 'duration'; readonly durationMs: number }
  /** a parse or bind step: its execute follows */
  | { readonly kind: 'step' };

const STATEMENT = /^(?:duration:\s*([\d.]+)\s*ms\s+)?(statement|execute(?:\s+[^:]*)?|parse\s+[^:]*|bind\s+[^:]*):\s?([\s\S]*)$/;

/** What a LOG message says about statements, or null for any other message (checkpoints, connections, ...). */
export function classifyPgMessage(message: string): PgMessageKind | null {
  const d = /^duration:\s*([\d.]+)\s*ms\s*$/.exec(message);
  if (d) return { kind: 'duration', durationMs: Number(d[1]) };
  const m = STATEMENT.exec(message);
  if (!m) return null;
  // parse and bind come before their execute; `execute fetch from` reads more rows of an execution already counted
  if (/^(?:parse|bind)\s|^execute fetch from\s/.test(m[2]!)) return { kind: 'step' };
  const sql = m[3]!.trim();
  if (!sql) return null;
  return { kind: 'statement', sql, durationMs: m[1] !== undefined ? Number(m[1]) : undefined, prepared: m[2]!.startsWith('execute') };
}

/** The statement of a message, or null (parse/bind steps and durations alone included). */
export function parsePgMessage(message: string): PgStatement | null {
  const k = classifyPgMessage(message);
  return k?.kind === 'statement' ? k : null;
}

/** `parameters: $1 = '42', $2 = 'x'` → SQL with the values substituted as literals (see pg-parameters.ts). */
export function substituteParameters(sql: string, detail: string): string {
  return substituteValues(sql, parseParameterDetail(detail));
}

/**
 * An error message as kept with a template: its first line without the
 * query's data — string literals (`at or near "'4111-1111'"`), quoted values
 * that are not names (`value "99999999999" is out of range`) and the value a
 * message quotes at its end (`invalid input syntax for type integer: "abc"`)
 * become `…`; names (`relation "orders"`) stay. At most 200 characters.
 */
export function errorText(message: string): string {
  const first = message
    .split('\n')[0]!
    .trim()
    .replace(/'(?:[^']|'')*'?/g, "'…'")
    .replace(/"((?:[^"]|"")*)"/g, (quoted, inner: string) => (/^[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)*$/.test(inner) ? quoted : '"…"'))
    .replace(/: "(?:[^"]|"")*"$/, ': "…"');
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}
