/**
 * The measurement schedule of one template: warm-up, then rounds of three
 * interleaved executions — base, head and base again — until the sequential
 * test is decisive, maxPairs is reached or the time budget is spent.
 *
 * Why a second base run per round (A B A′) rather than plain A B pairs with
 * the A/A taken from the base runs split in halves:
 * - the A/A comparison gets as many pairs as the A/B one, each taken the
 *   same way (neighbouring runs in one round), so the noise band is
 *   measured at the resolution of the A/B interval it guards, from the
 *   first look on (halves would give n/2 pairs, further apart in time);
 * - the extra run is not spent on the A/A alone: head is compared with the
 *   mean of the round's two base log-latencies, whose variance is 1.5σ²
 *   per round instead of 2σ² for a single base run;
 * - the six orders of {base, base again, head} are cycled so head runs
 *   first, second and third equally often (which build goes first
 *   alternates) and the two base runs swap places every round: drift and
 *   warm-cache position effects cancel in both comparisons.
 *
 * The runner is injected: it executes the template once on the given side
 * (mode `time`) and says how it went. A failure (`ok: false`) or a throw
 * stops the measurement and is reported with where it happened.
 */
import { FlightdeckError, toFlightdeckError } from '../../compiler/errors.ts';
import type { ExecuteFailureStatus, ExecuteProfile, ExecuteResult, ExecuteSuccess } from '../execute/execute-result.ts';
import { analysePairs, DEFAULT_PERF_POLICY, type PairedAnalysis, type PerfPolicy, type Round, type RoundRun } from './paired-analysis.ts';
import { lookSchedule } from './sequential.ts';

export type Side = 'base' | 'head';
export type SideRunner = (side: Side) => Promise<ExecuteResult>;

export interface MeasureOptions {
  /** warm-up executions per side before measuring, default 1 */
  readonly warmup?: number;
  /** pairs (rounds) before the first look, default 10 */
  readonly minPairs?: number;
  /** pairs at most, default 192 (looks at 10, 15, 23, 35, 53, 80, 120 and 192 pairs); budgetMs bounds slow templates */
  readonly maxPairs?: number;
  /** wall time for the template, warm-up included, default 60 s; when spent, the test looks once more and stops */
  readonly budgetMs?: number;
  /** threshold and confidence the stopping rule judges with (the verdict uses the same rule) */
  readonly policy?: PerfPolicy;
  /**
   * how many templates the flight tests (default 1) and the false discovery
   * rate it will be controlled at (default 0.05, see verdict.ts): a
   * `slower`/`faster` call stops the measurement early only once its p-value
   * is at most q / templates, which Benjamini–Hochberg keeps whatever the
   * other templates show; a flag short of that goes on measuring to
   * maxPairs. (At 1,000 templates a clear case needs ≈ 20 pairs: the exact
   * test's p-value cannot go below 2⁻ⁿ.) `same` stops at once.
   */
  readonly templates?: number;
  readonly falseDiscoveryRate?: number;
  /** the clock, ms (tests inject one; default performance.now) */
  readonly now?: () => number;
}

export const DEFAULT_MEASURE = { warmup: 1, minPairs: 10, maxPairs: 192, budgetMs: 60_000 } as const;

/** The six orders, cycled: head in each position, the base runs swapping places each round. */
export const ROUND_ORDERS: readonly (readonly RoundRun[])[] = [
  ['head', 'base', 'base-again'],
  ['base-again', 'head', 'base'],
  ['base', 'base-again', 'head'],
  ['head', 'base-again', 'base'],
  ['base', 'head', 'base-again'],
  ['base-again', 'base', 'head'],
];

export interface SideSummary {
  /** median latency over the side's measured runs, ms (base: both base runs of every round) */
  readonly medianLatencyMs: number;
  readonly medianCpuMs?: number;
  readonly medianPeakMemoryBytes?: number;
  /** the profile of the run whose latency is the (lower) median */
  readonly profile?: ExecuteProfile;
  /**
   * when every run of the side profiled the same plan shape: per operator
   * the median of its time and rows over the runs (one run's operator times
   * are as noisy as its latency; this is what operator-change.ts should
   * compare when present)
   */
  readonly operatorMedians?: ExecuteProfile;
}

export interface MeasurementLook {
  /** 0-based index of the look that ended the measurement, in `schedule` */
  readonly index: number;
  /** planned pair counts of the looks */
  readonly schedule: readonly number[];
}

export type StopReason = 'decisive' | 'max-pairs' | 'budget';

export interface Measurement {
  readonly ok: true;
  readonly pairs: number;
  readonly stop: StopReason;
  readonly look: MeasurementLook;
  readonly rounds: readonly Round[];
  /** the analysis at the final look under the policy measured with */
  readonly analysis: PairedAnalysis;
  readonly policy: PerfPolicy;
  /** head/base CPU time (Hodges–Lehmann, same pairing) when every run reported CPU time */
  readonly cpuRatio?: number;
  readonly base: SideSummary;
  readonly head: SideSummary;
}

export interface MeasurementFailure {
  readonly ok: false;
  readonly side: Side;
  /** `warmup` or the 1-based round */
  readonly at: 'warmup' | number;
  readonly status: ExecuteFailureStatus;
  readonly error: { readonly code: string; readonly message: string };
  /** rounds completed before the failure */
  readonly rounds: readonly Round[];
}

export type MeasureResult = Measurement | MeasurementFailure;

interface Run {
  readonly latencyMs: number;
  readonly profile?: ExecuteProfile;
}

class StopOnFailure extends Error {
  constructor(readonly side: Side, readonly status: ExecuteFailureStatus, readonly failure: { code: string; message: string }) {
    super(failure.message);
  }
}

async function execute(run: SideRunner, side: Side): Promise<ExecuteSuccess> {
  let r: ExecuteResult;
  try {
    r = await run(side);
  } catch (err) {
    const e = toFlightdeckError(err);
    throw new StopOnFailure(side, 'crash', { code: e.code, message: e.message });
  }
  if (!r.ok) throw new StopOnFailure(side, r.status, { code: r.error.code, message: r.error.message });
  if (!(r.latencyMs > 0) || !Number.isFinite(r.latencyMs)) {
    throw new StopOnFailure(side, 'error', { code: 'protocol-error', message: `the ${side} run reported latency ${r.latencyMs} ms; a positive finite number is needed` });
  }
  return r;
}

function checkOptions(o: { warmup: number; budgetMs: number }, policy: PerfPolicy): void {
  if (!Number.isInteger(o.warmup) || o.warmup < 0) throw new FlightdeckError('usage-error', `warmup must be an integer ≥ 0, got ${o.warmup}`);
  if (!(o.budgetMs > 0)) throw new FlightdeckError('usage-error', `budgetMs must be positive, got ${o.budgetMs}`);
  if (!(policy.threshold >= 0) || !Number.isFinite(policy.threshold)) throw new FlightdeckError('usage-error', `threshold must be ≥ 0, got ${policy.threshold}`);
  if (!(policy.confidence > 0 && policy.confidence < 1)) throw new FlightdeckError('usage-error', `confidence must be in (0, 1), got ${policy.confidence}`);
}

const medianOf = (xs: readonly number[]): number | undefined => {
  if (!xs.length) return undefined;
  const s = xs.toSorted((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const planShape = (p: ExecuteProfile) => p.operators.map((o) => `${o.depth}:${o.name}`).join('|');

/** Per-operator medians over runs whose profiles have one shape; undefined otherwise. */
function operatorMedians(runs: readonly Run[]): ExecuteProfile | undefined {
  const profiles = runs.map((r) => r.profile);
  if (!profiles.length || profiles.some((p) => !p)) return undefined;
  const first = profiles[0]!;
  if (profiles.some((p) => planShape(p!) !== planShape(first))) return undefined;
  const cpu = profiles.map((p) => p!.cpuMs).filter((x): x is number => x !== undefined);
  const mem = profiles.map((p) => p!.peakMemoryBytes).filter((x): x is number => x !== undefined);
  return {
    latencyMs: medianOf(profiles.map((p) => p!.latencyMs))!,
    ...(cpu.length === profiles.length ? { cpuMs: medianOf(cpu)! } : {}),
    ...(mem.length === profiles.length ? { peakMemoryBytes: medianOf(mem)! } : {}),
    operators: first.operators.map((o, i) => ({ ...o, rows: medianOf(profiles.map((p) => p!.operators[i]!.rows))!, timeMs: medianOf(profiles.map((p) => p!.operators[i]!.timeMs))! })),
  };
}

function summarise(runs: readonly Run[]): SideSummary {
  const byLatency = runs.toSorted((a, b) => a.latencyMs - b.latencyMs);
  const mid = byLatency[Math.floor((byLatency.length - 1) / 2)];
  const cpu = runs.map((r) => r.profile?.cpuMs).filter((x): x is number => x !== undefined);
  const mem = runs.map((r) => r.profile?.peakMemoryBytes).filter((x): x is number => x !== undefined);
  const medianCpuMs = cpu.length === runs.length ? medianOf(cpu) : undefined;
  const medianPeakMemoryBytes = mem.length === runs.length ? medianOf(mem) : undefined;
  const perOperator = operatorMedians(runs);
  return {
    medianLatencyMs: medianOf(runs.map((r) => r.latencyMs)) ?? 0,
    ...(medianCpuMs !== undefined ? { medianCpuMs } : {}),
    ...(medianPeakMemoryBytes !== undefined ? { medianPeakMemoryBytes } : {}),
    ...(mid?.profile ? { profile: mid.profile } : {}),
    ...(perOperator ? { operatorMedians: perOperator } : {}),
  };
}

/** CPU head/base over the rounds: Hodges–Lehmann of the same paired log-ratios, on CPU time. */
function cpuRatio(rounds: readonly { base: Run; again: Run; head: Run }[]): number | undefined {
  const cpu = (r: Run) => r.profile?.cpuMs;
  if (!rounds.length || !rounds.every((r) => cpu(r.base)! > 0 && cpu(r.again)! > 0 && cpu(r.head)! > 0)) return undefined;
  const cpuRounds: Round[] = rounds.map((r) => ({ order: [], baseMs: cpu(r.base)!, baseAgainMs: cpu(r.again)!, headMs: cpu(r.head)! }));
  return analysePairs(cpuRounds, 0, 1).ratio.ratio;
}

/**
 * Measure one template: see the file comment for the schedule. Returns the
 * rounds, the analysis at the look that stopped it, and per side the median
 * latency, CPU time, peak memory and the median run's profile; or the
 * failure that stopped it.
 */
export async function measureTemplate(run: SideRunner, options: MeasureOptions = {}): Promise<MeasureResult> {
  const o = {
    warmup: options.warmup ?? DEFAULT_MEASURE.warmup,
    minPairs: options.minPairs ?? DEFAULT_MEASURE.minPairs,
    maxPairs: options.maxPairs ?? DEFAULT_MEASURE.maxPairs,
    budgetMs: options.budgetMs ?? DEFAULT_MEASURE.budgetMs,
  };
  const policy = options.policy ?? DEFAULT_PERF_POLICY;
  checkOptions(o, policy);
  const schedule = lookSchedule(o.minPairs, o.maxPairs);
  const templates = options.templates ?? 1;
  const fdr = options.falseDiscoveryRate ?? 0.05;
  if (!Number.isInteger(templates) || templates < 1) throw new FlightdeckError('usage-error', `templates must be a positive integer, got ${templates}`);
  if (!(fdr > 0 && fdr < 1)) throw new FlightdeckError('usage-error', `falseDiscoveryRate must be in (0, 1), got ${fdr}`);
  const flagLevel = fdr / templates;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const rounds: Round[] = [];
  const runs: { base: Run; again: Run; head: Run }[] = [];
  let at: 'warmup' | number = 'warmup';
  try {
    for (let i = 0; i < o.warmup; i++) {
      // warm-up alternates too, so neither side always runs first on a cold start
      for (const side of (i % 2 ? ['head', 'base'] : ['base', 'head']) as Side[]) await execute(run, side);
    }
    let lookIndex = 0;
    for (;;) {
      at = rounds.length + 1;
      const order = ROUND_ORDERS[rounds.length % ROUND_ORDERS.length]!;
      const got: Partial<Record<RoundRun, ExecuteSuccess>> = {};
      for (const which of order) got[which] = await execute(run, which === 'head' ? 'head' : 'base');
      const round = { order, baseMs: got.base!.latencyMs, baseAgainMs: got['base-again']!.latencyMs, headMs: got.head!.latencyMs };
      rounds.push(round);
      runs.push({ base: got.base!, again: got['base-again']!, head: got.head! });
      const n = rounds.length;
      const overBudget = now() - started >= o.budgetMs;
      if (n < schedule[lookIndex]! && !overBudget) continue;
      const analysis = analysePairs(rounds, lookIndex, schedule.length, policy);
      const last = lookIndex === schedule.length - 1;
      const decisive = analysis.call === 'same' || ((analysis.call === 'slower' || analysis.call === 'faster') && analysis.pFlag <= flagLevel);
      const stop: StopReason | null = decisive ? 'decisive' : last ? 'max-pairs' : overBudget ? 'budget' : null;
      if (stop) {
        const cpu = cpuRatio(runs);
        return {
          ok: true,
          pairs: n,
          stop,
          look: { index: lookIndex, schedule },
          rounds,
          analysis,
          policy,
          ...(cpu !== undefined ? { cpuRatio: cpu } : {}),
          base: summarise(runs.flatMap((r) => [r.base, r.again])),
          head: summarise(runs.map((r) => r.head)),
        };
      }
      lookIndex++;
    }
  } catch (err) {
    if (!(err instanceof StopOnFailure)) throw err;
    return { ok: false, side: err.side, at, status: err.status, error: err.failure, rounds };
  }
}
