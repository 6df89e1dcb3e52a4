/**
 * The rule contract. A rule is one pure function `(plan, ctx) => plan` with a
 * stable kebab-case id. It never mutates its input, and returns the very same
 * object when it changes nothing — that is how a compile knows which rules
 * fired. The only side effect allowed is drawing fresh column ids from
 * `ctx.newId()` (deterministic: same input, same ids).
 */
import type { Catalog } from '../ir/catalog.ts';
import type { Plan } from '../ir/plan.ts';

export interface RuleContext {
  readonly catalog: Catalog;
  /** a fresh column id, unique within the plan being optimized */
  newId(): number;
}

export interface Rule {
  /** stable kebab-case id, e.g. `push-down-predicates` */
  readonly id: string;
  /** one sentence: what the rule does */
  readonly description: string;
  readonly apply: (plan: Plan, ctx: RuleContext) => Plan;
}

/** A context whose ids start after `maxId`. */
export function createRuleContext(catalog: Catalog, maxId: number): RuleContext {
  let next = maxId + 1;
  return { catalog, newId: () => next++ };
}
