/**
 * A Policy: the thresholds a gate applies to a run's outcomes. JSON, in the
 * user's repository; validated on load with a located message.
 *
 * {
 *   "version": 1,
 *   "verdicts": {
 *     "new-error":      { "max": 0 },
 *     "crash":          { "max": 0 },
 *     "timeout":        { "max": 0 },
 *     "slower-compile": { "max": 0 },
 *     "regressed":      { "max": 0, "minCostRatio": 1.1, "minWeight": 0.001 }
 *   },
 *   "maxWorkloadImpact": 0.05,
 *   "minCompiledShare": 0.8,
 *   "maxInconclusiveShare": 0.25
 * }
 *
 * A verdict rule counts the run's unapproved outcomes with that verdict
 * (only those at or above `minCostRatio` and `minWeight` when given) and
 * fails when the count exceeds `max`. `maxWorkloadImpact` bounds the summed
 * workload-weighted cost change of unapproved outcomes (0.05 = +5%).
 * `minCompiledShare` (default 0.8 even when a policy file leaves it out; 0
 * turns it off) is the share of the workload's weight that both builds must
 * compile: a gate over a workload neither build can read proves nothing.
 * `maxInconclusiveShare` (flights; default 0.25, 0 demands every timing be
 * decided, 1 turns it off) bounds the weight of flown templates whose timing
 * stayed `inconclusive`, as a share of the flown templates that were compared.
 * DEFAULT_POLICY is VERDICT_TABLE's `failsByDefault` column; `slower` counts
 * from DEFAULT_SLOWER_MIN_WEIGHT.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FlightdeckError } from '../compiler/errors.ts';
import { DEFAULT_MAX_INCONCLUSIVE_SHARE, DEFAULT_MIN_COMPILED_SHARE, DEFAULT_REGRESSED_AT, DEFAULT_SLOWER_MIN_WEIGHT } from './defaults.ts';
import { VERDICTS, type Verdict } from './verdict.ts';
import { VERDICT_TABLE } from './verdict-table.ts';

const RuleSchema = z.object({
  max: z.number().int().min(0),
  minCostRatio: z.number().positive().optional(),
  minWeight: z.number().min(0).optional(),
}).strict();

export const PolicySchema = z.object({
  version: z.literal(1),
  verdicts: z.partialRecord(z.enum(VERDICTS), RuleSchema),
  maxWorkloadImpact: z.number().optional(),
  minCompiledShare: z.number().min(0).max(1).default(DEFAULT_MIN_COMPILED_SHARE),
  maxInconclusiveShare: z.number().min(0).max(1).default(DEFAULT_MAX_INCONCLUSIVE_SHARE),
}).strict();

export type Policy = z.infer<typeof PolicySchema>;
export type VerdictRule = z.infer<typeof RuleSchema>;

export const DEFAULT_POLICY: Policy = {
  version: 1,
  verdicts: Object.fromEntries(
    (Object.keys(VERDICT_TABLE) as Verdict[])
      .filter((v) => VERDICT_TABLE[v].failsByDefault)
      .map((v): [Verdict, VerdictRule] => [v, v === 'regressed' ? { max: 0, minCostRatio: DEFAULT_REGRESSED_AT } : v === 'slower' ? { max: 0, minWeight: DEFAULT_SLOWER_MIN_WEIGHT } : { max: 0 }]),
  ),
  minCompiledShare: DEFAULT_MIN_COMPILED_SHARE,
  maxInconclusiveShare: DEFAULT_MAX_INCONCLUSIVE_SHARE,
};

export function parsePolicy(raw: unknown, where = 'policy'): Policy {
  const parsed = PolicySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FlightdeckError('usage-error', `${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, { location: { file: where } });
  }
  return parsed.data;
}

export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new FlightdeckError('not-found', `policy file not found: ${path}`, { location: { file: path } });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new FlightdeckError('usage-error', `policy ${path} is not valid JSON: ${(err as Error).message}`, { location: { file: path } });
  }
  return parsePolicy(raw, path);
}
