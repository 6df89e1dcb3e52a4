/**
 * Which templates a flight executes. Executing is slow (every template runs
 * several times with each build), so a flight flies the templates whose
 * answer can change, plus a control group that should not:
 *
 * - `changed`: every template whose plan changed (both builds compiled it and
 *   the plan hashes differ), plus `control` templates with an identical plan.
 *   The controls are the flight's own check: a control flagged slower or
 *   mismatching says the measurement, not the build, is at fault.
 * - `all`: every template both builds compiled.
 * - `sample:N`: N of those, spread evenly by a hash of the fingerprint
 *   (stable: the same run gives the same sample).
 * - `risk:BUDGET`: the riskiest templates first until the estimated flight
 *   time reaches BUDGET (`90s`, `10m`, `1h`, `500ms`), reporting the share of
 *   the workload's weight flown. Risk = change factor × weight: a regressed
 *   estimate 4, another changed plan 2, an identical plan 0.25 (optimizer
 *   bugs hide in unchanged-looking plans too, but less often); the time of a
 *   template is its logged mean duration times the executions a flight
 *   spends on it (`EXECUTIONS_PER_TEMPLATE`), 100 ms when the log had none.
 *
 * Templates one of the builds could not compile are not flown: playback
 * already gave them their verdict (new-error, both-error…). Writes are the
 * exception: a build compiles against a read-only catalog, so DuckDB
 * refuses to plan an INSERT/UPDATE/DELETE there (`unsupported`), and the
 * flight is the only check a write gets — it runs on a scratch copy of the
 * snapshot per execution. `changed` flies every write too (role `write`).
 */
import { createHash } from 'node:crypto';
import { FlightdeckError } from '../compiler/errors.ts';
import { parseDuration } from '../playback/duration.ts';
import type { OutcomeRecord, StoredTemplate } from '../store/records.ts';
import { analyzeQueryShape } from './compare/query-shape.ts';

export type Selection =
  | { readonly kind: 'changed' }
  | { readonly kind: 'all' }
  | { readonly kind: 'sample'; readonly n: number }
  | { readonly kind: 'risk'; readonly budgetMs: number };

/** why a template was chosen */
export type FlightRole = 'changed' | 'write' | 'control' | 'all' | 'sample' | 'risk';

export interface ChosenTemplate {
  readonly fingerprint: string;
  readonly role: FlightRole;
}

export interface SelectionResult {
  readonly chosen: readonly ChosenTemplate[];
  /** share of the workload's weight (over all templates of the run) that is flown */
  readonly weightShare: number;
  /** templates that could be flown (both builds compiled them) */
  readonly eligible: number;
  /** one line for people */
  readonly summary: string;
}

/** executions a flight typically spends on one template: results twice per side, warm-up and ~10 timed pairs (risk budgets) */
export const EXECUTIONS_PER_TEMPLATE = 26;
const DEFAULT_TEMPLATE_MS = 100;

export function parseSelection(text: string): Selection {
  const t = text.trim();
  if (t === 'changed' || t === 'all') return { kind: t };
  const sample = /^sample:(\d+)$/.exec(t);
  if (sample) {
    const n = Number(sample[1]);
    if (n < 1) throw new FlightdeckError('usage-error', `--select sample:N needs N ≥ 1, got ${t}`);
    return { kind: 'sample', n };
  }
  const risk = /^risk:(.+)$/.exec(t);
  if (risk) return { kind: 'risk', budgetMs: parseDuration(risk[1]!, '--select risk:BUDGET') };
  throw new FlightdeckError('usage-error', `--select must be changed, all, sample:N or risk:BUDGET (e.g. risk:10m), got '${text}'`);
}

/** Both builds compiled the template (it can be executed with each), or it is a write no build could plan read-only. */
export function isFlyable(o: OutcomeRecord, sql?: string): boolean {
  return (o.baseStatus === 'ok' && o.headStatus === 'ok') || isUnplannedWrite(o, sql);
}

/** A write both builds refused to plan against the read-only catalog: the flight runs it on a scratch copy. */
export function isUnplannedWrite(o: OutcomeRecord, sql: string | undefined): boolean {
  return sql !== undefined && o.baseError?.code === 'unsupported' && o.headError?.code === 'unsupported' && analyzeQueryShape(sql).write !== null;
}

export function planChanged(o: OutcomeRecord): boolean {
  return o.basePlanHash !== null && o.headPlanHash !== null && o.basePlanHash !== o.headPlanHash;
}

/** The risk score of one playback outcome (see the file comment). */
export function riskOf(o: OutcomeRecord): number {
  const factor = o.verdict === 'regressed' ? 4 : planChanged(o) ? 2 : 0.25;
  return factor * o.weight;
}

export function selectTemplates(
  outcomes: readonly OutcomeRecord[],
  templates: ReadonlyMap<string, Pick<StoredTemplate, 'meanDurationMs'> & { readonly sql?: string }>,
  selection: Selection,
  options: { readonly control?: number } = {},
): SelectionResult {
  const flyable = (o: OutcomeRecord) => isFlyable(o, templates.get(o.fingerprint)?.sql);
  const write = (o: OutcomeRecord) => isUnplannedWrite(o, templates.get(o.fingerprint)?.sql);
  const eligible = outcomes.filter(flyable);
  const byHash = [...eligible].sort((a, b) => stableKey(a.fingerprint).localeCompare(stableKey(b.fingerprint)));
  let chosen: ChosenTemplate[];
  switch (selection.kind) {
    case 'changed': {
      const changed = eligible.filter(planChanged).map((o) => ({ fingerprint: o.fingerprint, role: 'changed' as const }));
      const writes = eligible.filter(write).map((o) => ({ fingerprint: o.fingerprint, role: 'write' as const }));
      const control = byHash
        .filter((o) => !planChanged(o) && !write(o))
        .slice(0, options.control ?? 0)
        .map((o) => ({ fingerprint: o.fingerprint, role: 'control' as const }));
      chosen = [...changed, ...writes, ...control];
      break;
    }
    case 'all':
      chosen = eligible.map((o) => ({ fingerprint: o.fingerprint, role: 'all' }));
      break;
    case 'sample':
      chosen = byHash.slice(0, selection.n).map((o) => ({ fingerprint: o.fingerprint, role: 'sample' }));
      break;
    case 'risk': {
      const ranked = [...eligible].sort((a, b) => riskOf(b) - riskOf(a) || a.fingerprint.localeCompare(b.fingerprint));
      chosen = [];
      let spent = 0;
      for (const o of ranked) {
        const cost = EXECUTIONS_PER_TEMPLATE * (templates.get(o.fingerprint)?.meanDurationMs ?? DEFAULT_TEMPLATE_MS);
        if (spent + cost > selection.budgetMs && chosen.length > 0) continue; // a cheaper template may still fit
        spent += cost;
        chosen.push({ fingerprint: o.fingerprint, role: 'risk' });
      }
      break;
    }
  }
  const flown = new Set(chosen.map((c) => c.fingerprint));
  const total = outcomes.reduce((s, o) => s + o.weight, 0);
  const share = total > 0 ? outcomes.filter((o) => flown.has(o.fingerprint)).reduce((s, o) => s + o.weight, 0) / total : 0;
  const roles = countRoles(chosen);
  return {
    chosen,
    weightShare: share,
    eligible: eligible.length,
    summary: `${chosen.length} of ${outcomes.length} templates (${roles}), ${(share * 100).toFixed(1)}% of the workload's weight; ${outcomes.length - eligible.length} not flyable (a build did not compile them)`,
  };
}

function countRoles(chosen: readonly ChosenTemplate[]): string {
  const counts = new Map<FlightRole, number>();
  for (const c of chosen) counts.set(c.role, (counts.get(c.role) ?? 0) + 1);
  return [...counts].map(([role, n]) => `${n} ${role}`).join(', ') || 'none';
}

function stableKey(fingerprint: string): string {
  return createHash('sha256').update(fingerprint).digest('hex');
}
