/**
 * The results store: one DuckDB file (default `.flightdeck/flightdeck.duckdb`,
 * `--store PATH` or FLIGHTDECK_STORE), queryable with plain SQL. Every write
 * is keyed (workload + fingerprint, run + fingerprint) and replaces what was
 * there, so writing an outcome twice — a retried job, a resumed run — leaves
 * exactly one row. Rows are written and read through the column lists in
 * columns.ts, never by position.
 *
 * DuckDB lets one process write a file, and while it does no other process
 * can open that file at all; any number of processes can open it read-only
 * at once. Commands that only read (runs, report, gate, approve, corpus show)
 * open it with `{ readOnly: true }`: that works on a read-only file or
 * folder, never creates a store, and says `not-found` for a mistyped path.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openDatabase, type Database, type Params, type Row } from '../compiler/builds/duckdb-database.ts';
import { FlightdeckError } from '../compiler/errors.ts';
import { fromSystemError, refuseNonFile } from '../compiler/system-errors.ts';
import { APPROVALS, CLUSTERS, decodeRow, DIFFS, encodeRow, FLIGHT_RESULTS, insertSql, OUTCOMES, RUNS, TEMPLATES, WORKLOADS, type TemplateRow } from './columns.ts';
import { MIGRATIONS } from './migrations.ts';
import type { FlightResultRecord, OutcomeRecord, RunRecord, StoredTemplate, WorkloadRecord, ClusterRecord, DiffRecord } from './records.ts';
import type { ImportResult } from '../corpus/templates/import.ts';
import { likePattern, MAX_PAGE, OUTCOME_SORTS, type AuditEntry, type Facet, type FacetCount, type OutcomePage, type OutcomeQuery, type OutcomeSummary, type VerdictCount } from './outcome-query.ts';
import type { ApprovalRecord } from './records.ts';

/** The one default store path (relative to the working directory). */
export const DEFAULT_STORE_PATH = '.flightdeck/flightdeck.duckdb';

export function resolveStorePath(explicit?: string): string {
  return resolve(explicit ?? process.env.FLIGHTDECK_STORE ?? DEFAULT_STORE_PATH);
}

export interface OpenStoreOptions {
  /**
   * Only read: open the file read-only (works on a read-only file, beside
   * other readers), never create or migrate it; a missing file is `not-found`.
   */
  readonly readOnly?: boolean;
}

const LATEST_VERSION = MIGRATIONS.at(-1)!.version;

export class Store {
  /** one connection: transactions must not interleave, so writers queue here */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: Database,
    readonly path: string,
    readonly readOnly: boolean,
  ) {}

  static async open(path: string = resolveStorePath(), options: OpenStoreOptions = {}): Promise<Store> {
    const readOnly = options.readOnly ?? false;
    if (path !== ':memory:') {
      refuseNonFile(path, 'a store');
      if (readOnly && !existsSync(path)) {
        throw new FlightdeckError('not-found', `no store at ${path}: check --store or FLIGHTDECK_STORE (a store is created by \`flightdeck corpus import\` or \`flightdeck playback\`)`);
      }
      if (!readOnly) {
        try {
          mkdirSync(dirname(path), { recursive: true });
        } catch (err) {
          throw fromSystemError(err, dirname(path)) ?? err;
        }
      }
    }
    let db: Database;
    try {
      db = await openDatabase(path, { readOnly, mustExist: readOnly });
    } catch (err) {
      throw openError(path, err);
    }
    const store = new Store(db, path, readOnly);
    try {
      await store.checkSchema();
    } catch (err) {
      db.close();
      throw err;
    }
    return store;
  }

  close(): void {
    this.db.close();
  }

  // every statement goes through these three: a system error (disk full, permission) is named with the store's path
  private run(sql: string, params?: Params): Promise<void> {
    return this.named(() => this.db.run(sql, params));
  }

  private all(sql: string, params?: Params): Promise<Row[]> {
    return this.named(() => this.db.all(sql, params));
  }

  private allJson(sql: string, params?: Params): Promise<Row[]> {
    return this.named(() => this.db.allJson(sql, params));
  }

  private async named<T>(statement: () => Promise<T>): Promise<T> {
    try {
      return await statement();
    } catch (err) {
      throw fromSystemError(err, this.path) ?? err;
    }
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => {});
    return next;
  }

  /** All of fn or nothing. The error that made it fail is the one thrown, never the ROLLBACK's own (after a failed COMMIT there is no transaction left to roll back). */
  private async transaction(fn: () => Promise<void>): Promise<void> {
    await this.exclusive(async () => {
      await this.run('BEGIN TRANSACTION');
      try {
        await fn();
        await this.run('COMMIT');
      } catch (err) {
        await this.db.run('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  async schemaVersion(): Promise<number> {
    const rows = await this.all('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    return Number(rows[0]!.v);
  }

  /** A writer brings the schema up to date; a reader needs it up to date already. Neither opens a store from a newer flightdeck. */
  private async checkSchema(): Promise<void> {
    if (!this.readOnly) {
      await this.migrate();
      return;
    }
    if (!(await this.hasTable('schema_migrations'))) throw this.notAStore();
    const version = await this.schemaVersion();
    if (version < LATEST_VERSION) {
      throw new FlightdeckError('environment-error', `the store ${this.path} has schema version ${version} and this flightdeck reads version ${LATEST_VERSION}: migrate it by running a writing command on it once (e.g. flightdeck corpus import)`);
    }
    this.refuseNewer(version);
  }

  private async hasTable(name: string | null): Promise<boolean> {
    const rows = await this.all(`SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND (? IS NULL OR table_name = ?)`, [name, name]);
    return Number(rows[0]!.n) > 0;
  }

  private notAStore(): FlightdeckError {
    return new FlightdeckError('environment-error', `${this.path} is a DuckDB database but not a flightdeck store (no schema_migrations table): check --store`);
  }

  private refuseNewer(version: number): void {
    if (version > LATEST_VERSION) {
      throw new FlightdeckError('environment-error', `the store ${this.path} has schema version ${version}, written by a newer flightdeck (this one knows up to ${LATEST_VERSION}): upgrade flightdeck`);
    }
  }

  private async migrate(): Promise<void> {
    // a database with tables of its own (a catalog passed as --store) is never written into
    if (!(await this.hasTable('schema_migrations')) && (await this.hasTable(null))) throw this.notAStore();
    await this.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)');
    const current = await this.schemaVersion();
    this.refuseNewer(current);
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      try {
        await this.transaction(async () => {
          await this.run(m.sql);
          await this.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, now())', [m.version, m.name]);
        });
      } catch (err) {
        if (err instanceof FlightdeckError) throw err;
        throw new FlightdeckError('io-error', `store migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  /** Write everything to the database file now (after rewriting data in place, so the old pages are released). */
  async checkpoint(): Promise<void> {
    await this.run('CHECKPOINT');
  }

  /** Plain SQL for inspection (tests, ad-hoc tools); product code uses the typed methods below. */
  query(sql: string, params?: Params): Promise<Row[]> {
    return this.allJson(sql, params);
  }

  // ---- workloads and templates ------------------------------------------------

  async saveWorkload(w: WorkloadRecord, templates: readonly StoredTemplate[]): Promise<void> {
    const workloadFields = ['name', 'sources', 'entries', 'rejected', 'rejects'] as const;
    await this.transaction(async () => {
      await this.run('DELETE FROM templates WHERE workload = ?', [w.name]);
      await this.run(insertSql(WORKLOADS, 1, { replace: true, fields: workloadFields, fixed: { created_at: 'now()' } }), encodeRow(WORKLOADS, { ...w, createdAt: '' }, workloadFields));
      for (let i = 0; i < templates.length; i += 200) {
        const batch = templates.slice(i, i + 200);
        await this.run(insertSql(TEMPLATES, batch.length), batch.flatMap((t) => encodeRow<TemplateRow>(TEMPLATES, { ...t, workload: w.name })));
      }
    });
  }

  /** Keep an import as workload `name` (replacing it): its templates, sources and reject report. */
  saveImport(name: string, r: ImportResult): Promise<void> {
    return this.saveWorkload(
      { name, sources: r.files, entries: r.entries, rejected: r.rejected, rejects: r.rejects.map((x) => ({ ...x, examples: [...x.examples] })) },
      r.templates.map(({ firstSource, ...t }) => ({ ...t, source: `${firstSource.file}:${firstSource.line}` })),
    );
  }

  async getWorkload(name: string): Promise<WorkloadRecord | null> {
    const rows = await this.allJson('SELECT * FROM workloads WHERE name = ?', [name]);
    return rows[0] ? decodeRow(WORKLOADS, rows[0]) : null;
  }

  async listWorkloads(): Promise<(WorkloadRecord & { templates: number })[]> {
    const rows = await this.allJson('SELECT w.*, (SELECT count(*) FROM templates t WHERE t.workload = w.name) AS n FROM workloads w ORDER BY name');
    return rows.map((r) => ({ ...decodeRow(WORKLOADS, r), templates: Number(r.n) }));
  }

  async getTemplates(workload: string, fingerprints?: readonly string[]): Promise<StoredTemplate[]> {
    const rows = fingerprints
      ? await this.all(`SELECT * FROM templates WHERE workload = ? AND list_contains(from_json(?, '["VARCHAR"]'), fingerprint) ORDER BY count DESC, fingerprint`, [workload, JSON.stringify(fingerprints)])
      : await this.all('SELECT * FROM templates WHERE workload = ? ORDER BY count DESC, fingerprint', [workload]);
    return rows.map((r) => {
      const { workload: _, firstError, ...t } = decodeRow(TEMPLATES, r);
      return firstError ? { ...t, firstError } : t;
    });
  }

  // ---- runs ---------------------------------------------------------------------

  async createRun(run: Omit<RunRecord, 'createdAt' | 'finishedAt' | 'status' | 'error'>): Promise<void> {
    const fields = ['id', 'kind', 'workload', 'catalog', 'baseSpec', 'headSpec', 'baseDescription', 'headDescription', 'status', 'queue', 'total', 'options'] as const;
    const record: RunRecord = { ...run, status: 'running', createdAt: '', finishedAt: null, error: null };
    await this.run(insertSql(RUNS, 1, { fields, fixed: { created_at: 'now()' } }), encodeRow(RUNS, record, fields));
  }

  async finishRun(id: string, status: 'done' | 'failed', error?: string): Promise<void> {
    await this.run('UPDATE runs SET status = ?, finished_at = now(), error = ? WHERE id = ?', [status, error ?? null, id]);
  }

  async reopenRun(id: string): Promise<void> {
    await this.run(`UPDATE runs SET status = 'running', finished_at = NULL, error = NULL WHERE id = ?`, [id]);
  }

  async setRunDescriptions(id: string, base: string, head: string): Promise<void> {
    await this.run('UPDATE runs SET base_description = ?, head_description = ? WHERE id = ?', [base, head, id]);
  }

  async getRun(id: string): Promise<(RunRecord & { done: number }) | null> {
    const rows = await this.allJson('SELECT r.*, (SELECT count(*) FROM outcomes o WHERE o.run_id = r.id) AS done FROM runs r WHERE id = ?', [id]);
    return rows[0] ? { ...decodeRow(RUNS, rows[0]), done: Number(rows[0].done) } : null;
  }

  async listRuns(): Promise<(RunRecord & { done: number })[]> {
    const rows = await this.allJson('SELECT r.*, (SELECT count(*) FROM outcomes o WHERE o.run_id = r.id) AS done FROM runs r ORDER BY created_at DESC, id');
    return rows.map((r) => ({ ...decodeRow(RUNS, r), done: Number(r.done) }));
  }

  /** Fingerprints that have an outcome in the run (cheap: no plans are read). */
  async outcomeFingerprints(runId: string): Promise<Set<string>> {
    const rows = await this.all('SELECT fingerprint FROM outcomes WHERE run_id = ?', [runId]);
    return new Set(rows.map((r) => String(r.fingerprint)));
  }

  // ---- outcomes, diffs, clusters ------------------------------------------------------

  /** Idempotent: an outcome written twice for the same run and template is one row. */
  async saveOutcomes(outcomes: readonly OutcomeRecord[], diffs: readonly DiffRecord[] = []): Promise<void> {
    if (!outcomes.length && !diffs.length) return;
    await this.transaction(() => this.writeOutcomes(outcomes, diffs));
  }

  /** saveOutcomes' writes, inside the caller's transaction */
  private async writeOutcomes(outcomes: readonly OutcomeRecord[], diffs: readonly DiffRecord[]): Promise<void> {
    for (let i = 0; i < outcomes.length; i += 100) {
      const batch = outcomes.slice(i, i + 100);
      await this.run(insertSql(OUTCOMES, batch.length, { replace: true }), batch.flatMap((o) => encodeRow(OUTCOMES, o)));
    }
    // the tables either plan scans (`table=[name]` in every build's printed plan), for the dashboard's filter
    for (const [runId, fingerprints] of groupByRun(outcomes)) {
      for (let i = 0; i < fingerprints.length; i += 500) {
        const part = fingerprints.slice(i, i + 500);
        await this.run(
          `UPDATE outcomes SET tables = list_distinct(list_concat(regexp_extract_all(coalesce(base_simplified, ''), '${TABLE_PATTERN}', 1), regexp_extract_all(coalesce(head_simplified, ''), '${TABLE_PATTERN}', 1)))
           WHERE run_id = ? AND fingerprint IN (${part.map(() => '?').join(', ')})`,
          [runId, ...part],
        );
      }
    }
    // an outcome delivered again without a diff (the plans now match) must not keep its old one;
    // one DELETE per run and batch, not per outcome (it was the coordinator's largest cost)
    for (const [runId, fingerprints] of groupByRun(outcomes)) {
      for (let i = 0; i < fingerprints.length; i += 500) {
        const part = fingerprints.slice(i, i + 500);
        await this.run(`DELETE FROM diffs WHERE run_id = ? AND fingerprint IN (${part.map(() => '?').join(', ')})`, [runId, ...part]);
      }
    }
    // the last diff delivered for a (run, template) wins, as sequential writes would have it
    const unique = [...new Map(diffs.map((d) => [`${d.runId}\u0000${d.fingerprint}`, d])).values()];
    for (let i = 0; i < unique.length; i += 100) {
      const batch = unique.slice(i, i + 100);
      await this.run(insertSql(DIFFS, batch.length, { replace: true }), batch.flatMap((d) => encodeRow(DIFFS, d)));
    }
  }

  /**
   * Workload impact of every outcome of the run, in SQL over the whole run:
   * count × base cost × (cost ratio − 1) over the run's total base cost, with the
   * cost ratio the verdict used (the base estimator's, when the builds re-cost
   * each other's plans), 0 for an unchanged plan, NULL where a cost is missing.
   */
  async updateImpacts(runId: string): Promise<void> {
    await this.run(
      `UPDATE outcomes SET impact = CASE WHEN base_cost IS NOT NULL AND head_cost IS NOT NULL AND w.total > 0
          THEN count * (CASE WHEN base_plan_hash = head_plan_hash THEN 0
                             WHEN cost_ratio IS NOT NULL THEN base_cost * (cost_ratio - 1)
                             ELSE head_cost - base_cost END) / w.total END
       FROM (SELECT coalesce(sum(count * base_cost), 0) AS total FROM outcomes WHERE run_id = ? AND base_cost IS NOT NULL AND head_cost IS NOT NULL) w
       WHERE run_id = ?`,
      [runId, runId],
    );
  }

  async getOutcomes(runId: string, options: { verdicts?: readonly string[] } = {}): Promise<OutcomeRecord[]> {
    const rows = options.verdicts
      ? await this.all(`SELECT * FROM outcomes WHERE run_id = ? AND list_contains(from_json(?, '["VARCHAR"]'), verdict) ORDER BY fingerprint`, [runId, JSON.stringify(options.verdicts)])
      : await this.all('SELECT * FROM outcomes WHERE run_id = ? ORDER BY fingerprint', [runId]);
    return rows.map((r) => decodeRow(OUTCOMES, r));
  }

  async getDiff(runId: string, fingerprint: string): Promise<DiffRecord | null> {
    const rows = await this.all('SELECT * FROM diffs WHERE run_id = ? AND fingerprint = ?', [runId, fingerprint]);
    return rows[0] ? decodeRow(DIFFS, rows[0]) : null;
  }

  /**
   * A flight's outcomes and their evidence, in one transaction (idempotent,
   * keyed by run and template like every write).
   */
  async saveFlightResults(outcomes: readonly OutcomeRecord[], results: readonly FlightResultRecord[], diffs: readonly DiffRecord[] = []): Promise<void> {
    if (!results.length && !outcomes.length) return;
    await this.transaction(async () => {
      for (let i = 0; i < results.length; i += 100) {
        const batch = results.slice(i, i + 100);
        await this.run(insertSql(FLIGHT_RESULTS, batch.length, { replace: true }), batch.flatMap((r) => encodeRow(FLIGHT_RESULTS, r)));
      }
      await this.writeOutcomes(outcomes, diffs);
    });
  }

  async getFlightResults(runId: string): Promise<FlightResultRecord[]> {
    const rows = await this.all('SELECT * FROM flight_results WHERE run_id = ? ORDER BY fingerprint', [runId]);
    return rows.map((r) => decodeRow(FLIGHT_RESULTS, r));
  }

  async saveClusters(runId: string, clusters: readonly ClusterRecord[]): Promise<void> {
    await this.transaction(async () => {
      await this.run('DELETE FROM clusters WHERE run_id = ?', [runId]);
      for (const c of clusters) await this.run(insertSql(CLUSTERS, 1), encodeRow(CLUSTERS, { ...c, runId }));
    });
  }

  async getClusters(runId: string): Promise<ClusterRecord[]> {
    const rows = await this.all('SELECT * FROM clusters WHERE run_id = ? ORDER BY templates DESC, weight DESC, signature', [runId]);
    return rows.map((r) => {
      const { runId: _, ...c } = decodeRow(CLUSTERS, r);
      return c;
    });
  }

  // ---- the dashboard's queries --------------------------------------------------------

  /** One page of a run's outcomes, filtered and sorted, with the number that match. */
  async queryOutcomes(q: OutcomeQuery): Promise<OutcomePage> {
    const where = outcomeWhere(q);
    const sort = OUTCOME_SORTS[q.sort ?? 'weight'];
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    const limit = Math.max(0, Math.min(MAX_PAGE, Math.trunc(q.limit)));
    const offset = Math.max(0, Math.trunc(q.offset));
    const [count] = await this.all(`SELECT count(*) AS n ${OUTCOME_FROM} WHERE ${where.sql}`, where.params);
    const rows = await this.allJson(
      `SELECT o.fingerprint, o.verdict, o.reason, o.weight, o.count, o.impact, o.cost_ratio, o.base_ms, o.head_ms, o.signature, o.approved,
              coalesce(o.tables, []) AS tables, left(coalesce(t.sql, ''), 240) AS sql
       ${OUTCOME_FROM} WHERE ${where.sql}
       ORDER BY ${sort} ${order} NULLS LAST, o.fingerprint LIMIT ${limit} OFFSET ${offset}`,
      where.params,
    );
    return { total: Number(count!.n), rows: rows.map(summaryRow) };
  }

  /** How many outcomes (and how much weight) of the run fall on each value of a facet, under the other filters. */
  async outcomeFacet(facet: Facet, q: Omit<OutcomeQuery, 'limit' | 'offset' | 'sort' | 'order'>): Promise<FacetCount[]> {
    const where = outcomeWhere(q);
    const value = {
      verdict: 'o.verdict',
      cluster: 'o.signature',
      table: 'unnest(coalesce(o.tables, []))',
      rule: "unnest(list_transform(coalesce(o.rules_diff, []), x -> ltrim(x, '+-')))",
    }[facet];
    const rows = await this.all(
      `SELECT value, count(*) AS n, sum(weight) AS w FROM (SELECT ${value} AS value, o.weight ${OUTCOME_FROM} WHERE ${where.sql}) f
       WHERE value IS NOT NULL GROUP BY value ORDER BY n DESC, value LIMIT 200`,
      where.params,
    );
    return rows.map((r) => ({ value: String(r.value), count: Number(r.n), weight: Number(r.w) }));
  }

  /** Per run: outcomes by verdict, with weight and summed impact. */
  async verdictCounts(runIds: readonly string[]): Promise<Map<string, VerdictCount[]>> {
    const out = new Map<string, VerdictCount[]>(runIds.map((id) => [id, []]));
    if (!runIds.length) return out;
    const rows = await this.all(
      `SELECT run_id, verdict, count(*) AS n, sum(weight) AS w, coalesce(sum(impact), 0) AS i FROM outcomes
       WHERE run_id IN (${runIds.map(() => '?').join(', ')}) GROUP BY run_id, verdict ORDER BY run_id, n DESC, verdict`,
      [...runIds],
    );
    for (const r of rows) out.get(String(r.run_id))?.push({ verdict: String(r.verdict), count: Number(r.n), weight: Number(r.w), impact: Number(r.i) });
    return out;
  }

  /** Cost ratios of the run's changed plans (for the distribution chart), at most `limit` of them, heaviest first. */
  async costRatios(runId: string, limit = 20_000): Promise<{ fingerprint: string; costRatio: number; verdict: string }[]> {
    const rows = await this.all(
      `SELECT fingerprint, cost_ratio, verdict FROM outcomes WHERE run_id = ? AND cost_ratio IS NOT NULL AND coalesce(base_plan_hash, '') <> coalesce(head_plan_hash, '')
       ORDER BY weight DESC, fingerprint LIMIT ${Math.max(0, Math.trunc(limit))}`,
      [runId],
    );
    return rows.map((r) => ({ fingerprint: String(r.fingerprint), costRatio: Number(r.cost_ratio), verdict: String(r.verdict) }));
  }

  async getOutcome(runId: string, fingerprint: string): Promise<OutcomeRecord | null> {
    const rows = await this.all('SELECT * FROM outcomes WHERE run_id = ? AND fingerprint = ?', [runId, fingerprint]);
    return rows[0] ? decodeRow(OUTCOMES, rows[0]) : null;
  }

  async getFlightResult(runId: string, fingerprint: string): Promise<FlightResultRecord | null> {
    const rows = await this.all('SELECT * FROM flight_results WHERE run_id = ? AND fingerprint = ?', [runId, fingerprint]);
    return rows[0] ? decodeRow(FLIGHT_RESULTS, rows[0]) : null;
  }

  // ---- approvals and the audit log ---------------------------------------------------

  /**
   * Keep approvals in the store (a team's shared record; the approvals file
   * in the repository can be written from it) and mark the outcomes they
   * cover, in every run, as approved. Returns how many outcomes were marked.
   */
  async saveApprovals(approvals: readonly ApprovalRecord[]): Promise<number> {
    let marked = 0;
    await this.transaction(async () => {
      for (const a of approvals) {
        await this.run(insertSql(APPROVALS, 1, { replace: true }), encodeRow(APPROVALS, a));
        const rows = await this.all('UPDATE outcomes SET approved = true WHERE fingerprint = ? AND head_plan_hash = ? AND NOT approved RETURNING run_id', [a.fingerprint, a.headPlanHash]);
        marked += rows.length;
      }
    });
    return marked;
  }

  async listApprovals(): Promise<ApprovalRecord[]> {
    const rows = await this.all('SELECT * FROM approvals ORDER BY approved_at, fingerprint, head_plan_hash');
    return rows.map((r) => decodeRow(APPROVALS, r));
  }

  /** Append one entry to the audit log (who, what, on what, why); returns its id. */
  async appendAudit(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<number> {
    const rows = await this.exclusive(() =>
      this.all('INSERT INTO audit (logged_at, actor, role, action, target, why, detail) VALUES (now(), ?, ?, ?, ?, ?, ?) RETURNING id', [entry.actor, entry.role, entry.action, entry.target, entry.why, JSON.stringify(entry.detail)]),
    );
    return Number(rows[0]!.id);
  }

  async listAudit(limit: number, offset: number): Promise<{ total: number; rows: AuditEntry[] }> {
    const [count] = await this.all('SELECT count(*) AS n FROM audit');
    const rows = await this.allJson(`SELECT * FROM audit ORDER BY id DESC LIMIT ${Math.max(0, Math.min(MAX_PAGE, Math.trunc(limit)))} OFFSET ${Math.max(0, Math.trunc(offset))}`);
    return {
      total: Number(count!.n),
      rows: rows.map((r) => ({ id: Number(r.id), at: String(r.logged_at), actor: String(r.actor), role: String(r.role), action: String(r.action), target: String(r.target), why: r.why === null ? null : String(r.why), detail: JSON.parse(String(r.detail)) as Record<string, unknown> })),
    };
  }
}

/** Why the store could not be opened, in words a user can act on. */
function openError(path: string, err: unknown): Error {
  const cause = (err as Error).cause ?? err;
  const message = cause instanceof Error ? cause.message : String(cause);
  const lock = /Could not set lock on file .*Conflicting lock is held in (.*?) \(PID (\d+)\)/is.exec(message);
  if (lock || /could not set lock|conflicting lock/i.test(message)) {
    const holder = lock ? describeProcess(Number(lock[2]), lock[1]!) : 'another process';
    return new FlightdeckError(
      'environment-error',
      `the store ${path} is busy: ${holder} has it open for writing, and DuckDB lets no other process open the file meanwhile, not even to read; wait for it to finish, or use another store with --store`,
      { retryable: true, cause },
    );
  }
  const system = fromSystemError(cause, path);
  if (system) return system;
  if (/not a valid DuckDB database file|unable to open database|file is not a/i.test(message)) {
    return new FlightdeckError('environment-error', `${path} is not a flightdeck store (not a DuckDB database file): check --store`, { cause });
  }
  return err as Error;
}

/** `PID 123 (node bin/flightdeck.js playback …)`, from /proc where there is one; a password in a URL is never printed. */
function describeProcess(pid: number, executable: string): string {
  let command = executable;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    // no /proc (macOS) or the process is gone: DuckDB's executable name will do
  }
  command = command.replace(/(\w+:\/\/[^:@/\s]*:)[^@\s]*@/g, '$1***@').replace(/\s+/g, ' ').trim();
  if (command.length > 160) command = `${command.slice(0, 157)}…`;
  return `another process (PID ${pid}: ${command})`;
}

/** a printed plan's scanned table: `table=[name]` */
const TABLE_PATTERN = 'table=\\[([^\\]]+)\\]';

/** outcomes with their run and template (for the SQL text) */
const OUTCOME_FROM = 'FROM outcomes o JOIN runs r ON r.id = o.run_id LEFT JOIN templates t ON t.workload = r.workload AND t.fingerprint = o.fingerprint';

function groupByRun(outcomes: readonly OutcomeRecord[]): Map<string, string[]> {
  const byRun = new Map<string, string[]>();
  for (const o of outcomes) (byRun.get(o.runId) ?? byRun.set(o.runId, []).get(o.runId)!).push(o.fingerprint);
  return byRun;
}

/** the WHERE clause of an outcome query: only placeholders, never a user's text */
function outcomeWhere(q: Omit<OutcomeQuery, 'limit' | 'offset' | 'sort' | 'order'>): { sql: string; params: Params } {
  const conds = ['o.run_id = ?'];
  const params: (string | number)[] = [q.runId];
  if (q.verdicts?.length) {
    conds.push(`o.verdict IN (${q.verdicts.map(() => '?').join(', ')})`);
    params.push(...q.verdicts);
  }
  if (q.cluster) {
    conds.push('o.signature = ?');
    params.push(q.cluster);
  }
  if (q.table) {
    conds.push('list_contains(o.tables, ?)');
    params.push(q.table);
  }
  if (q.rule) {
    conds.push('(list_contains(o.base_rules, ?) OR list_contains(o.head_rules, ?))');
    params.push(q.rule, q.rule);
  }
  if (q.text) {
    const like = likePattern(q.text);
    conds.push(`(t.sql ILIKE ? ESCAPE '\\' OR o.fingerprint ILIKE ? ESCAPE '\\' OR o.reason ILIKE ? ESCAPE '\\')`);
    params.push(like, like, like);
  }
  return { sql: conds.join(' AND '), params };
}

function summaryRow(r: Row): OutcomeSummary {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    fingerprint: String(r.fingerprint), verdict: String(r.verdict), reason: String(r.reason), weight: Number(r.weight), count: Number(r.count),
    impact: n(r.impact), costRatio: n(r.cost_ratio), baseMs: n(r.base_ms), headMs: n(r.head_ms), signature: r.signature === null ? null : String(r.signature),
    approved: Boolean(r.approved), tables: ((r.tables as unknown[] | null) ?? []).map(String), sql: String(r.sql),
  };
}
