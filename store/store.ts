/**
 * The results store: a DuckDB file by default (`.flightdeck/flightdeck.duckdb`)
 * or a PostgreSQL database a team shares (`postgresql://…`), named by
 * `--store` or FLIGHTDECK_STORE, and queryable with plain SQL. Every write
 * is keyed (workload + fingerprint, run + fingerprint) and replaces what was
 * there, so writing an outcome twice — a retried job, a resumed run, two
 * writers at once — leaves exactly one row. Rows are written and read
 * through the column lists in columns.ts, never by position; the SQL is
 * written once, with the few expressions that differ taken from the
 * backend's dialect (sql-backend.ts).
 *
 * Commands that only read (runs, report, gate, approve, corpus show) open it
 * with `{ readOnly: true }`: that never creates or migrates a store, works on
 * a read-only DuckDB file beside other readers, says `not-found` for a
 * mistyped path, and runs read-only sessions on PostgreSQL.
 */
import { resolveStorePath, type OpenStoreOptions } from './store-path.ts';
import { getTemplates, getWorkload, listWorkloads } from './workload-queries.ts';
import { clusterApprovalCandidates, getApproval, insertAudit, listApprovals, listAudit, markApprovals } from './approval-queries.ts';
import { CLUSTERS, decodeRow, DIFFS, encodeRow, FLIGHT_RESULTS, insertSql, lastByKey, OUTCOME_ROWS, OUTCOMES, RUNS, tablesOf, TEMPLATES, WORKLOADS, type Table, type TemplateRow, utcNowSql } from './columns.ts';
import { openDuckDbBackend } from './duckdb-backend.ts';
import { checkSchema, schemaVersion } from './migrate.ts';
import { OutcomeIndex } from './outcome-index.ts';
import { approvedFingerprints, costRatios, outcomeFacet, outcomeIndexSlice, queryOutcomes, runVersion, runWorkload, shownTexts, templateTextSlice, verdictCounts, type OutcomeFilter, type RunWorkload } from './outcome-queries.ts';
import type { AuditEntry, Facet, FacetCount, OutcomePage, OutcomeQuery, VerdictCount } from './outcome-query.ts';
import { openPostgresBackend } from './postgres-backend.ts';
import type { ApprovalRecord, ClusterRecord, DiffRecord, FlightResultRecord, OutcomeRecord, RunRecord, StoredTemplate, WorkloadRecord } from './records.ts';
import { isPostgresUrl, type Params, type Row, type SqlBackend, type SqlSession } from './sql-backend.ts';
import type { ImportResult } from '../corpus/templates/import.ts';

export class Store {
  private constructor(
    private readonly db: SqlBackend,
    /** the file, or the URL without its password (safe to print) */
    readonly path: string,
    readonly readOnly: boolean,
  ) {}

  static async open(path: string = resolveStorePath(), options: OpenStoreOptions = {}): Promise<Store> {
    const readOnly = options.readOnly ?? false;
    const db = isPostgresUrl(path) ? await openPostgresBackend(path, readOnly) : await openDuckDbBackend(path, readOnly, options.idleMs);
    try {
      await checkSchema(db, readOnly);
    } catch (err) {
      await db.close().catch(() => {});
      throw err;
    }
    return new Store(db, db.name, readOnly);
  }

  /** DuckDB closes at once; PostgreSQL's pool has closed its connections when the promise settles */
  close(): Promise<void> {
    return this.db.close();
  }

  private run(sql: string, params?: Params): Promise<void> {
    return this.db.run(sql, params);
  }

  private all(sql: string, params?: Params): Promise<Row[]> {
    return this.db.all(sql, params);
  }

  private allJson(sql: string, params?: Params): Promise<Row[]> {
    return this.db.allJson(sql, params);
  }

  /** upsert `rows` (distinct keys, last wins, in key order) in batches, inside the caller's transaction */
  private async upsert<R>(tx: SqlSession, table: Table<R>, rows: readonly R[], batch = 100): Promise<void> {
    const unique = lastByKey(table, rows);
    for (let i = 0; i < unique.length; i += batch) {
      const part = unique.slice(i, i + batch);
      await tx.run(insertSql(this.db.dialect, table, part.length, { replace: true }), part.flatMap((r) => encodeRow(table, r)));
    }
  }

  /** a replace-all write (delete the set, write the new one): two writers of the same key take turns, so the last one's set is what stays */
  private async lock(tx: SqlSession, key: string): Promise<void> {
    if (this.db.dialect.lockKey) await tx.run(this.db.dialect.lockKey, [key]);
  }

  schemaVersion(): Promise<number> {
    return schemaVersion(this.db);
  }

  /** Write everything to the database file now (after rewriting data in place, so the old pages are released). Nothing to do on PostgreSQL. */
  async checkpoint(): Promise<void> {
    await this.db.checkpoint();
  }

  /** Plain SQL for inspection (tests, ad-hoc tools), in the backend's own dialect (`?` placeholders); product code uses the typed methods below. */
  query(sql: string, params?: Params): Promise<Row[]> {
    return this.allJson(sql, params);
  }

  // ---- workloads and templates ------------------------------------------------

  async saveWorkload(w: WorkloadRecord, templates: readonly StoredTemplate[]): Promise<void> {
    const workloadFields = ['name', 'sources', 'entries', 'rejected', 'rejects', 'masking'] as const;
    const d = this.db.dialect;
    await this.db.transaction(async (tx) => {
      await this.lock(tx, `workload:${w.name}`);
      await tx.run(insertSql(d, WORKLOADS, 1, { replace: true, fields: workloadFields, fixed: { created_at: utcNowSql() } }), encodeRow(WORKLOADS, { ...w, createdAt: '', masking: w.masking ?? null }, workloadFields));
      await tx.run('DELETE FROM templates WHERE workload = ?', [w.name]);
      await this.upsert(tx, TEMPLATES, templates.map((t): TemplateRow => ({ ...t, workload: w.name })), 200);
    });
  }

  /** Keep an import as workload `name` (replacing it): its templates, sources and reject report. */
  saveImport(name: string, r: ImportResult, masking: string | null = null): Promise<void> {
    return this.saveWorkload(
      { name, sources: r.files, entries: r.entries, rejected: r.rejected, rejects: r.rejects.map((x) => ({ ...x, examples: [...x.examples] })), masking },
      r.templates.map(({ firstSource, ...t }) => ({ ...t, source: `${firstSource.file}:${firstSource.line}` })),
    );
  }

  getWorkload(name: string): Promise<WorkloadRecord | null> {
    return getWorkload(this.db, name);
  }

  listWorkloads(): Promise<(WorkloadRecord & { templates: number })[]> {
    return listWorkloads(this.db);
  }

  /** the workload's templates (those named, or all), most frequent first */
  getTemplates(workload: string, fingerprints?: readonly string[]): Promise<StoredTemplate[]> {
    return getTemplates(this.db, workload, fingerprints);
  }

  // ---- runs ---------------------------------------------------------------------

  async createRun(run: Omit<RunRecord, 'createdAt' | 'finishedAt' | 'status' | 'error'>): Promise<void> {
    const fields = ['id', 'kind', 'workload', 'catalog', 'baseSpec', 'headSpec', 'baseDescription', 'headDescription', 'status', 'queue', 'total', 'options'] as const;
    const record: RunRecord = { ...run, status: 'running', createdAt: '', finishedAt: null, error: null };
    await this.run(insertSql(this.db.dialect, RUNS, 1, { fields, fixed: { created_at: utcNowSql() } }), encodeRow(RUNS, record, fields));
  }

  async finishRun(id: string, status: 'done' | 'failed', error?: string): Promise<void> {
    await this.run(`UPDATE runs SET status = ?, finished_at = ${utcNowSql()}, error = ? WHERE id = ?`, [status, error ?? null, id]);
    const after = this.db.dialect.afterRun;
    // housekeeping for the readers: never a reason for the run to fail (a read-only role, a concurrent VACUUM)
    if (after && !this.readOnly) await this.run(after).catch(() => {});
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

  /** every run, newest first; with `runningOr`, only the running runs and those named (what a progress poller reads each second) */
  async listRuns(filter?: { readonly runningOr: readonly string[] }): Promise<(RunRecord & { done: number })[]> {
    const where = filter ? `WHERE r.status = 'running'${filter.runningOr.length ? ` OR r.id IN (${filter.runningOr.map(() => '?').join(', ')})` : ''}` : '';
    const rows = await this.allJson(`SELECT r.*, (SELECT count(*) FROM outcomes o WHERE o.run_id = r.id) AS done FROM runs r ${where} ORDER BY created_at DESC, id`, filter ? [...filter.runningOr] : []);
    return rows.map((r) => ({ ...decodeRow(RUNS, r), done: Number(r.done) }));
  }

  /** the ids of the `limit` most recently created runs that are not running, newest first (nothing counted) */
  async recentFinishedRuns(limit: number): Promise<string[]> {
    const rows = await this.all(`SELECT id FROM runs WHERE status <> 'running' ORDER BY created_at DESC, id LIMIT ${Math.max(0, Math.trunc(limit))}`);
    return rows.map((r) => String(r.id));
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
    await this.db.transaction((tx) => this.writeOutcomes(tx, outcomes, diffs));
  }

  /** saveOutcomes' writes, inside the caller's transaction */
  private async writeOutcomes(tx: SqlSession, outcomes: readonly OutcomeRecord[], diffs: readonly DiffRecord[]): Promise<void> {
    // with the tables either plan scans (`table=[name]` in every build's printed plan), for the dashboard's filter
    await this.upsert(tx, OUTCOME_ROWS, outcomes.map((o) => ({ ...o, tables: tablesOf(o.baseSimplified, o.headSimplified) })));
    // an outcome delivered again without a diff (the plans now match) must not keep its old one;
    // one DELETE per run and batch, not per outcome (it was the coordinator's largest cost)
    for (const [runId, fingerprints] of groupByRun(outcomes)) {
      for (let i = 0; i < fingerprints.length; i += 500) {
        const part = fingerprints.slice(i, i + 500);
        await tx.run(`DELETE FROM diffs WHERE run_id = ? AND fingerprint IN (${part.map(() => '?').join(', ')})`, [runId, ...part]);
      }
    }
    // the last diff delivered for a (run, template) wins, as sequential writes would have it
    await this.upsert(tx, DIFFS, diffs);
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
      ? await this.all(`SELECT * FROM outcomes WHERE run_id = ? AND ${this.db.dialect.listContains(this.db.dialect.listParam('text'), 'verdict')} ORDER BY fingerprint`, [runId, JSON.stringify(options.verdicts)])
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
    await this.db.transaction(async (tx) => {
      await this.upsert(tx, FLIGHT_RESULTS, results);
      await this.writeOutcomes(tx, outcomes, diffs);
    });
  }

  async getFlightResults(runId: string): Promise<FlightResultRecord[]> {
    const rows = await this.all('SELECT * FROM flight_results WHERE run_id = ? ORDER BY fingerprint', [runId]);
    return rows.map((r) => decodeRow(FLIGHT_RESULTS, r));
  }

  async saveClusters(runId: string, clusters: readonly ClusterRecord[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.lock(tx, `clusters:${runId}`);
      await tx.run('DELETE FROM clusters WHERE run_id = ?', [runId]);
      await this.upsert(tx, CLUSTERS, clusters.map((c) => ({ ...c, runId })));
    });
  }

  async getClusters(runId: string): Promise<ClusterRecord[]> {
    const rows = await this.all('SELECT * FROM clusters WHERE run_id = ? ORDER BY templates DESC, weight DESC, signature', [runId]);
    return rows.map((r) => {
      const { runId: _, ...c } = decodeRow(CLUSTERS, r);
      return c;
    });
  }

  /** one change cluster of a run, by its signature */
  async getCluster(runId: string, signature: string): Promise<Omit<ClusterRecord, 'runId'> | null> {
    const rows = await this.all('SELECT * FROM clusters WHERE run_id = ? AND signature = ?', [runId, signature]);
    if (!rows[0]) return null;
    const { runId: _, ...c } = decodeRow(CLUSTERS, rows[0]);
    return c;
  }

  // ---- the dashboard's queries (outcome-queries.ts) ------------------------------------

  /** One page of a run's outcomes, filtered and sorted, with the number that match. */
  queryOutcomes(q: OutcomeQuery): Promise<OutcomePage> {
    return queryOutcomes(this.db, q);
  }

  /** How many outcomes (and how much weight) of the run fall on each value of a facet, under the other filters. */
  outcomeFacet(facet: Facet, q: OutcomeFilter): Promise<FacetCount[]> {
    return outcomeFacet(this.db, facet, q);
  }

  /**
   * The run's outcomes in memory, answering the same pages and facets
   * (outcome-index.ts): read in slices, plans left out. Null: no such run.
   */
  async loadOutcomeIndex(runId: string): Promise<OutcomeIndex | null> {
    const workload = await runWorkload(this.db, runId);
    if (workload === null) return null;
    return OutcomeIndex.load({
      workload,
      outcomes: (after, limit) => outcomeIndexSlice(this.db, runId, after, limit),
      texts: (after, limit) => templateTextSlice(this.db, workload, after, limit),
    });
  }

  /** the run's workload and which of its texts may be shown and searched (its SQL when masked at import, else its normalized text); null: no such run */
  runWorkload(runId: string): Promise<RunWorkload | null> {
    return runWorkload(this.db, runId);
  }

  /** the text a templates page shows for these templates of the workload (an OutcomeIndex's page rows have none) */
  shownTexts(workload: RunWorkload, fingerprints: readonly string[]): Promise<Map<string, string>> {
    return shownTexts(this.db, workload, fingerprints);
  }

  /** the fingerprints of the run's approved outcomes */
  approvedFingerprints(runId: string): Promise<string[]> {
    return approvedFingerprints(this.db, runId);
  }

  /** Per run: outcomes by verdict, with weight and summed impact. */
  verdictCounts(runIds: readonly string[]): Promise<Map<string, VerdictCount[]>> {
    return verdictCounts(this.db, runIds);
  }

  /** Cost ratios of the run's changed plans (for the distribution chart), at most `limit` of them, heaviest first. */
  costRatios(runId: string, limit = 20_000): Promise<{ fingerprint: string; costRatio: number; verdict: string }[]> {
    return costRatios(this.db, runId, limit);
  }

  /**
   * What changes when a run's answers change (null: no such run), as
   * `status:outcomes:approved:workload` — its status, its outcome count, how
   * many of them are approved, and when its workload was last written (a
   * re-import or an in-place `corpus desensitize` replaces the templates'
   * text a page shows and searches, and whether it is masked). Cheap: two
   * counts over one run's rows.
   */
  runVersion(runId: string): Promise<string | null> {
    return runVersion(this.db, runId);
  }

  async getOutcome(runId: string, fingerprint: string): Promise<OutcomeRecord | null> {
    const rows = await this.all('SELECT * FROM outcomes WHERE run_id = ? AND fingerprint = ?', [runId, fingerprint]);
    return rows[0] ? decodeRow(OUTCOMES, rows[0]) : null;
  }

  async getFlightResult(runId: string, fingerprint: string): Promise<FlightResultRecord | null> {
    const rows = await this.all('SELECT * FROM flight_results WHERE run_id = ? AND fingerprint = ?', [runId, fingerprint]);
    return rows[0] ? decodeRow(FLIGHT_RESULTS, rows[0]) : null;
  }

  // ---- approvals and the audit log (approval-queries.ts) -------------------------------

  /**
   * Keep approvals in the store (a team's shared record; the approvals file
   * in the repository can be written from it) and mark the outcomes they
   * cover, in every run, as approved: the same template, head plan AND
   * verdict — approving a plan change never approves a result mismatch or a
   * slowdown a flight found on that plan. Returns how many outcomes were marked.
   */
  saveApprovals(approvals: readonly ApprovalRecord[]): Promise<number> {
    return this.db.transaction((tx) => markApprovals(tx, this.db.dialect, approvals));
  }

  /**
   * saveApprovals and its audit entry in one transaction: no approval is kept
   * without the entry that says who gave it, and no entry without the
   * approval. `audit` gets how many outcomes were marked.
   */
  saveApprovalsAudited(approvals: readonly ApprovalRecord[], audit: (outcomesMarked: number) => Omit<AuditEntry, 'id' | 'at'>): Promise<{ outcomesMarked: number; auditId: number }> {
    return this.db.transaction(async (tx) => {
      const outcomesMarked = await markApprovals(tx, this.db.dialect, approvals);
      return { outcomesMarked, auditId: await insertAudit(tx, audit(outcomesMarked)) };
    });
  }

  /** what approving a change cluster of the run covers (its changed, unapproved outcomes with a head plan), and how many outcomes the cluster has */
  clusterApprovalCandidates(runId: string, signature: string): Promise<{ matched: number; outcomes: { fingerprint: string; headPlanHash: string; verdict: string }[] }> {
    return clusterApprovalCandidates(this.db, runId, signature);
  }

  /** the approval of one template, head plan and verdict, if any */
  getApproval(fingerprint: string, headPlanHash: string, verdict: string): Promise<ApprovalRecord | null> {
    return getApproval(this.db, fingerprint, headPlanHash, verdict);
  }

  listApprovals(): Promise<ApprovalRecord[]> {
    return listApprovals(this.db);
  }

  /** Append one entry to the audit log (who, what, on what, why); returns its id. */
  appendAudit(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<number> {
    return insertAudit(this.db, entry);
  }

  listAudit(limit: number, offset: number): Promise<{ total: number; rows: AuditEntry[] }> {
    return listAudit(this.db, limit, offset);
  }
}

function groupByRun(outcomes: readonly OutcomeRecord[]): Map<string, string[]> {
  const byRun = new Map<string, string[]>();
  for (const o of outcomes) (byRun.get(o.runId) ?? byRun.set(o.runId, []).get(o.runId)!).push(o.fingerprint);
  for (const fingerprints of byRun.values()) fingerprints.sort();
  return byRun;
}

