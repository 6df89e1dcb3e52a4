/**
 * A Policy: the thresholds a gate applies to a run's outcomes. JSON, in the
 * user's repository; validated on load with a located message.
 *
 * {
 *   "version": 1,
 *   "verdicts": {
 *     "new-error": { "max": 0 },
 *     "crash":     { "max": 0 },
 *     "timeout":   { "max": 0 },
 *     "regressed": { "max": 0, "minCostRatio": 1.1, "minWeight": 0.001 }
 *   },
 *   "maxWorkloadImpact": 0.05
 * }
 *
 * A verdict rule counts the run's unapproved outcomes with that verdict
 * (only those at or above `minCostRatio` and `minWeight` when given) and
 * fails when the count exceeds `max`. `maxWorkloadImpact` bounds the summed
 * workload-weighted cost change of unapproved outcomes (0.05 = +5%).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FlightdeckError } from '../compiler/errors.ts';
import { VERDICTS } from './verdict.ts';

const RuleSchema = z.object({
  max: z.number().int().min(0),
  minCostRatio: z.number().positive().optional(),
  minWeight: z.number().min(0).optional(),
}).strict();

export const PolicySchema = z.object({
  version: z.literal(1),
  verdicts: z.partialRecord(z.enum(VERDICTS), RuleSchema),
  maxWorkloadImpact: z.number().optional(),
}).strict();

export type Policy = z.infer<typeof PolicySchema>;

export const DEFAULT_POLICY: Policy = {
  version: 1,
  verdicts: {
    'new-error': { max: 0 },
    crash: { max: 0 },
    timeout: { max: 0 },
    regressed: { max: 0, minCostRatio: 1.1 },
  },
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
