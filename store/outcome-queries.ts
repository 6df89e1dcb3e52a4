/**
 * The dashboard's queries over a run's outcomes (the types are in
 * outcome-query.ts): one page, filtered and sorted; the counts behind each
 * filter; outcomes by verdict per run; cost ratios for the distribution
 * chart. Written once for both backends: the few expressions that differ
 * come from the backend's dialect, and every value a user gives is a bound
 * parameter — only the sort column (from a closed list), the direction and
 * clamped integers are spliced into the SQL.
 */
import type { Params, Row, SqlBackend } from './sql-backend.ts';
import { lowerLikeSql, MAX_PAGE, OUTCOME_SORTS, type Facet, type FacetCount, type OutcomeIndexRow, type OutcomePage, type OutcomeQuery, type OutcomeSummary, type VerdictCount } from './outcome-query.ts';

export type OutcomeFilter = Omit<OutcomeQuery, 'limit' | 'offset' | 'sort' | 'order'>;

/**
 * Only the outcomes table is scanned: the text filter reaches the templates
 * through a semi-join on the run's workload, and a page's SQL is fetched for
 * its rows alone (joining 100,000 templates to sort 100,000 outcomes cost
 * more than the rest of the query together).
 */
const OUTCOME_FROM = 'FROM outcomes o';

/**
 * The run's workload, and which text of its templates may be shown and
 * searched: the SQL when its literals were masked at import, else the
 * normalized text (literals as `?`) — a search must not reveal whether an
 * unmasked literal is there either.
 */
export interface RunWorkload {
  readonly name: string;
  readonly text: 'sql' | 'normalized';
}

export async function runWorkload(db: SqlBackend, runId: string): Promise<RunWorkload | null> {
  const [run] = await db.all('SELECT r.workload, w.masking FROM runs r LEFT JOIN workloads w ON w.name = r.workload WHERE r.id = ?', [runId]);
  return run ? { name: String(run.workload), text: run.masking === null || run.masking === undefined ? 'normalized' : 'sql' } : null;
}

export async function queryOutcomes(db: SqlBackend, q: OutcomeQuery): Promise<OutcomePage> {
  const workload = await runWorkload(db, q.runId);
  if (workload === null) return { total: 0, rows: [] };
  const where = await outcomeWhere(db, q, workload);
  const sort = q.sort && Object.hasOwn(OUTCOME_SORTS, q.sort) ? OUTCOME_SORTS[q.sort] : OUTCOME_SORTS.weight;
  const order = q.order === 'asc' ? 'ASC' : 'DESC';
  const limit = clamp(q.limit, MAX_PAGE);
  const offset = clamp(q.offset);
  const [count] = await db.all(`SELECT count(*) AS n ${OUTCOME_FROM} WHERE ${where.sql}`, where.params);
  const rows = await db.allJson(
    `SELECT o.fingerprint, o.verdict, o.reason, o.weight, o.count, o.impact, o.cost_ratio, o.base_ms, o.head_ms, o.signature, o.approved,
            coalesce(o.tables, ${db.dialect.emptyTextList}) AS tables
     ${OUTCOME_FROM} WHERE ${where.sql}
     ORDER BY ${sort} ${order} NULLS LAST, o.fingerprint LIMIT ${limit} OFFSET ${offset}`,
    where.params,
  );
  const sql = await shownTexts(db, workload, rows.map((r) => String(r.fingerprint)));
  return { total: Number(count!.n), rows: rows.map((r) => summaryRow(r, sql.get(String(r.fingerprint)) ?? '')) };
}

/** the text a page shows for each of these templates (SHOWN_CHARS of it; see runWorkload for which text) */
export async function shownTexts(db: SqlBackend, workload: RunWorkload, fingerprints: readonly string[]): Promise<Map<string, string>> {
  const sql = new Map<string, string>();
  if (!fingerprints.length) return sql;
  const texts = await db.all(
    `SELECT fingerprint, left(${workload.text}, ${SHOWN_CHARS}) AS sql FROM templates WHERE workload = ? AND fingerprint IN (${fingerprints.map(() => '?').join(', ')})`,
    [workload.name, ...fingerprints],
  );
  for (const t of texts) sql.set(String(t.fingerprint), String(t.sql));
  return sql;
}

/** how much of a template's text a page row shows */
const SHOWN_CHARS = 240;

/**
 * One slice of a run's outcomes for an in-memory index (outcome-index.ts):
 * every column a page row, a filter or a sort needs, no plans; `after` is
 * the last fingerprint of the previous slice (keyset paging on the primary
 * key, so a slice never reads the rows before it twice).
 */
export async function outcomeIndexSlice(db: SqlBackend, runId: string, after: string | null, limit: number): Promise<OutcomeIndexRow[]> {
  const d = db.dialect;
  // lists as JSON text: converting list values row by row cost DuckDB 3 of its 3.5 s for 100,000 outcomes, and a run has few distinct lists
  const json = (column: string) => `CAST(to_json(coalesce(${column}, ${d.emptyTextList})) AS VARCHAR)`;
  const rows = await db.all(
    `SELECT fingerprint, verdict, reason, weight, count, impact, cost_ratio, base_ms, head_ms, signature, approved,
            ${json('tables')} AS tables, ${json('base_rules')} AS base_rules, ${json('head_rules')} AS head_rules
     FROM outcomes WHERE run_id = ? ${after === null ? '' : 'AND fingerprint > ?'} ORDER BY fingerprint LIMIT ${clamp(limit)}`,
    after === null ? [runId] : [runId, after],
  );
  const lists = new Map<string, string[]>();
  const list = (text: unknown): string[] => {
    const key = String(text);
    let l = lists.get(key);
    // distinct, as the facets count them (one value per outcome)
    if (!l) lists.set(key, (l = [...new Set((JSON.parse(key) as unknown[]).filter((x) => x !== null).map(String))]));
    return l;
  };
  const unions = new Map<string, string[]>();
  return rows.map((r) => {
    const key = `${String(r.base_rules)}\u0000${String(r.head_rules)}`;
    let rules = unions.get(key);
    if (!rules) unions.set(key, (rules = [...new Set([...list(r.base_rules), ...list(r.head_rules)])]));
    return { ...summaryRow({ ...r, tables: list(r.tables) }, ''), rules };
  });
}

/** one slice of the searchable text of a workload's templates (as `outcomeIndexSlice`, by fingerprint) */
export async function templateTextSlice(db: SqlBackend, workload: RunWorkload, after: string | null, limit: number): Promise<{ fingerprint: string; text: string }[]> {
  const rows = await db.all(
    `SELECT fingerprint, ${workload.text} AS text FROM templates WHERE workload = ? ${after === null ? '' : 'AND fingerprint > ?'} ORDER BY fingerprint LIMIT ${clamp(limit)}`,
    after === null ? [workload.name] : [workload.name, after],
  );
  return rows.map((r) => ({ fingerprint: String(r.fingerprint), text: r.text === null || r.text === undefined ? '' : String(r.text) }));
}

/** the approved outcomes of a run (what an approval changes) */
export async function approvedFingerprints(db: SqlBackend, runId: string): Promise<string[]> {
  const rows = await db.all('SELECT fingerprint FROM outcomes WHERE run_id = ? AND approved', [runId]);
  return rows.map((r) => String(r.fingerprint));
}

export async function outcomeFacet(db: SqlBackend, facet: Facet, q: OutcomeFilter): Promise<FacetCount[]> {
  const workload = await runWorkload(db, q.runId);
  if (workload === null) return [];
  const where = await outcomeWhere(db, q, workload);
  const d = db.dialect;
  const value = {
    verdict: 'o.verdict',
    cluster: 'o.signature',
    table: d.unnest(`coalesce(o.tables, ${d.emptyTextList})`),
    // fired by either build: what the rule filter matches (a rule both fired is one value per outcome, hence DISTINCT below)
    rule: d.unnest(d.concatLists(`coalesce(o.base_rules, ${d.emptyTextList})`, `coalesce(o.head_rules, ${d.emptyTextList})`)),
  }[facet];
  const rows = await db.all(
    `SELECT value, count(*) AS n, sum(weight) AS w FROM (SELECT DISTINCT o.fingerprint, o.weight, ${value} AS value ${OUTCOME_FROM} WHERE ${where.sql}) f
     WHERE value IS NOT NULL GROUP BY value ORDER BY n DESC, value LIMIT 200`,
    where.params,
  );
  return rows.map((r) => ({ value: String(r.value), count: Number(r.n), weight: Number(r.w) }));
}

export async function verdictCounts(db: SqlBackend, runIds: readonly string[]): Promise<Map<string, VerdictCount[]>> {
  const out = new Map<string, VerdictCount[]>(runIds.map((id) => [id, []]));
  if (!runIds.length) return out;
  const rows = await db.all(
    `SELECT run_id, verdict, count(*) AS n, sum(weight) AS w, coalesce(sum(impact), 0) AS i FROM outcomes
     WHERE run_id IN (${runIds.map(() => '?').join(', ')}) GROUP BY run_id, verdict ORDER BY run_id, n DESC, verdict`,
    [...runIds],
  );
  for (const r of rows) out.get(String(r.run_id))?.push({ verdict: String(r.verdict), count: Number(r.n), weight: Number(r.w), impact: Number(r.i) });
  return out;
}

export async function costRatios(db: SqlBackend, runId: string, limit: number): Promise<{ fingerprint: string; costRatio: number; verdict: string }[]> {
  const rows = await db.all(
    `SELECT fingerprint, cost_ratio, verdict FROM outcomes WHERE run_id = ? AND cost_ratio IS NOT NULL AND coalesce(base_plan_hash, '') <> coalesce(head_plan_hash, '')
     ORDER BY weight DESC, fingerprint LIMIT ${clamp(limit)}`,
    [runId],
  );
  return rows.map((r) => ({ fingerprint: String(r.fingerprint), costRatio: Number(r.cost_ratio), verdict: String(r.verdict) }));
}

/** a non-negative integer (at most `max`): the only numbers spliced into SQL */
export function clamp(n: number, max = Number.MAX_SAFE_INTEGER): number {
  return Number.isFinite(n) ? Math.max(0, Math.min(max, Math.trunc(n))) : 0;
}

/** the WHERE clause of an outcome query: only placeholders, never a user's text */
async function outcomeWhere(db: SqlBackend, q: OutcomeFilter, workload: RunWorkload): Promise<{ sql: string; params: Params }> {
  const d = db.dialect;
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
    conds.push(d.listContains('o.tables', '?'));
    params.push(q.table);
  }
  if (q.rule) {
    conds.push(`(${d.listContains('o.base_rules', '?')} OR ${d.listContains('o.head_rules', '?')})`);
    params.push(q.rule, q.rule);
  }
  if (q.text) {
    // a substring, not a pattern: the user's `%` and `_` match themselves
    const term = lowerLikeSql(q.text);
    // the templates whose text holds the term, found once and shared by the page, its count and the four facets
    const matches = await textMatches(db, workload, term);
    conds.push(`(${d.containsLower('o.fingerprint')} OR ${d.containsLower('o.reason')} OR o.fingerprint IN (SELECT unnest(${d.listParam('text')})))`);
    params.push(term, term, JSON.stringify(matches));
  }
  return { sql: conds.join(' AND '), params };
}

/** per backend: recent text searches' matching fingerprints (a search box asks for the same term six times at once) */
const MATCHES = new WeakMap<SqlBackend, Map<string, { readonly at: number; readonly value: Promise<string[]> }>>();
const MATCH_MS = 5_000;

function textMatches(db: SqlBackend, workload: RunWorkload, term: string): Promise<string[]> {
  let memo = MATCHES.get(db);
  if (!memo) MATCHES.set(db, (memo = new Map()));
  const key = `${workload.name}\u0000${workload.text}\u0000${term}`;
  const now = Date.now();
  for (const [k, m] of memo) if (now - m.at >= MATCH_MS) memo.delete(k);
  const hit = memo.get(key);
  if (hit) return hit.value;
  const value = db
    .all(`SELECT fingerprint FROM templates WHERE workload = ? AND ${db.dialect.containsLower(workload.text)}`, [workload.name, term])
    .then((rows) => rows.map((r) => String(r.fingerprint)));
  memo.set(key, { at: now, value });
  value.catch(() => memo.delete(key));
  return value;
}

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function summaryRow(r: Row, sql: string): OutcomeSummary {
  return {
    fingerprint: String(r.fingerprint), verdict: String(r.verdict), reason: String(r.reason), weight: Number(r.weight), count: Number(r.count),
    impact: n(r.impact), costRatio: n(r.cost_ratio), baseMs: n(r.base_ms), headMs: n(r.head_ms), signature: r.signature === null ? null : String(r.signature),
    approved: Boolean(r.approved), tables: ((r.tables as unknown[] | null) ?? []).map(String), sql,
  };
}

/**
 * What changes when a run's answers change (null: no such run), as
 * `status:outcomes:approved:workload` — its status, its outcome count, how
 * many of them are approved, and when its workload was last written (a
 * re-import or an in-place `corpus desensitize` replaces the templates' text
 * a page shows and searches, and whether it is masked). Cheap: two counts
 * over one run's rows.
 */
export async function runVersion(db: SqlBackend, runId: string): Promise<string | null> {
  const [r] = await db.allJson(
    `SELECT r.status, (SELECT count(*) FROM outcomes WHERE run_id = ?) AS n, (SELECT count(*) FROM outcomes WHERE run_id = ? AND approved) AS a,
            w.created_at AS w, w.masking IS NULL AS unmasked
     FROM runs r LEFT JOIN workloads w ON w.name = r.workload WHERE r.id = ?`,
    [runId, runId, runId],
  );
  return r ? `${String(r.status)}:${Number(r.n)}:${Number(r.a)}:${String(r.w)}/${String(r.unmasked)}` : null;
}
