/**
 * The reference compiler's pipeline: SQL text + Catalog → optimized Plan,
 * printed at the three levels, with estimates and the rules that fired.
 * parse → bind → optimize (a rule profile) → annotate (cost) → print.
 */
import type { Catalog } from './ir/catalog.ts';
import type { Plan } from './ir/plan.ts';
import { parseSql } from './parse/parse.ts';
import { bindQuery } from './bind/bind.ts';
import { optimize, resolveProfile } from './rules/index.ts';
import { annotate } from './cost/annotate.ts';
import { planToJson, printPlan } from './print/print.ts';
import { maxColumnId } from './ir/walk.ts';
import { createRuleContext, type Rule } from './rules/rule.ts';

export interface CompileOptions {
  /** node-sql-parser dialect (default `postgresql`) */
  readonly dialect?: string;
  /** rule profile name (default `default`) */
  readonly profile?: string;
  /** an explicit rule list, used instead of `profile` (a test fixture's own rules, say) */
  readonly rules?: readonly Rule[];
}

export interface CompiledQuery {
  /** the bound plan before any rule */
  readonly logical: Plan;
  /** the optimized, cost-annotated plan */
  readonly plan: Plan;
  readonly simplified: string;
  readonly explain: string;
  readonly json: unknown;
  readonly cost: number;
  readonly rows: number;
  /** ids of the rules that changed the plan, in firing order */
  readonly rulesFired: readonly string[];
  /** milliseconds per phase */
  readonly timing: { readonly parse: number; readonly bind: number; readonly optimize: number; readonly print: number };
}

export function compileSql(sql: string, catalog: Catalog, options: CompileOptions = {}): CompiledQuery {
  const t0 = performance.now();
  const ast = parseSql(sql, { dialect: options.dialect ?? 'postgresql' });
  const t1 = performance.now();
  const logical = bindQuery(ast, catalog);
  const t2 = performance.now();
  const rules = options.rules ?? resolveProfile(options.profile ?? 'default');
  const ctx = createRuleContext(catalog, maxColumnId(logical));
  const optimized = optimize(logical, ctx, rules);
  const plan = annotate(optimized.plan, catalog);
  const t3 = performance.now();
  const simplified = printPlan(plan, 'simplified');
  const explain = printPlan(plan, 'explain');
  const json = planToJson(plan);
  const t4 = performance.now();
  return {
    logical,
    plan,
    simplified,
    explain,
    json,
    cost: plan.est?.cost ?? 0,
    rows: plan.est?.rows ?? 0,
    rulesFired: optimized.fired,
    timing: { parse: t1 - t0, bind: t2 - t1, optimize: t3 - t2, print: t4 - t3 },
  };
}
