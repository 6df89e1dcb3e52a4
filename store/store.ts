/**
 * The results store: one DuckDB file (default `.flightdeck/flightdeck.duckdb`,
 * `--store PATH` or FLIGHTDECK_STORE), queryable with plain SQL. Every write
 * is keyed (workload + fingerprint, run + fingerprint) and replaces what was
 * there, so writing an outcome twice — a retried job, a resumed run — leaves
 * exactly one row.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openDatabase, type Database, type Params, type Row } from '../compiler/builds/duckdb-database.ts';
import { FlightdeckError } from '../compiler/errors.ts';
import { MIGRATIONS } from './migrations.ts';
import type { OutcomeRecord, RunRecord, StoredTemplate, WorkloadRecord, ClusterRecord, DiffRecord } from './records.ts';
import type { ImportResult } from '../corpus/templates/import.ts';

export const DEFAULT_STORE_PATH = '.flightdeck/flightdeck.duckdb';

export function resolveStorePath(explicit?: string): string {
  return resolve(explicit ?? process.env.FLIGHTDECK_STORE ?? DEFAULT_STORE_PATH);
}

const json = (v: unknown) => JSON.stringify(v);

export class Store {
  /** one connection: transactions must not interleave, so writers queue here */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(readonly db: Database) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => {});
    return next;
  }

  private async transaction(fn: () => Promise<void>): Promise<void> {
    await this.exclusive(async () => {
      await this.db.run('BEGIN TRANSACTION');
      try {
        await fn();
        await this.db.run('COMMIT');
      } catch (err) {
        await this.db.run('ROLLBACK');
        throw err;
      }
    });
  }

  static async open(path: string = resolveStorePath()): Promise<Store> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let db: Database;
    try {
      db = await openDatabase(path);
    } catch (err) {
      const msg = (err as Error).message;
      if (/could not set lock|conflicting lock/i.test(msg)) {
        throw new FlightdeckError('environment-error', `the store ${path} is in use by another flightdeck process (DuckDB allows one writer); wait for it or pass --store`, { location: { file: path }, cause: err });
      }
      throw err;
    }
    const store = new Store(db);
    await store.migrate();
    return store;
  }

  close(): void {
    this.db.close();
  }

  async schemaVersion(): Promise<number> {
    const rows = await this.db.all('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    return Number(rows[0]!.v);
  }

  private async migrate(): Promise<void> {
    await this.db.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)');
    const current = await this.schemaVersion();
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await this.db.run('BEGIN TRANSACTION');
      try {
        await this.db.run(m.sql);
        await this.db.run('INSERT INTO schema_migrations VALUES (?, ?, now())', [m.version, m.name]);
        await this.db.run('COMMIT');
      } catch (err) {
        await this.db.run('ROLLBACK');
        throw new FlightdeckError('io-error', `store migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  /** Run plain SQL against the store (read-only use by reports and the CLI `store query`). */
  query(sql: string, params?: Params): Promise<Row[]> {
    return this.db.allJson(sql, params);
  }

  // ---- workloads and templates ------------------------------------------------

  async saveWorkload(w: WorkloadRecord, templates: readonly StoredTemplate[]): Promise<void> {
    await this.transaction(async () => {
      await this.db.run('DELETE FROM templates WHERE workload = ?', [w.name]);
      await this.db.run('INSERT OR REPLACE INTO workloads VALUES (?, now(), ?, ?, ?, ?)', [w.name, json(w.sources), w.entries, w.rejected, json(w.rejects)]);
      for (let i = 0; i < templates.length; i += 200) {
        const batch = templates.slice(i, i + 200);
        const values: (string | number | null)[] = [];
        for (const t of batch) {
          values.push(
            w.name, t.fingerprint, t.normalized, t.sql, t.count, t.errorCount, t.totalDurationMs, t.meanDurationMs, t.weight, t.durationShare,
            json(t.users), json(t.projects), json(t.priorities), t.firstSeen, t.lastSeen, t.source,
          );
        }
        const row = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, from_json(?, '["VARCHAR"]'), from_json(?, '["VARCHAR"]'), from_json(?, '["DOUBLE"]'), ?, ?, ?)`;
        await this.db.run(`INSERT INTO templates VALUES ${batch.map(() => row).join(', ')}`, values);
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
    const rows = await this.db.allJson('SELECT * FROM workloads WHERE name = ?', [name]);
    const r = rows[0];
    if (!r) return null;
    return { name: String(r.name), sources: JSON.parse(String(r.sources)), entries: Number(r.entries), rejected: Number(r.rejected), rejects: JSON.parse(String(r.rejects)), createdAt: String(r.created_at) };
  }

  async listWorkloads(): Promise<(WorkloadRecord & { templates: number })[]> {
    const rows = await this.db.allJson('SELECT w.*, (SELECT count(*) FROM templates t WHERE t.workload = w.name) AS n FROM workloads w ORDER BY name');
    return rows.map((r) => ({
      name: String(r.name), sources: JSON.parse(String(r.sources)), entries: Number(r.entries), rejected: Number(r.rejected),
      rejects: JSON.parse(String(r.rejects)), createdAt: String(r.created_at), templates: Number(r.n),
    }));
  }

  async getTemplates(workload: string, fingerprints?: readonly string[]): Promise<StoredTemplate[]> {
    const rows = fingerprints
      ? await this.db.all(`SELECT * FROM templates WHERE workload = ? AND list_contains(from_json(?, '["VARCHAR"]'), fingerprint) ORDER BY count DESC, fingerprint`, [workload, json(fingerprints)])
      : await this.db.all('SELECT * FROM templates WHERE workload = ? ORDER BY count DESC, fingerprint', [workload]);
    return rows.map(templateFromRow);
  }

  // ---- runs ---------------------------------------------------------------------

  async createRun(run: Omit<RunRecord, 'createdAt' | 'finishedAt' | 'status' | 'error'>): Promise<void> {
    await this.db.run(
      `INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, now(), NULL, NULL)`,
      [run.id, run.kind, run.workload, run.catalog, run.baseSpec, run.headSpec, run.baseDescription, run.headDescription, run.queue, run.total, json(run.options)],
    );
  }

  async finishRun(id: string, status: 'done' | 'failed', error?: string): Promise<void> {
    await this.db.run('UPDATE runs SET status = ?, finished_at = now(), error = ? WHERE id = ?', [status, error ?? null, id]);
  }

  async reopenRun(id: string): Promise<void> {
    await this.db.run(`UPDATE runs SET status = 'running', finished_at = NULL, error = NULL WHERE id = ?`, [id]);
  }

  async setRunDescriptions(id: string, base: string, head: string): Promise<void> {
    await this.db.run('UPDATE runs SET base_description = ?, head_description = ? WHERE id = ?', [base, head, id]);
  }

  async getRun(id: string): Promise<(RunRecord & { done: number }) | null> {
    const rows = await this.db.allJson('SELECT r.*, (SELECT count(*) FROM outcomes o WHERE o.run_id = r.id) AS done FROM runs r WHERE id = ?', [id]);
    return rows[0] ? { ...runFromRow(rows[0]), done: Number(rows[0].done) } : null;
  }

  async listRuns(): Promise<(RunRecord & { done: number })[]> {
    const rows = await this.db.allJson('SELECT r.*, (SELECT count(*) FROM outcomes o WHERE o.run_id = r.id) AS done FROM runs r ORDER BY created_at DESC, id');
    return rows.map((r) => ({ ...runFromRow(r), done: Number(r.done) }));
  }

  /** Fingerprints that have an outcome in the run (cheap: no plans are read). */
  async outcomeFingerprints(runId: string): Promise<Set<string>> {
    const rows = await this.db.all('SELECT fingerprint FROM outcomes WHERE run_id = ?', [runId]);
    return new Set(rows.map((r) => String(r.fingerprint)));
  }

  /** Fingerprints of the run's workload that have no outcome yet (what a resumed run still has to do). */
  async pendingFingerprints(runId: string): Promise<string[]> {
    const rows = await this.db.all(
      `SELECT t.fingerprint FROM runs r JOIN templates t ON t.workload = r.workload
       WHERE r.id = ? AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.run_id = r.id AND o.fingerprint = t.fingerprint)
       ORDER BY t.count DESC, t.fingerprint`,
      [runId],
    );
    return rows.map((r) => String(r.fingerprint));
  }

  // ---- outcomes, diffs, clusters ------------------------------------------------------

  /** Idempotent: an outcome written twice for the same run and template is one row. */
  async saveOutcomes(outcomes: readonly OutcomeRecord[], diffs: readonly DiffRecord[] = []): Promise<void> {
    if (!outcomes.length && !diffs.length) return;
    await this.transaction(async () => {
      for (let i = 0; i < outcomes.length; i += 100) {
        const batch = outcomes.slice(i, i + 100);
        const row = `(${Array(20).fill('?').join(', ')}, from_json(?, '["VARCHAR"]'), from_json(?, '["VARCHAR"]'), from_json(?, '["VARCHAR"]'), ?, ?, ?, ?, ?, ?, ?, ?)`;
        const values: (string | number | boolean | null)[] = [];
        for (const o of batch) {
          values.push(
            o.runId, o.fingerprint, o.verdict, o.reason, o.weight, o.count, o.baseStatus, o.headStatus, o.baseCost, o.headCost,
            finiteOrNull(o.costRatio), o.impact, o.basePlanHash, o.headPlanHash, o.baseSimplified, o.headSimplified, o.baseExplain, o.headExplain,
            o.baseError ? json(o.baseError) : null, o.headError ? json(o.headError) : null,
            json(o.baseRules), json(o.headRules), json(o.rulesDiff), o.baseMs, o.headMs, o.signature, o.approved, o.worker,
            finiteOrNull(o.baseEstimatorRatio), finiteOrNull(o.headEstimatorRatio), o.recost,
          );
        }
        await this.db.run(`INSERT OR REPLACE INTO outcomes VALUES ${batch.map(() => row).join(', ')}`, values);
      }
      // an outcome delivered again without a diff (the plans now match) must not keep its old one
      for (const o of outcomes) await this.db.run('DELETE FROM diffs WHERE run_id = ? AND fingerprint = ?', [o.runId, o.fingerprint]);
      for (const d of diffs) {
        await this.db.run('INSERT OR REPLACE INTO diffs VALUES (?, ?, ?, ?, ?)', [d.runId, d.fingerprint, json(d.edits), d.textDiff, d.description]);
      }
    });
  }

  async getOutcomes(runId: string, options: { verdicts?: readonly string[] } = {}): Promise<OutcomeRecord[]> {
    const rows = options.verdicts
      ? await this.db.all(`SELECT * FROM outcomes WHERE run_id = ? AND list_contains(from_json(?, '["VARCHAR"]'), verdict) ORDER BY fingerprint`, [runId, json(options.verdicts)])
      : await this.db.all('SELECT * FROM outcomes WHERE run_id = ? ORDER BY fingerprint', [runId]);
    return rows.map(outcomeFromRow);
  }

  async getDiff(runId: string, fingerprint: string): Promise<DiffRecord | null> {
    const rows = await this.db.all('SELECT * FROM diffs WHERE run_id = ? AND fingerprint = ?', [runId, fingerprint]);
    const r = rows[0];
    return r ? { runId, fingerprint, edits: JSON.parse(String(r.edits)), textDiff: String(r.text_diff), description: String(r.description) } : null;
  }

  async saveClusters(runId: string, clusters: readonly ClusterRecord[]): Promise<void> {
    await this.transaction(async () => {
      await this.db.run('DELETE FROM clusters WHERE run_id = ?', [runId]);
      for (const c of clusters) {
        await this.db.run('INSERT INTO clusters VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [runId, c.signature, c.description, c.templates, c.weight, c.impact, json(c.verdicts), c.example]);
      }
    });
  }

  async getClusters(runId: string): Promise<ClusterRecord[]> {
    const rows = await this.db.all('SELECT * FROM clusters WHERE run_id = ? ORDER BY templates DESC, weight DESC, signature', [runId]);
    return rows.map((r) => ({
      signature: String(r.signature), description: String(r.description), templates: Number(r.templates), weight: Number(r.weight),
      impact: Number(r.impact), verdicts: JSON.parse(String(r.verdicts)), example: String(r.example),
    }));
  }
}

function finiteOrNull(n: number | null): number | null {
  return n === null || !Number.isFinite(n) ? null : n;
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function templateFromRow(r: Row): StoredTemplate {
  return {
    fingerprint: String(r.fingerprint), normalized: String(r.normalized), sql: String(r.sql), count: Number(r.count), errorCount: Number(r.error_count),
    totalDurationMs: Number(r.total_duration_ms), meanDurationMs: num(r.mean_duration_ms), weight: Number(r.weight), durationShare: Number(r.duration_share),
    users: (r.users as string[]) ?? [], projects: (r.projects as string[]) ?? [], priorities: ((r.priorities as number[]) ?? []).map(Number),
    firstSeen: str(r.first_seen), lastSeen: str(r.last_seen), source: String(r.source),
  };
}

function runFromRow(r: Row): RunRecord {
  return {
    id: String(r.id), kind: String(r.kind) as RunRecord['kind'], workload: String(r.workload), catalog: String(r.catalog), baseSpec: String(r.base_spec),
    headSpec: String(r.head_spec), baseDescription: str(r.base_description), headDescription: str(r.head_description), status: String(r.status) as RunRecord['status'],
    queue: String(r.queue), total: Number(r.total), options: JSON.parse(String(r.options)), createdAt: String(r.created_at), finishedAt: str(r.finished_at), error: str(r.error),
  };
}

function outcomeFromRow(r: Row): OutcomeRecord {
  return {
    runId: String(r.run_id), fingerprint: String(r.fingerprint), verdict: String(r.verdict) as OutcomeRecord['verdict'], reason: String(r.reason),
    weight: Number(r.weight), count: Number(r.count), baseStatus: String(r.base_status), headStatus: String(r.head_status), baseCost: num(r.base_cost),
    headCost: num(r.head_cost), costRatio: num(r.cost_ratio), impact: num(r.impact), basePlanHash: str(r.base_plan_hash), headPlanHash: str(r.head_plan_hash),
    baseSimplified: str(r.base_simplified), headSimplified: str(r.head_simplified), baseExplain: str(r.base_explain), headExplain: str(r.head_explain),
    baseError: r.base_error ? JSON.parse(String(r.base_error)) : null, headError: r.head_error ? JSON.parse(String(r.head_error)) : null,
    baseRules: (r.base_rules as string[]) ?? [], headRules: (r.head_rules as string[]) ?? [], rulesDiff: (r.rules_diff as string[]) ?? [],
    baseMs: num(r.base_ms), headMs: num(r.head_ms), signature: str(r.signature), approved: Boolean(r.approved), worker: str(r.worker),
    baseEstimatorRatio: num(r.base_estimator_ratio), headEstimatorRatio: num(r.head_estimator_ratio), recost: str(r.recost),
  };
}
