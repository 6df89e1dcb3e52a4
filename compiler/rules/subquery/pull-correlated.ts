/**
 * Separating a correlated subquery plan into an uncorrelated plan and the
 * correlation predicates that tie it to the outer query, so the predicates
 * can become a join condition.
 *
 * The predicates are looked for in the Filters on the path from the
 * subquery's root down through Project, Filter, the left (row-filtering)
 * input of semi and anti joins, and, where the caller allows dropping them,
 * Distinct and Sort nodes. Below the path (an Aggregate, a Limit, a Window,
 * another Join...) the plan must not refer to the outer query at all, nor
 * may a semi / anti join's condition or right input; otherwise the subquery
 * is left alone.
 */
import type { Expr, JoinNode, NamedExpr, Plan } from '../../ir/plan.ts';
import { andAll, conjuncts, exprColumnIds, hasSubquery, outputColumns, outputIds } from '../../ir/walk.ts';
import { freeColumnIds, refersOnlyTo } from './free-columns.ts';

export interface PullOptions {
  /** kinds passed over and removed: semi and anti joins ignore duplicates and order */
  readonly drop: ReadonlySet<'distinct' | 'sort'>;
  /** remove the Projects above the path's first Filter (EXISTS ignores the select list) */
  readonly dropLeadingProjects: boolean;
  /** root output column ids the caller still needs from the rebuilt plan (IN: the compared column) */
  readonly keep: readonly number[];
}

export interface PulledPredicates {
  /** the subquery plan without the correlation predicates; refers to no outer column */
  readonly plan: Plan;
  /** the correlation predicates, in path order (top first); each refers to outer columns and columns of `plan` */
  readonly pulled: readonly Expr[];
}

type PathNode = (Plan & { kind: 'filter' | 'project' | 'distinct' | 'sort' }) | (JoinNode & { joinType: 'semi' | 'anti' });

/**
 * Pull the correlation predicates of `root` up. `outerIds` are the outer
 * columns the predicates may refer to. Null when the plan's correlation is
 * not of that form (an outer reference below the path, in a kept select
 * list, in a predicate with a subquery, or to a column outside `outerIds`).
 */
export function pullCorrelatedPredicates(root: Plan, outerIds: ReadonlySet<number>, options: PullOptions): PulledPredicates | null {
  const path: PathNode[] = [];
  let base: Plan = root;
  while (isPathNode(base, options)) {
    path.push(base);
    base = pathInput(base);
  }
  if (freeColumnIds(base).size > 0) return null;

  const firstFilter = path.findIndex((n) => n.kind === 'filter');
  const leading = firstFilter < 0 ? path.length : firstFilter;
  const pulled: Expr[] = [];
  const local = new Map<PathNode, Expr[]>();
  for (let i = 0; i < path.length; i++) {
    const node = path[i]!;
    if (node.kind === 'join') {
      if (freeColumnIds(node.right).size > 0) return null;
      if (node.condition && !refersOnlyTo(node.condition, new Set([...outputIds(node.left), ...outputIds(node.right)]))) return null;
      continue;
    }
    const inputIds = outputIds(node.input);
    if (node.kind === 'filter') {
      const keep: Expr[] = [];
      for (const c of conjuncts(node.predicate)) {
        if (refersOnlyTo(c, inputIds)) {
          keep.push(c);
          continue;
        }
        if (hasSubquery(c)) return null;
        for (const id of exprColumnIds(c)) if (!inputIds.has(id) && !outerIds.has(id)) return null;
        pulled.push(c);
      }
      local.set(node, keep);
    } else if (node.kind === 'project' && !(options.dropLeadingProjects && i < leading)) {
      if (!node.exprs.every((n) => refersOnlyTo(n.expr, inputIds))) return null;
    }
  }

  const needed = new Set<number>(options.keep);
  for (const p of pulled) for (const id of exprColumnIds(p)) if (!outerIds.has(id)) needed.add(id);

  let plan: Plan = base;
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i]!;
    switch (node.kind) {
      case 'filter': {
        const keep = local.get(node)!;
        if (plan === node.input && keep.length === conjuncts(node.predicate).length) plan = node;
        else if (keep.length > 0) plan = { kind: 'filter', input: plan, predicate: andAll(keep)! };
        break;
      }
      case 'project':
        if (options.dropLeadingProjects && i < leading) break;
        plan = extendProject(node, plan, needed);
        break;
      case 'join':
        if (plan !== node.left) plan = { ...node, left: plan, est: undefined };
        else plan = node;
        break;
      case 'distinct':
      case 'sort':
        break;
    }
  }
  const out = outputIds(plan);
  for (const id of needed) if (!out.has(id)) return null;
  if (freeColumnIds(plan).size > 0) return null;
  return { plan, pulled };
}

function isPathNode(p: Plan, options: PullOptions): p is PathNode {
  if (p.kind === 'join') return p.joinType === 'semi' || p.joinType === 'anti';
  return p.kind === 'filter' || p.kind === 'project' || ((p.kind === 'distinct' || p.kind === 'sort') && options.drop.has(p.kind));
}

function pathInput(p: PathNode): Plan {
  return p.kind === 'join' ? p.left : p.input;
}

/** `project` over `input`, passing through the `needed` columns `input` has and the projection drops. */
function extendProject(project: Plan & { kind: 'project' }, input: Plan, needed: ReadonlySet<number>): Plan {
  const have = new Set(project.exprs.map((n) => n.id));
  const extra: NamedExpr[] = [];
  for (const c of outputColumns(input)) {
    if (needed.has(c.id) && !have.has(c.id)) {
      extra.push({ id: c.id, name: c.name, expr: { kind: 'column', id: c.id, name: c.name, type: c.type } });
      have.add(c.id);
    }
  }
  if (extra.length === 0 && input === project.input) return project;
  return { kind: 'project', input, exprs: [...project.exprs, ...extra] };
}
