/**
 * The rule registry. The optimizer is `profile.reduce(apply)`; a profile is
 * just another array of rules. A rule fired when it returned a new object.
 *
 * Profile specs: a name (`default`, `none`, `heuristic`), optionally followed
 * by `,-rule-id` / `,+rule-id` edits: `default,-reorder-joins`.
 */
import { FlightdeckError } from '../errors.ts';
import type { Plan } from '../ir/plan.ts';
import type { Rule, RuleContext } from './rule.ts';
import { foldConstants } from './fold-constants.ts';
import { simplifyBooleans } from './simplify-booleans.ts';
import { unnestSubqueries } from './unnest-subqueries.ts';
import { decorrelateScalarAggregates } from './decorrelate-scalar-aggregates.ts';
import { pushDownPredicates } from './push-down-predicates.ts';
import { crossJoinToInner } from './cross-join-to-inner.ts';
import { simplifyOuterJoins } from './simplify-outer-joins.ts';
import { reorderJoins } from './reorder-joins.ts';
import { pruneProjections } from './prune-projections.ts';
import { pushDownLimit } from './push-down-limit.ts';
import { removeRedundantSort } from './remove-redundant-sort.ts';
import { removeRedundantDistinct } from './remove-redundant-distinct.ts';

/** Every rule, by id. */
export const RULES: readonly Rule[] = [
  foldConstants,
  simplifyBooleans,
  unnestSubqueries,
  decorrelateScalarAggregates,
  pushDownPredicates,
  crossJoinToInner,
  simplifyOuterJoins,
  reorderJoins,
  pruneProjections,
  pushDownLimit,
  removeRedundantSort,
  removeRedundantDistinct,
];

/**
 * The default order: normalise expressions, unnest subqueries into joins,
 * push predicates down (turning cross joins into inner joins and outer joins
 * into inner ones where predicates reject nulls), push again after the joins
 * changed, prune columns (so the join enumerator costs only what is read),
 * order joins by cost, then tidy up and prune again.
 */
const DEFAULT: readonly Rule[] = [
  foldConstants,
  simplifyBooleans,
  unnestSubqueries,
  decorrelateScalarAggregates,
  pushDownPredicates,
  crossJoinToInner,
  simplifyOuterJoins,
  pushDownPredicates,
  crossJoinToInner,
  pruneProjections,
  reorderJoins,
  pushDownLimit,
  removeRedundantSort,
  removeRedundantDistinct,
  pruneProjections,
];

export const PROFILES: Readonly<Record<string, readonly Rule[]>> = {
  default: DEFAULT,
  /** no rules: the bound plan as written */
  none: [],
  /** everything but cost-based join ordering: joins stay in written order */
  heuristic: DEFAULT.filter((r) => r !== reorderJoins),
};

export function ruleById(id: string): Rule {
  const r = RULES.find((x) => x.id === id);
  if (!r) throw new FlightdeckError('usage-error', `unknown rule '${id}'; rules: ${RULES.map((x) => x.id).join(', ')}`);
  return r;
}

/** Resolve `name[,-rule][,+rule]...` into a rule list. */
export function resolveProfile(spec: string): readonly Rule[] {
  const [name, ...edits] = spec.split(',').map((s) => s.trim());
  const base = PROFILES[name || 'default'];
  if (!base) throw new FlightdeckError('usage-error', `unknown rule profile '${name}'; profiles: ${Object.keys(PROFILES).join(', ')}`);
  let rules = [...base];
  for (const edit of edits) {
    if (edit.startsWith('-')) {
      const r = ruleById(edit.slice(1));
      rules = rules.filter((x) => x !== r);
    } else {
      rules.push(ruleById(edit.replace(/^\+/, '')));
    }
  }
  return rules;
}

export interface OptimizeResult {
  readonly plan: Plan;
  /** distinct ids of the rules that changed the plan, in order of first firing */
  readonly fired: readonly string[];
}

export function optimize(plan: Plan, ctx: RuleContext, rules: readonly Rule[]): OptimizeResult {
  const fired: string[] = [];
  const out = rules.reduce((p, rule) => {
    const next = rule.apply(p, ctx);
    if (next !== p && !fired.includes(rule.id)) fired.push(rule.id);
    return next;
  }, plan);
  return { plan: out, fired };
}
