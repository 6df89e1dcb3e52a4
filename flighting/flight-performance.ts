/**
 * The performance half of flying one template, and the flight-wide
 * false-discovery control. flighting/perf/ holds the statistics (interleaved
 * base, head, base-again rounds; the A/A noise band; a sequential exact
 * signed-rank test; Benjamini–Hochberg); this file runs a measurement for
 * the flight, turns it into stored evidence, and re-applies BH over every
 * template of the flight once all jobs are in (a job sees only its batch).
 */
import type { FlightOperators, FlightResultRecord, Verdict } from '../store/records.ts';
import type { ExecuteFailureStatus, ExecuteProfile, ExecuteResult } from './execute/execute-result.ts';
import type { Correctness } from './flight-correctness.ts';
import { flightVerdict, type Performance } from './flight-verdict.ts';
import { DEFAULT_MEASURE, measureTemplate, type Measurement, type Side } from './perf/measure.ts';
import { operatorChange, type OperatorChange } from './perf/operator-change.ts';
import { judgeTemplate, benjaminiHochbergCutoff } from './perf/verdict.ts';

export interface PerfSettings {
  /** a change below this share is never slower/faster (0.1 = 10%) */
  readonly threshold: number;
  /** confidence of each template's interval */
  readonly confidence: number;
  /** false discovery rate over the flight's templates */
  readonly falseDiscoveryRate: number;
  readonly warmup: number;
  readonly minPairs: number;
  readonly maxPairs: number;
  /** wall time per template's measurement, ms */
  readonly budgetMs: number;
  /** how many templates the flight measures (the sequential test's early stop is valid for BH over that many) */
  readonly templates: number;
}

export const DEFAULT_PERF_SETTINGS: PerfSettings = {
  threshold: 0.1,
  confidence: 0.95,
  falseDiscoveryRate: 0.05,
  warmup: DEFAULT_MEASURE.warmup,
  minPairs: DEFAULT_MEASURE.minPairs,
  maxPairs: DEFAULT_MEASURE.maxPairs,
  budgetMs: 20_000,
  templates: 1,
};

/** The measured half of a flight result (the same fields), its call and its one line. */
export interface PerformanceDecision extends Pick<FlightResultRecord, 'ratio' | 'ratioLow' | 'ratioHigh' | 'noise' | 'pValue' | 'baseMs' | 'headMs' | 'pairs' | 'operatorChange' | 'operators'> {
  readonly performance: Performance;
  readonly detail: string;
  /** the measurement stopped because a side failed (a timeout, out of memory…): that side's failure */
  readonly failure?: { readonly side: Side; readonly status: ExecuteFailureStatus; readonly message: string };
}

export async function measurePerformance(run: (side: Side) => Promise<ExecuteResult>, settings: PerfSettings, timings: { executeMs: number; statisticsMs: number }): Promise<PerformanceDecision> {
  const t0 = performance.now();
  const executed0 = timings.executeMs;
  const policy = { threshold: settings.threshold, confidence: settings.confidence };
  try {
    const m = await measureTemplate(run, {
      warmup: settings.warmup, minPairs: settings.minPairs, maxPairs: Math.max(settings.minPairs, settings.maxPairs), budgetMs: settings.budgetMs,
      policy, templates: settings.templates, falseDiscoveryRate: settings.falseDiscoveryRate,
    });
    if (!m.ok) {
      return {
        ...EMPTY,
        pairs: m.rounds.length,
        detail: `timing stopped: the ${m.side} ${m.status} (${m.at === 'warmup' ? 'warm-up' : `round ${m.at}`}): ${m.error.message}`,
        failure: { side: m.side, status: m.status, message: m.error.message },
      };
    }
    return fromMeasurement(m, judgeTemplate(m, policy));
  } finally {
    timings.statisticsMs += performance.now() - t0 - (timings.executeMs - executed0);
  }
}

const EMPTY = { performance: 'not-measured', ratio: null, ratioLow: null, ratioHigh: null, noise: null, pValue: null, baseMs: null, headMs: null, pairs: 0, operatorChange: null, operators: null } as const;

function fromMeasurement(m: Measurement, judged: ReturnType<typeof judgeTemplate>): PerformanceDecision {
  const a = judged.analysis;
  const ops = opsChange(m.base.operatorMedians ?? m.base.profile, m.head.operatorMedians ?? m.head.profile);
  const pct = (x: number) => `${x >= 1 ? '+' : ''}${((x - 1) * 100).toFixed(1)}%`;
  const interval = a.ratio.lower !== null && a.ratio.upper !== null ? ` [${pct(a.ratio.lower)}, ${pct(a.ratio.upper)}]` : '';
  const noise = a.noiseBand === null ? 'unbounded' : `±${(a.noiseBand * 100).toFixed(1)}%`;
  return {
    performance: judged.call,
    ratio: a.ratio.ratio,
    ratioLow: a.ratio.lower,
    ratioHigh: a.ratio.upper,
    noise: a.noiseBand,
    pValue: a.pFlag,
    baseMs: m.base.medianLatencyMs,
    headMs: m.head.medianLatencyMs,
    pairs: m.pairs,
    operatorChange: ops,
    operators: profiledOperators(m.base.operatorMedians ?? m.base.profile, m.head.operatorMedians ?? m.head.profile),
    detail: `time ${pct(a.ratio.ratio)}${interval} (A/A noise ${noise}, ${m.pairs} pairs, ${m.stop})${ops ? `; most changed: ${ops.description}` : ''}`,
  };
}

const operatorActuals = (o: ExecuteProfile['operators'][number]) => ({ name: o.name, depth: o.depth, rows: o.rows, timeMs: o.timeMs });

/** every operator's actuals on both sides (the dashboard maps them onto the plan trees); null without both profiles */
function profiledOperators(base: ExecuteProfile | undefined, head: ExecuteProfile | undefined): FlightOperators | null {
  if (!base || !head) return null;
  return { base: base.operators.map(operatorActuals), head: head.operators.map(operatorActuals) };
}

function opsChange(base: ExecuteProfile | undefined, head: ExecuteProfile | undefined): (OperatorChange & { readonly description: string; readonly by: 'time' | 'rows' }) | null {
  if (!base || !head) return null;
  const r = operatorChange(base, head);
  // rows that changed say more than time that moved (time moves with noise)
  const pick = r.byRows ?? r.byTime;
  if (!pick) return null;
  const by = r.byRows ? 'rows' : 'time';
  const description =
    by === 'rows'
      ? `${pick.name} rows ${pick.baseRows} → ${pick.headRows}`
      : `${pick.name} ${pick.baseTimeMs.toFixed(2)} → ${pick.headTimeMs.toFixed(2)} ms`;
  return { ...pick, description, by };
}

/**
 * Benjamini–Hochberg over every measured template of the flight: a template
 * flagged slower/faster by its own interval keeps the flag only when its
 * p-value is among the discoveries at the flight's false discovery rate;
 * otherwise its timing becomes `inconclusive`. Returns the results that
 * change, with their new verdicts.
 */
export function controlFlightDiscoveries(results: readonly FlightResultRecord[], settings: PerfSettings): { result: FlightResultRecord; verdict: Verdict }[] {
  const measured = results.filter((r) => r.pValue !== null && (r.performance === 'slower' || r.performance === 'faster' || r.performance === 'same' || r.performance === 'inconclusive'));
  const cutoff = benjaminiHochbergCutoff(measured.map((r) => r.pValue!), settings.falseDiscoveryRate);
  return measured
    .filter((r) => (r.performance === 'slower' || r.performance === 'faster') && !(r.pValue! <= cutoff))
    .map((r) => {
      const detail = `${r.detail}; ${r.performance} by its own interval, but not a discovery at a ${(settings.falseDiscoveryRate * 100).toFixed(0)}% false discovery rate over ${measured.length} templates`;
      const result: FlightResultRecord = { ...r, performance: 'inconclusive', detail };
      return { result, verdict: flightVerdict(r.correctness as Correctness, 'inconclusive') };
    });
}
