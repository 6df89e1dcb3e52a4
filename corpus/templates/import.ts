/**
 * Import query logs into templates, streaming: every entry is fingerprinted
 * and folded into its template's counters; memory grows with the number of
 * templates, never with the number of lines. Lines that cannot be used are
 * counted per reason, with the first line numbers of each, and the import
 * goes on.
 */
import { fingerprintSql, normalizeSql } from '../fingerprint/fingerprint.ts';
import { describeKind } from '../fingerprint/statement-kind.ts';
import { expandLogPath, readLog, type ReadLogOptions } from '../logs/read-log.ts';
import { planLogs } from '../logs/pg-folder.ts';
import { PgSessionJoiner } from '../logs/pg-session.ts';
import { createRecordFilter, type FilterCount, type RecordFilterOptions } from '../logs/record-filter.ts';
import { DEFAULT_MAX_STATEMENT_BYTES, STDIN, STDIN_NAME, tooLargeMessage } from '../logs/source.ts';
import type { LogFormat, LogRecord, RejectReason, SourcePosition } from '../logs/types.ts';
import { DEFAULT_SCHEMA_MAP, mapSchemas, type SchemaMap } from './schema-map.ts';
import type { Template } from './template.ts';

export interface RejectSummary {
  readonly reason: RejectReason;
  readonly count: number;
  /**
   * true: the lines were kept in the workload all the same (SQL our parser
   * cannot read may still compile with another build); false: dropped
   */
  readonly kept: boolean;
  /** the first few places, for the report */
  readonly examples: readonly (SourcePosition & { readonly message: string })[];
}

export interface ImportResult {
  readonly templates: Template[];
  readonly entries: number;
  readonly rejected: number;
  readonly rejects: RejectSummary[];
  readonly files: { readonly path: string; readonly format: LogFormat; readonly logLinePrefix?: string; readonly prefixDetected?: boolean }[];
  /** statements whose qualified names the schema map rewrote */
  readonly schemaMapped?: number;
  /**
   * statements that are not read-only queries, by kind (insert, update, ddl,
   * select-into, lock, ...; a data-modifying WITH counts as its write)
   */
  readonly skippedByKind: Readonly<Record<string, number>>;
  /** one line each, for the user: logs skipped as copies of others */
  readonly warnings?: readonly string[];
  /** entries each --database/--user/--application filter dropped (absent without filters) */
  readonly filtered?: readonly FilterCount[];
  /**
   * PostgreSQL logs: sessions the joiner closed early because it held its
   * limit of open sessions (MAX_OPEN_SESSIONS; a statement waiting in one was
   * taken as ended, without a later duration)
   */
  readonly sessionsEvicted?: number;
  /**
   * csvlog `query_id`s (PostgreSQL 14+, compute_query_id = on) seen per
   * template, by fingerprint, sorted; absent when the logs carry none. Kept
   * in the import result only (not stored with the workload).
   */
  readonly queryIds?: Readonly<Record<string, readonly string[]>>;
}

export interface ImportOptions extends ReadLogOptions {
  /** called every `progressEvery` lines */
  readonly onProgress?: (linesRead: number) => void;
  readonly progressEvery?: number;
  /**
   * Checks a new template's SQL once (not every line): return an error
   * message to report all its lines as `unparsable-sql`, or null. Such
   * templates stay in the workload: another build may read what our parser
   * cannot (they are reported with `kept: true`). May answer later (a
   * promise): reading goes on meanwhile, and the import waits for every
   * answer before it returns (see parser-check.ts for one with a deadline).
   */
  readonly validate?: (sql: string) => string | null | Promise<string | null>;
  /** how many example places to keep per reject reason (default 5) */
  readonly examplesPerReason?: number;
  /**
   * schema names of the log → of the catalog, applied to every statement
   * before it is fingerprinted and stored (default: PostgreSQL's `public`
   * is DuckDB's `main`; an empty map leaves the SQL as logged)
   */
  readonly schemaMap?: SchemaMap;
  /** keep only the entries of these databases, users, applications (or drop those) */
  readonly filter?: RecordFilterOptions;
}

interface Accumulator {
  fingerprint: string;
  sql: string;
  count: number;
  errors: number;
  firstError?: string;
  totalDurationMs: number;
  timedCount: number;
  users: Set<string>;
  projects: Set<string>;
  priorities: Set<number>;
  firstSeen?: string;
  lastSeen?: string;
  first: SourcePosition;
  /** csvlog query_ids seen */
  queryIds?: Set<string>;
  /** the first few places, for the report if the check flags the template */
  places: SourcePosition[];
  check?: string | null | Promise<string | null>;
}

export async function importLogs(paths: readonly string[], options: ImportOptions = {}): Promise<ImportResult> {
  const acc = new Map<string, Accumulator>();
  const rejects = new Map<string, { reason: RejectReason; kept: boolean; count: number; examples: (SourcePosition & { message: string })[] }>();
  const skippedByKind: Record<string, number> = {};
  const keep = options.examplesPerReason ?? 5;
  const every = options.progressEvery ?? 10_000;
  const files: ImportResult['files'][number][] = [];
  let lines = 0;
  let entries = 0;
  let rejected = 0;
  let schemaMapped = 0;
  const schemaMap = options.schemaMap ?? DEFAULT_SCHEMA_MAP;

  const addReject = (reason: RejectReason, where: SourcePosition, message: string, kept = false) => {
    if (!kept) rejected++;
    const key = `${reason}${kept ? ':kept' : ''}`;
    let r = rejects.get(key);
    if (!r) rejects.set(key, (r = { reason, kept, count: 0, examples: [] }));
    r.count++;
    if (r.examples.length < keep) r.examples.push({ ...where, message });
  };

  const maxBytes = options.maxStatementBytes ?? DEFAULT_MAX_STATEMENT_BYTES;
  const named: string[] = [];
  const fromFolder = new Set<string>();
  for (const path of paths) {
    const expanded = await expandLogPath(path);
    if (expanded.length !== 1 || expanded[0] !== path) for (const f of expanded) fromFolder.add(f);
    named.push(...expanded);
  }
  const planned = await planLogs(named, options, fromFolder);
  const warnings = [...planned.warnings];
  const filter = options.filter ? createRecordFilter(options.filter) : null;
  let sessionsEvicted = 0;

  const take = (rec: LogRecord): void => {
    lines++;
    if (options.onProgress && lines % every === 0) options.onProgress(lines);
    if (rec.kind === 'reject') {
      addReject(rec.reason, rec.source, rec.message);
      return;
    }
    if (filter && !filter.keep(rec)) return;
    // a cheap bound first (UTF-8 takes at most 3 bytes per UTF-16 unit), the exact count only near the limit
    if (rec.sql.length * 3 > maxBytes) {
      const bytes = Buffer.byteLength(rec.sql);
      if (bytes > maxBytes) {
        addReject('too-large', rec.source, tooLargeMessage(bytes, options, 'statement'));
        return;
      }
    }
    const sql = mapSchemas(rec.sql, schemaMap);
    if (sql !== rec.sql) schemaMapped++;
    const fp = fingerprintSql(sql);
    if (fp.problem) {
      addReject('malformed-sql', rec.source, fp.problem);
      return;
    }
    if (fp.kind === 'other' || fp.kind === 'empty') {
      addReject('unparsable-sql', rec.source, fp.kind === 'empty' ? 'empty statement' : 'not a recognised SQL statement');
      return;
    }
    if (fp.kind !== 'select') {
      skippedByKind[fp.kind] = (skippedByKind[fp.kind] ?? 0) + 1;
      addReject('not-a-query', rec.source, describeKind(fp.kind, fp.dataModifyingWith));
      return;
    }
    let a = acc.get(fp.fingerprint);
    if (!a) {
      a = {
        fingerprint: fp.fingerprint, sql, count: 0, errors: 0, totalDurationMs: 0, timedCount: 0,
        users: new Set(), projects: new Set(), priorities: new Set(), first: rec.source, places: [], check: options.validate?.(sql),
      };
      acc.set(fp.fingerprint, a);
    }
    // answered at the end; a check that fails meanwhile must not count as unhandled
    if (!a.count && a.check instanceof Promise) a.check.catch(() => {});
    if (a.check !== undefined && a.places.length < keep) a.places.push(rec.source);
    entries++;
    a.count++;
    if (rec.status && rec.status !== 'ok') {
      a.errors++;
      if (a.firstError === undefined && rec.error) a.firstError = rec.error;
    }
    if (rec.durationMs !== undefined) {
      a.totalDurationMs += rec.durationMs;
      a.timedCount++;
    }
    if (rec.user !== undefined) a.users.add(rec.user);
    if (rec.project !== undefined) a.projects.add(rec.project);
    if (rec.priority !== undefined) a.priorities.add(rec.priority);
    if (rec.queryId !== undefined) (a.queryIds ??= new Set()).add(rec.queryId);
    if (rec.ts !== undefined) {
      if (a.firstSeen === undefined || rec.ts < a.firstSeen) a.firstSeen = rec.ts;
      if (a.lastSeen === undefined || rec.ts > a.lastSeen) a.lastSeen = rec.ts;
    }
  };

  // the logs of one folder (or PostgreSQL logs named one by one) are one server's: one joiner per format spans its rotated files, one prefix is detected for them
  let group: string | null = null;
  let joiners = new Map<string, PgSessionJoiner>();
  let folderPrefix: string | undefined;
  const endGroup = () => {
    for (const j of joiners.values()) {
      const out: LogRecord[] = [];
      j.end(out);
      sessionsEvicted += j.evictions;
      for (const rec of out) take(rec);
    }
    joiners = new Map();
    folderPrefix = undefined;
  };
  const pgSessions = (format: string) => {
    let j = joiners.get(format);
    if (!j) joiners.set(format, (j = new PgSessionJoiner()));
    return j;
  };
  for (const path of planned.logs) {
    const g = planned.groups.get(path) ?? `file:${path}`;
    if (g !== group) {
      endGroup();
      group = g;
    }
    const opened = await readLog(path, { ...options, pgSessions, folderPrefix });
    const { format, records, logLinePrefix, prefixDetected } = opened;
    if (opened.warning) warnings.push(opened.warning);
    if (opened.prefixDecides && folderPrefix === undefined) folderPrefix = logLinePrefix;
    files.push({ path: path === STDIN ? STDIN_NAME : path, format, ...(logLinePrefix !== undefined ? { logLinePrefix, prefixDetected } : {}) });
    for await (const rec of records) take(rec);
  }
  endGroup();
  options.onProgress?.(lines);
  await addFlagged([...acc.values()], files.map((f) => f.path), keep, addReject);

  const kept = [...acc.values()];
  const totalDuration = kept.reduce((s, a) => s + a.totalDurationMs, 0);
  const templates: Template[] = kept.map((a) => ({
    fingerprint: a.fingerprint,
    normalized: normalizeSql(a.sql),
    sql: a.sql,
    count: a.count,
    errorCount: a.errors,
    firstError: a.firstError ?? null,
    totalDurationMs: a.totalDurationMs,
    meanDurationMs: a.timedCount ? a.totalDurationMs / a.timedCount : null,
    weight: entries ? a.count / entries : 0,
    durationShare: totalDuration ? a.totalDurationMs / totalDuration : 0,
    users: [...a.users].toSorted(),
    projects: [...a.projects].toSorted(),
    priorities: [...a.priorities].toSorted((x, y) => x - y),
    firstSeen: a.firstSeen ?? null,
    lastSeen: a.lastSeen ?? null,
    firstSource: a.first,
  }));
  templates.sort((x, y) => y.count - x.count || (x.fingerprint < y.fingerprint ? -1 : 1));
  const rejectList = [...rejects.values()]
    .map((r) => ({ reason: r.reason, kept: r.kept, count: r.count, examples: r.examples }))
    .toSorted((x, y) => Number(x.kept) - Number(y.kept) || y.count - x.count || x.reason.localeCompare(y.reason));
  const queryIds = Object.fromEntries(kept.filter((a) => a.queryIds?.size).map((a) => [a.fingerprint, [...a.queryIds!].toSorted()]));
  return {
    templates, entries, rejected, rejects: rejectList, files, schemaMapped, skippedByKind, warnings,
    ...(filter ? { filtered: filter.counts() } : {}),
    ...(sessionsEvicted ? { sessionsEvicted } : {}),
    ...(Object.keys(queryIds).length ? { queryIds } : {}),
  };
}

/**
 * Templates the check flagged: every line of theirs counts as `unparsable-sql`
 * (kept), with the first few places over all of them, in log order.
 */
async function addFlagged(
  templates: readonly Accumulator[],
  files: readonly string[],
  keep: number,
  addReject: (reason: RejectReason, where: SourcePosition, message: string, kept: boolean) => void,
): Promise<void> {
  const problems = await Promise.all(templates.map((a) => a.check ?? null));
  const flagged = templates.map((a, i) => ({ a, problem: problems[i] })).filter((x): x is { a: Accumulator; problem: string } => !!x.problem);
  const order = (p: SourcePosition) => files.indexOf(p.file);
  const places = flagged
    .flatMap(({ a, problem }) => a.places.map((p) => ({ p, problem })))
    .toSorted((x, y) => order(x.p) - order(y.p) || x.p.line - y.p.line)
    .slice(0, keep);
  for (const { p, problem } of places) addReject('unparsable-sql', p, problem, true);
  // the rest of their lines count without an example
  const shown = places.length;
  const total = flagged.reduce((n, { a }) => n + a.count, 0);
  for (let i = shown; i < total; i++) addReject('unparsable-sql', flagged[0]!.a.first, flagged[0]!.problem, true);
}
