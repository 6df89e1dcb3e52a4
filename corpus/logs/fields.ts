/**
 * Turning a record's fields (a JSON object, a CSV row) into a LogEntry,
 * with one validation for every reader.
 */
import { reject, type LogRecord } from './types.ts';

/** which source field feeds which entry field, first match wins */
export interface FieldMapping {
  readonly sql: readonly string[];
  readonly ts: readonly string[];
  readonly user: readonly string[];
  readonly project: readonly string[];
  readonly durationMs: readonly string[];
  readonly status: readonly string[];
  readonly priority: readonly string[];
  readonly application?: readonly string[];
}

export const DEFAULT_MAPPING: FieldMapping = {
  sql: ['sql', 'query', 'statement', 'query_text', 'sql_text'],
  ts: ['ts', 'time', 'timestamp', 'start_time', 'started_at', 'log_time'],
  user: ['user', 'username', 'user_name', 'usename'],
  project: ['project', 'database', 'db', 'database_name', 'schema'],
  durationMs: ['duration_ms', 'duration', 'elapsed_ms', 'total_time_ms', 'runtime_ms'],
  status: ['status', 'state', 'result'],
  priority: ['priority', 'prio'],
  application: ['application', 'application_name', 'app'],
};

/** Override some fields of the default mapping: `{ sql: 'query_text' }`. */
export function mappingFrom(overrides: Partial<Record<keyof FieldMapping, string>>): FieldMapping {
  const m: Record<string, readonly string[]> = { ...DEFAULT_MAPPING };
  for (const [k, v] of Object.entries(overrides)) if (v) m[k] = [v];
  return m as unknown as FieldMapping;
}

function pick(obj: Record<string, unknown>, names: readonly string[]): unknown {
  for (const n of names) {
    const v = obj[n];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

export function entryFromFields(obj: Record<string, unknown>, file: string, line: number, mapping: FieldMapping = DEFAULT_MAPPING): LogRecord {
  const sql = pick(obj, mapping.sql);
  if (typeof sql !== 'string' || !sql.trim()) return reject('missing-sql', `no SQL text (looked for: ${mapping.sql.join(', ')})`, file, line);
  const duration = pick(obj, mapping.durationMs);
  let durationMs: number | undefined;
  if (duration !== undefined) {
    durationMs = typeof duration === 'number' ? duration : Number(duration);
    if (!Number.isFinite(durationMs) || durationMs < 0) return reject('bad-field', `duration is not a non-negative number: ${JSON.stringify(duration)}`, file, line);
  }
  const prio = pick(obj, mapping.priority);
  let priority: number | undefined;
  if (prio !== undefined) {
    priority = typeof prio === 'number' ? prio : Number(prio);
    if (!Number.isFinite(priority)) return reject('bad-field', `priority is not a number: ${JSON.stringify(prio)}`, file, line);
  }
  const str = (v: unknown) => (v === undefined ? undefined : String(v));
  const application = str(pick(obj, mapping.application ?? []));
  return {
    kind: 'entry',
    sql,
    ts: str(pick(obj, mapping.ts)),
    user: str(pick(obj, mapping.user)),
    project: str(pick(obj, mapping.project)),
    durationMs,
    status: str(pick(obj, mapping.status)),
    priority,
    source: { file, line },
    ...(application !== undefined ? { application } : {}),
  };
}
