/**
 * The estimator: rows, cumulative cost and column statistics of any plan
 * node, from catalog statistics. Memoised per node object (plans are
 * immutable), so the join enumerator can ask about the same subtrees many
 * times. Deterministic: same plan, same catalog, same numbers.
 *
 * Cardinalities (n = input rows):
 * - Scan: the table's row count; Filter: n · selectivity (selectivity.ts);
 *   Project, Sort, Window: n; Join: join-estimate.ts;
 * - Aggregate: the group count of its keys (operator-stats.ts), 1 without keys;
 *   Distinct: the group count of all its columns;
 * - Limit / TopN: min(limit, n − offset); SetOp: operator-stats.ts; Values: its rows.
 * Every row estimate is finite and ≥ 1 (an empty table counts as one row).
 * Costs: cost-model.ts.
 */
import { findTable, type Catalog } from '../ir/catalog.ts';
import { FlightdeckError } from '../errors.ts';
import type { Expr, JoinType, Plan } from '../ir/plan.ts';
import { children, forEachExpr, nodeExprs, outputColumns } from '../ir/walk.ts';
import {
  aggregateCost,
  clampCost,
  filterCost,
  hashJoinCost,
  limitCost,
  nestedLoopCost,
  projectCost,
  scanCost,
  setOpCost,
  sortCost,
  topNCost,
  windowCost,
} from './cost-model.ts';
import { filterStats } from './filter-stats.ts';
import { estimateJoin, joinStats, type JoinCardinality } from './join-estimate.ts';
import { aggregateStats, distinctRows, groupCount, projectStats, setOpRows, setOpStats, valuesStats, windowStats } from './operator-stats.ts';
import { predicateSelectivity } from './selectivity.ts';
import { capDistinct, clampRows, exprStats, sampleStats, statsFromCatalog, type DerivedColumnStats, type RelationEstimate } from './stats.ts';

export type { DerivedColumnStats } from './stats.ts';

export interface Estimator {
  /** estimated output rows, finite and ≥ 1; memoised per node object */
  rows(plan: Plan): number;
  /** cumulative cost of the subtree (subquery plans included), finite and ≥ 0 */
  cost(plan: Plan): number;
  /** the share of `input`'s rows `predicate` keeps, 0..1 */
  selectivity(predicate: Expr, input: Plan): number;
  /** statistics of every output column of `plan`, by column id */
  columnStats(plan: Plan): ReadonlyMap<number, DerivedColumnStats>;
  /** rows and cumulative cost of joining two inputs, without building a node (for the join enumerator) */
  joinCost(joinType: JoinType, left: Plan, right: Plan, condition: Expr | null): { rows: number; cost: number };
}

export function createEstimator(catalog: Catalog): Estimator {
  return new PlanEstimator(catalog);
}

class PlanEstimator implements Estimator {
  private readonly rowsMemo = new WeakMap<Plan, number>();
  private readonly costMemo = new WeakMap<Plan, number>();
  private readonly statsMemo = new WeakMap<Plan, ReadonlyMap<number, DerivedColumnStats>>();
  private readonly joinMemo = new WeakMap<Plan, JoinCardinality>();

  constructor(private readonly catalog: Catalog) {}

  rows(plan: Plan): number {
    let r = this.rowsMemo.get(plan);
    if (r === undefined) {
      r = clampRows(this.computeRows(plan));
      this.rowsMemo.set(plan, r);
    }
    return r;
  }

  cost(plan: Plan): number {
    let c = this.costMemo.get(plan);
    if (c === undefined) {
      c = clampCost(this.computeCost(plan));
      this.costMemo.set(plan, c);
    }
    return c;
  }

  columnStats(plan: Plan): ReadonlyMap<number, DerivedColumnStats> {
    let s = this.statsMemo.get(plan);
    if (s === undefined) {
      s = this.computeStats(plan);
      this.statsMemo.set(plan, s);
    }
    return s;
  }

  selectivity(predicate: Expr, input: Plan): number {
    return predicateSelectivity(predicate, this.relation(input));
  }

  joinCost(joinType: JoinType, left: Plan, right: Plan, condition: Expr | null): { rows: number; cost: number } {
    const card = estimateJoin(joinType, condition, this.relation(left), this.relation(right));
    return { rows: card.rows, cost: clampCost(this.cost(left) + this.cost(right) + this.ownJoinCost(card, left, right)) };
  }

  private relation(plan: Plan): RelationEstimate {
    return { rows: this.rows(plan), stats: this.columnStats(plan) };
  }

  private join(plan: Plan & { kind: 'join' }): JoinCardinality {
    let card = this.joinMemo.get(plan);
    if (!card) {
      card = estimateJoin(plan.joinType, plan.condition, this.relation(plan.left), this.relation(plan.right));
      this.joinMemo.set(plan, card);
    }
    return card;
  }

  private ownJoinCost(card: JoinCardinality, left: Plan, right: Plan): number {
    const L = this.rows(left);
    const R = this.rows(right);
    return card.hash ? hashJoinCost(L, R, card.rows) : nestedLoopCost(L, R, card.rows);
  }

  private table(plan: Plan & { kind: 'scan' }) {
    const table = findTable(this.catalog, plan.table);
    if (!table) {
      throw new FlightdeckError('catalog-error', `cannot estimate a scan of table '${plan.table}': it is not in the catalog loaded from ${this.catalog.source}; reload the catalog from the database the query runs against`);
    }
    return table;
  }

  private computeRows(plan: Plan): number {
    switch (plan.kind) {
      case 'scan':
        return this.table(plan).rowCount;
      case 'filter':
        return this.rows(plan.input) * this.selectivity(plan.predicate, plan.input);
      case 'project':
      case 'sort':
      case 'window':
        return this.rows(plan.input);
      case 'join':
        return this.join(plan).rows;
      case 'aggregate': {
        const input = this.relation(plan.input);
        return groupCount(plan.groupBy.map((g) => exprStats(g.expr, input)), input.rows);
      }
      case 'distinct':
        return distinctRows(this.relation(plan.input));
      case 'limit':
      case 'topN': {
        const available = this.rows(plan.input) - Math.max(0, plan.offset);
        return plan.limit === null ? available : Math.min(Math.max(0, plan.limit), available);
      }
      case 'setop':
        return setOpRows(plan, this.relation(plan.left), this.relation(plan.right));
      case 'values':
        return plan.rows.length;
    }
  }

  private computeStats(plan: Plan): ReadonlyMap<number, DerivedColumnStats> {
    const rows = this.rows(plan);
    switch (plan.kind) {
      case 'scan': {
        const table = this.table(plan);
        const out = new Map<number, DerivedColumnStats>();
        for (const c of plan.columns) {
          const col = table.columns.find((x) => x.name.toLowerCase() === c.name.toLowerCase());
          if (!col) {
            throw new FlightdeckError('catalog-error', `cannot estimate a scan of '${table.name}': column '${c.name}' is not in the catalog loaded from ${this.catalog.source}; reload the catalog`);
          }
          out.set(c.id, statsFromCatalog(col.stats, col.type, rows));
        }
        return out;
      }
      case 'filter':
        return filterStats(plan.predicate, this.relation(plan.input), rows);
      case 'project':
        return projectStats(plan, this.relation(plan.input));
      case 'join':
        return joinStats(plan.joinType, this.join(plan), this.relation(plan.left), this.relation(plan.right));
      case 'aggregate':
        return aggregateStats(plan, this.relation(plan.input), rows);
      case 'window':
        return windowStats(plan, this.relation(plan.input));
      case 'sort':
        return this.columnStats(plan.input);
      case 'distinct': {
        const out = new Map<number, DerivedColumnStats>();
        for (const [id, s] of this.columnStats(plan.input)) out.set(id, capDistinct(s, rows));
        return out;
      }
      case 'limit':
      case 'topN': {
        const inRows = this.rows(plan.input);
        return sampleStats(this.columnStats(plan.input), inRows, rows / inRows, rows);
      }
      case 'setop':
        return setOpStats(plan, outputColumns(plan.left), outputColumns(plan.right), this.relation(plan.left), this.relation(plan.right), rows);
      case 'values':
        return valuesStats(plan);
    }
  }

  private computeCost(plan: Plan): number {
    const rows = this.rows(plan);
    const inputs = children(plan).reduce((sum, k) => sum + this.cost(k), 0);
    let own: number;
    let evaluated = rows;
    switch (plan.kind) {
      case 'scan': {
        const stats = this.columnStats(plan);
        const bytes = plan.columns.reduce((sum, c) => sum + (stats.get(c.id)?.avgWidth ?? 0), 0);
        own = scanCost(rows, bytes);
        break;
      }
      case 'filter':
        evaluated = this.rows(plan.input);
        own = filterCost(evaluated);
        break;
      case 'project': {
        const computed = plan.exprs.filter((n) => !(n.expr.kind === 'column' && n.expr.id === n.id)).length;
        own = projectCost(rows, computed);
        break;
      }
      case 'join':
        own = this.ownJoinCost(this.join(plan), plan.left, plan.right);
        break;
      case 'aggregate':
      case 'distinct':
        evaluated = this.rows(plan.input);
        own = aggregateCost(evaluated, rows);
        break;
      case 'window':
        own = windowCost(rows, plan.functions.some((w) => w.partitionBy.length > 0 || w.orderBy.length > 0));
        break;
      case 'sort':
        own = sortCost(rows);
        break;
      case 'topN':
        evaluated = this.rows(plan.input);
        own = topNCost(evaluated, plan.limit + Math.max(0, plan.offset));
        break;
      case 'limit':
        own = limitCost(rows);
        break;
      case 'setop':
        own = setOpCost(this.rows(plan.left), this.rows(plan.right), rows, !(plan.op === 'union' && plan.all));
        break;
      case 'values':
        own = rows;
        break;
    }
    return inputs + own + this.subqueryCost(plan, evaluated);
  }

  /** Subquery expressions of a node: their plan's cost once if uncorrelated, once per evaluated row if correlated. */
  private subqueryCost(plan: Plan, evaluated: number): number {
    let sum = 0;
    for (const e of nodeExprs(plan)) {
      forEachExpr(e, (x) => {
        if (x.kind === 'subquery') sum += this.cost(x.plan) * (x.correlated.length > 0 ? evaluated : 1);
      });
    }
    return sum;
  }
}
