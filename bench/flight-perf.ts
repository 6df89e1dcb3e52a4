/**
 * The performance statistics of flighting (flighting/perf/) on REAL DuckDB
 * executions: 20 query templates of the `shop` workload on a generated shop
 * database, each executed profiled (`EXPLAIN (ANALYZE, FORMAT JSON)`, one
 * thread) in-process through @duckdb/node-api in the sandbox.
 *
 * (a) A/A: base = head = the same query. A trial is one flight of the 20
 *     templates (measureTemplate each, then Benjamini–Hochberg over the
 *     flight). Reported: the share of template measurements flagged slower or
 *     faster. Target ≤ 1 %.
 * (b) Injected slowdown: head = the same query with one table's scan made
 *     more expensive (an always-true filter of k integer sums per row,
 *     on the first table the query reads), k calibrated in this run so that
 *     head alone measures 1.25 × base (± 0.05, Hodges–Lehmann of 60
 *     interleaved pairs; printed). A trial is that template measured base vs injected head in a
 *     flight with the other 19 templates' A/A measurements of one A/A trial,
 *     BH over the 20. Reported: the share of trials flagged slower. Target ≥ 95 %.
 *
 * The rates are counts over trials, printed with the trial counts; nothing
 * here is a wall-clock threshold. The bench raises its own scheduling
 * priority when allowed (nice −10; printed), as a benchmark on a shared
 * machine should: other processes' bursts are run-to-run noise that only
 * more pairs can average out. The load average at the start is printed.
 *
 *   node --import tsx bench/flight-perf.ts [--scale SF] [--aa-trials N] [--slow-trials N] [--slow-templates N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../compiler/builds/duckdb-database.ts';
import { generateShop } from '../corpus/shop/generate.ts';
import { createRng, QUERY_SHAPES } from '../corpus/shop/query-templates.ts';
import type { ExecuteProfile, ExecuteResult, OperatorProfile } from '../flighting/execute/execute-result.ts';
import { measureTemplate, type Measurement, type Side } from '../flighting/perf/measure.ts';
import { operatorChange } from '../flighting/perf/operator-change.ts';
import { estimateLogShift } from '../flighting/perf/signed-rank.ts';
import { controlFalseDiscoveries } from '../flighting/perf/verdict.ts';

const opt = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const scale = opt('--scale', 0.02);
const aaTrials = opt('--aa-trials', 2);
const slowTrials = opt('--slow-trials', 8);
/** templates the slowdown is injected into (the first ones that calibrate) */
const slowTemplates = opt('--slow-templates', 6);
const TEMPLATES = 20;
const TARGET_AA = 0.01;
const TARGET_DETECT = 0.95;
const INJECTED = 1.25;
const median = (xs: readonly number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** the first table a query reads, with the key column the injected filter hashes */
const KEYS: Record<string, string> = { orders: 'order_id', customers: 'customer_id', products: 'product_id', order_items: 'order_id', payments: 'payment_id', events: 'event_id' };
const FIRST_TABLE = /\bFROM\s+(orders|customers|products|order_items|payments|events)\b(?:\s+(?:AS\s+)?(?!(?:WHERE|JOIN|LEFT|RIGHT|FULL|INNER|GROUP|ORDER|LIMIT|UNION|INTERSECT|EXCEPT|ON|HAVING)\b)([a-z]\w*))?/i;

/**
 * The query with its first table's scan made slower: an always-true filter
 * adding k integer sums and remainders per row, k in tenths (k = 2.3: three
 * terms on 30 % of the rows, two on the rest), summed in chunks so the
 * expression stays shallow. Per-row cost grows ≈ linearly with k.
 */
function injectSlowdown(sql: string, tenths: number): string {
  const m = FIRST_TABLE.exec(sql);
  if (!m) throw new Error(`no table to slow down in: ${sql.slice(0, 80)}`);
  const [whole, table, alias] = m;
  const key = KEYS[table!.toLowerCase()]!;
  const sum = (n: number) => {
    if (n === 0) return '0';
    const terms = Array.from({ length: n }, (_, i) => `(${key} + ${i + 1}) % 7`);
    const chunks: string[] = [];
    for (let i = 0; i < terms.length; i += 32) chunks.push(`(${terms.slice(i, i + 32).join(' + ')})`);
    return chunks.join(' + ');
  };
  const units = Math.floor(tenths / 10);
  const part = tenths % 10;
  const expensive = part ? `CASE WHEN ${key} % 10 < ${part} THEN ${sum(units + 1)} ELSE ${sum(units)} END >= 0` : `${sum(units)} >= 0`;
  return sql.slice(0, m.index) + `FROM (SELECT * FROM ${table} WHERE ${expensive}) AS ${alias ?? table}` + sql.slice(m.index + whole.length);
}

interface JsonNode {
  readonly operator_name?: string;
  readonly operator_type?: string;
  readonly operator_timing?: number;
  readonly operator_cardinality?: number;
  readonly latency?: number;
  readonly cpu_time?: number;
  readonly system_peak_buffer_memory?: number;
  readonly children?: readonly JsonNode[];
}

/** DuckDB's profiling JSON → ExecuteProfile (pre-order, the EXPLAIN_ANALYZE wrapper left out). */
function toProfile(root: JsonNode): ExecuteProfile {
  const operators: OperatorProfile[] = [];
  const walk = (n: JsonNode, depth: number) => {
    const name = n.operator_name ?? n.operator_type ?? '?';
    if (name === 'EXPLAIN_ANALYZE') return n.children?.forEach((c) => walk(c, depth));
    operators.push({ id: operators.length, depth, name, rows: n.operator_cardinality ?? 0, timeMs: (n.operator_timing ?? 0) * 1000 });
    for (const c of n.children ?? []) walk(c, depth + 1);
  };
  for (const c of root.children ?? []) walk(c, 0);
  return { latencyMs: (root.latency ?? 0) * 1000, cpuMs: (root.cpu_time ?? 0) * 1000, peakMemoryBytes: root.system_peak_buffer_memory ?? 0, operators };
}

async function executeTimed(db: Database, sql: string): Promise<ExecuteResult> {
  const t = performance.now();
  try {
    const reader = await db.connection.runAndReadAll(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
    const latencyMs = performance.now() - t;
    const json = String(reader.getRowObjectsJson()[0]!.explain_value);
    return { ok: true, latencyMs, profile: toProfile(JSON.parse(json) as JsonNode) };
  } catch (err) {
    return { ok: false, status: 'error', error: { code: 'build-error', message: err instanceof Error ? err.message : String(err) }, latencyMs: performance.now() - t };
  }
}

async function latencyOf(db: Database, sql: string): Promise<number> {
  const r = await executeTimed(db, sql);
  if (!r.ok) throw new Error(`${r.error.message}\n${sql}`);
  return r.latencyMs;
}

/** Measured head/base for one k: Hodges–Lehmann ratio of `pairs` interleaved base/head pairs (the estimator flights use). */
async function measuredSlowdown(db: Database, sql: string, k: number, pairs: number): Promise<number> {
  const slow = injectSlowdown(sql, k);
  const d: number[] = [];
  for (let i = 0; i < pairs; i++) {
    let b: number;
    let h: number;
    if (i % 2) {
      h = await latencyOf(db, slow);
      b = await latencyOf(db, sql);
    } else {
      b = await latencyOf(db, sql);
      h = await latencyOf(db, slow);
    }
    d.push(Math.log(h) - Math.log(b));
  }
  return Math.exp(estimateLogShift(d, 0.5).estimate);
}

/**
 * k for a 25 % slower head, in tenths. The injected cost is linear in k
 * (per row), so head/base ≈ 1 + c·k: c is estimated where the effect dwarfs
 * the noise (head ≈ 2 × base), k = 0.25 / c, then confirmed on 60 pairs (one
 * correction step). null when the confirmation stays outside ±0.05.
 */
async function calibrate(db: Database, sql: string): Promise<{ k: number; ratio: number; perK: number } | null> {
  const MAX = 40_000;
  await latencyOf(db, injectSlowdown(sql, 10));
  let t = 160;
  let ratio = await measuredSlowdown(db, sql, t, 15);
  for (let i = 0; i < 3 && ratio < 1.6 && t < MAX; i++) {
    t = Math.min(MAX, Math.ceil(t / Math.max(ratio - 1, 0.05))); // aim at head ≈ 2 × base
    ratio = await measuredSlowdown(db, sql, t, 15);
  }
  let perT = (ratio - 1) / t;
  for (let attempt = 0; attempt < 2; attempt++) {
    t = Math.round((INJECTED - 1) / perT);
    if (t < 1 || t > MAX) return null;
    ratio = await measuredSlowdown(db, sql, t, 60);
    if (Math.abs(ratio - INJECTED) <= 0.05) return { k: t, ratio, perK: perT * 10 };
    if (ratio > 1) perT = (ratio - 1) / t;
  }
  return null;
}

let priority = 'normal priority (raising it was not allowed)';
try {
  setPriority(-10);
  priority = 'nice −10';
} catch {
  // not root: measure at normal priority
}
const dir = mkdtempSync(join(tmpdir(), 'fd-bench-flight-perf-'));
try {
  const started = performance.now();
  const { dbPath, tables } = await generateShop({ scale, outDir: dir, seed: 7 });
  const db = await openDatabase(dbPath, { sandbox: true, threads: 1 });
  const rng = createRng(11);
  // the analytic shapes (typically ≥ 10 ms in production); point lookups run in well under a millisecond here, where scheduling noise is the measurement
  const shapes = QUERY_SHAPES.filter((s) => s.kind === 'select' && s.baseMs >= 10 && FIRST_TABLE.test(s.sql(createRng(1)))).slice(0, TEMPLATES);
  const queries = shapes.map((s) => ({ name: s.name, sql: s.sql(rng) }));
  console.log(`shop SF ${scale} (${Object.entries(tables).map(([t, n]) => `${t} ${n}`).join(', ')}); ${queries.length} templates; DuckDB in-process, 1 thread, profiled`);
  console.log(`machine: ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)} at the start; ${priority}`);
  const runner = (base: string, head: string) => (side: Side) => executeTimed(db, side === 'base' ? base : head);
  const measure = async (base: string, head: string): Promise<Measurement> => {
    const m = await measureTemplate(runner(base, head), { templates: queries.length });
    if (!m.ok) throw new Error(`${m.side} failed at ${m.at}: ${m.error.message}`);
    return m;
  };

  // (a) A/A flights
  const aaFlights: Measurement[][] = [];
  let aaFlagged = 0;
  let aaOwnFlagged = 0;
  const aaCalls: Record<string, number> = {};
  const aaPairs: number[] = [];
  const noiseBands: number[] = [];
  for (let t = 0; t < aaTrials; t++) {
    const flight: Measurement[] = [];
    for (const q of queries) flight.push(await measure(q.sql, q.sql));
    aaFlights.push(flight);
    const verdicts = controlFalseDiscoveries(flight);
    for (const [i, v] of verdicts.entries()) {
      aaCalls[v.call] = (aaCalls[v.call] ?? 0) + 1;
      if (v.call === 'slower' || v.call === 'faster') aaFlagged++;
      if (flight[i]!.analysis.call === 'slower' || flight[i]!.analysis.call === 'faster') aaOwnFlagged++;
      aaPairs.push(flight[i]!.pairs);
      if (v.analysis.noiseBand !== null) noiseBands.push(v.analysis.noiseBand);
    }
  }
  const aaN = aaTrials * queries.length;
  const aaShare = aaFlagged / aaN;
  console.log(`\n(a) A/A: ${aaTrials} flights × ${queries.length} templates = ${aaN} measurements (${((performance.now() - started) / 1000).toFixed(0)} s so far)`);
  console.log(`    calls: ${Object.entries(aaCalls).map(([c, n]) => `${c} ${n}`).join(', ')}; flagged by own interval ${aaOwnFlagged}, after BH ${aaFlagged}`);
  console.log(`    pairs per template: median ${median(aaPairs)}, max ${Math.max(...aaPairs)}; A/A noise band: median ${pct(median(noiseBands))}, max ${pct(Math.max(...noiseBands))}`);
  console.log(`    flagged slower/faster: ${aaFlagged}/${aaN} = ${pct(aaShare)} (target ≤ ${pct(TARGET_AA)}) ${aaShare <= TARGET_AA ? 'PASS' : 'MISS'}`);

  // (b) injected slowdown, calibrated in this run
  console.log(`\n(b) injected slowdown: calibration (head alone / base, Hodges–Lehmann of interleaved pairs; target ${INJECTED} ± 0.05)`);
  const injected: { index: number; name: string; head: string; k: number; ratio: number }[] = [];
  for (const [index, q] of queries.entries()) {
    if (injected.length >= slowTemplates) break;
    const c = await calibrate(db, q.sql);
    console.log(`    ${q.name.padEnd(32)} ${c ? `k = ${(c.k / 10).toFixed(1).padStart(6)}  measured ×${c.ratio.toFixed(3)} (60 pairs; ${(100 * c.perK).toFixed(2)} % per unit of k)` : 'not calibrated within ±0.05 (left out)'}`);
    if (c) injected.push({ index, name: q.name, head: injectSlowdown(q.sql, c.k), k: c.k, ratio: c.ratio });
  }
  let trials = 0;
  let detected = 0;
  let ownDetected = 0;
  const estimates: number[] = [];
  const pairs: number[] = [];
  const misses: string[] = [];
  const topOperator: Record<string, number> = {};
  for (let t = 0; t < slowTrials; t++) {
    for (const inj of injected) {
      const m = await measure(queries[inj.index]!.sql, inj.head);
      const flight = aaFlights[t % aaFlights.length]!.map((aa, i) => (i === inj.index ? m : aa));
      const v = controlFalseDiscoveries(flight)[inj.index]!;
      trials++;
      if (v.call === 'slower') detected++;
      else misses.push(`${inj.name} (${v.call}, ×${v.analysis.ratio.ratio.toFixed(3)} [${v.analysis.ratio.lower?.toFixed(3)}, ${v.analysis.ratio.upper?.toFixed(3)}], band ${pct(v.analysis.noiseBand ?? NaN)}, ${m.pairs} pairs)`);
      if (m.analysis.call === 'slower') ownDetected++;
      estimates.push(m.analysis.ratio.ratio);
      pairs.push(m.pairs);
      const baseProfile = m.base.operatorMedians ?? m.base.profile;
      const headProfile = m.head.operatorMedians ?? m.head.profile;
      if (baseProfile && headProfile) {
        const top = operatorChange(baseProfile, headProfile).byTime;
        if (top) topOperator[top.name] = (topOperator[top.name] ?? 0) + 1;
      }
    }
  }
  const rate = trials ? detected / trials : 0;
  console.log(`    ${injected.length} templates calibrated × ${slowTrials} trials = ${trials} trials; estimated head/base: median ×${median(estimates).toFixed(3)}; pairs: median ${median(pairs)}, max ${Math.max(...pairs)}`);
  console.log(`    operator with the largest time change (per-operator medians over the runs): ${Object.entries(topOperator).map(([n, c]) => `${n} ${c}`).join(', ')}`);
  console.log(`    flagged by own interval ${ownDetected}/${trials}; after BH over the flight ${detected}/${trials}`);
  if (misses.length) console.log(`    missed: ${misses.join('; ')}`);
  console.log(`    detection rate: ${detected}/${trials} = ${pct(rate)} (target ≥ ${pct(TARGET_DETECT)}) ${rate >= TARGET_DETECT && trials > 0 ? 'PASS' : 'MISS'}`);
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
  db.close();
  process.exitCode = aaShare <= TARGET_AA && rate >= TARGET_DETECT ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
