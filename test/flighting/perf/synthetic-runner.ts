/**
 * A deterministic stand-in for executing a template on base or head: log-
 * normal latency noise from a seeded generator, head scaled by a true ratio,
 * and a virtual clock that advances by each run's latency (no wall clock).
 */
import { createRng } from '../../../corpus/shop/query-templates.ts';
import type { ExecuteResult } from '../../../flighting/execute/execute-result.ts';
import type { Side } from '../../../flighting/perf/measure.ts';

export interface SyntheticTemplate {
  /** typical base latency, ms */
  readonly baseMs?: number;
  /** head / base, the truth the measurement should find */
  readonly ratio: number;
  /** standard deviation of ln(latency) per run */
  readonly sigma: number;
  readonly seed: number;
  /** return this failure on the n-th execution of that side (1-based, warm-up included) */
  readonly failOn?: { readonly side: Side; readonly execution: number; readonly result?: ExecuteResult; readonly throws?: boolean };
}

export function syntheticRunner(t: SyntheticTemplate) {
  const rng = createRng(t.seed);
  let clock = 0;
  const executions: Record<Side, number> = { base: 0, head: 0 };
  const normal = () => {
    // Box–Muller from the seeded uniform generator
    const u = Math.max(rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const run = async (side: Side): Promise<ExecuteResult> => {
    executions[side]++;
    const f = t.failOn;
    if (f && f.side === side && f.execution === executions[side]) {
      if (f.throws) throw new Error('build process died');
      return f.result ?? { ok: false, status: 'timeout', error: { code: 'build-timeout', message: 'over the 30 s limit' }, latencyMs: 30_000 };
    }
    const latencyMs = (t.baseMs ?? 20) * (side === 'head' ? t.ratio : 1) * Math.exp(t.sigma * normal());
    clock += latencyMs;
    return {
      ok: true,
      latencyMs,
      profile: { latencyMs, cpuMs: latencyMs * 1.8, peakMemoryBytes: side === 'head' ? 2048 : 1024, operators: [{ id: 0, depth: 0, name: 'SEQ_SCAN', rows: 10, timeMs: latencyMs }] },
    };
  };
  return { run, now: () => clock, executions };
}
