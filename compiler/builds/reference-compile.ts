/**
 * The reference compiler as a Build would answer, in-process: SQL + Catalog →
 * the plan at the three levels, cost, rows, the rules that fired, and the
 * lowered SQL script that executes the plan as planned. reference-server.ts
 * serves this over the build protocol; benchmarks and tests may call it
 * directly (`openBuild` itself always isolates it in a child process).
 */
import { FlightdeckError, toFlightdeckError } from '../errors.ts';
import type { Catalog } from '../ir/catalog.ts';
import type { Plan } from '../ir/plan.ts';
import { compileSql } from '../compile.ts';
import { annotate } from '../cost/annotate.ts';
import { loweredScript, lowerPlan } from '../lower/lower.ts';
import { resolveProfile } from '../rules/index.ts';
import type { Rule } from '../rules/rule.ts';
import type { CompileResult } from './build.ts';

export interface ReferenceCompileOptions {
  /** rule profile spec (default `default`) */
  readonly profile?: string;
  /** an explicit rule list, used instead of `profile` (a build server with its own rules) */
  readonly rules?: readonly Rule[];
}

/** Never throws for a bad query: a FlightdeckError becomes an `error` result with its code and location. */
export function compileWithReference(sql: string, catalog: Catalog, options: ReferenceCompileOptions = {}): CompileResult {
  const t0 = performance.now();
  try {
    const compiled = compileSql(sql, catalog, options.rules ? { rules: options.rules } : { profile: options.profile ?? 'default' });
    const script = tryLower(compiled.plan);
    return {
      ok: true,
      plan: { simplified: compiled.simplified, explain: compiled.explain, json: compiled.json },
      cost: compiled.cost,
      rows: compiled.rows,
      rulesFired: compiled.rulesFired,
      timingMs: performance.now() - t0,
      ...(script !== undefined ? { sql: script } : {}),
      planIr: compiled.plan,
    };
  } catch (err) {
    const e = toFlightdeckError(err);
    return {
      ok: false,
      status: 'error',
      error: {
        code: e.code,
        message: e.message,
        ...(e.location?.line !== undefined ? { line: e.location.line } : {}),
        ...(e.location?.column !== undefined ? { column: e.location.column } : {}),
      },
      timingMs: performance.now() - t0,
    };
  }
}

/**
 * This build's estimate of a plan in the reference IR, as another reference
 * build (another commit) produced it: the plan is re-annotated from scratch
 * with this tree's estimator against this build's catalog. Throws
 * `usage-error` for something that is not a plan, and whatever the estimator
 * throws for a plan it cannot read (an IR from a different commit).
 */
export function recostWithReference(planIr: unknown, catalog: Catalog): { cost: number; rows: number } {
  if (typeof planIr !== 'object' || planIr === null || typeof (planIr as { kind?: unknown }).kind !== 'string') {
    throw new FlightdeckError('usage-error', 'recost needs a plan in the reference IR (an object with a "kind")');
  }
  const est = annotate(planIr as Plan, catalog).est;
  if (!est || !Number.isFinite(est.cost)) throw new FlightdeckError('internal-error', 'the estimator gave no cost for the plan');
  return { cost: est.cost, rows: est.rows };
}

/**
 * The lowered script, or undefined when the lowering reports it cannot lower
 * this plan (a FlightdeckError: the compile still succeeded). Anything else
 * is a bug and fails the compile as `internal-error`.
 */
function tryLower(plan: Plan): string | undefined {
  try {
    return loweredScript(lowerPlan(plan));
  } catch (err) {
    if (err instanceof FlightdeckError) return undefined;
    throw err;
  }
}

/** Throws `usage-error` for a profile spec that names no profile or an unknown rule. */
export function checkProfile(profile: string): void {
  resolveProfile(profile);
}
