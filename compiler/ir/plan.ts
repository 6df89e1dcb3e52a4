/**
 * The bound logical plan: what `compiler/bind/` produces, what rules rewrite,
 * what `cost/` annotates, what `print/` prints and `lower/` turns back to SQL.
 *
 * Invariants every producer keeps (rules included):
 * - Nodes are immutable. A rewrite builds new nodes; a rule that changes
 *   nothing returns the very same object (that is how "rules fired" is known).
 * - Every column flowing between operators has a numeric `id`, unique in the
 *   whole plan (subqueries included). Expressions refer to columns by id only;
 *   `name` is for people.
 * - A `NamedExpr` whose `expr` is a `column` with the same `id` is a
 *   pass-through; anything else defines a new column.
 * - The root's output columns, in order, with their names, are the query result.
 * - Sort / TopN / Limit keys refer only to columns of their input.
 */
import type { TypeName } from './types.ts';

export type { TypeName } from './types.ts';

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%';

export type Expr =
  | ColumnRef
  | Literal
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'and'; readonly args: readonly Expr[] }
  | { readonly kind: 'or'; readonly args: readonly Expr[] }
  | { readonly kind: 'not'; readonly arg: Expr }
  | { readonly kind: 'arith'; readonly op: ArithOp; readonly left: Expr; readonly right: Expr; readonly type: TypeName }
  /** scalar function, lower-case name: `substring`, `coalesce`, `extract` (first arg a varchar literal field), `concat` (for ||), `negate`, `abs`, `upper`... */
  | { readonly kind: 'func'; readonly name: string; readonly args: readonly Expr[]; readonly type: TypeName }
  | { readonly kind: 'isNull'; readonly arg: Expr; readonly negated: boolean }
  | {
      readonly kind: 'like';
      readonly arg: Expr;
      readonly pattern: Expr;
      readonly negated: boolean;
      readonly caseInsensitive: boolean;
    }
  | { readonly kind: 'inList'; readonly arg: Expr; readonly list: readonly Expr[]; readonly negated: boolean }
  | { readonly kind: 'between'; readonly arg: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean }
  | {
      readonly kind: 'case';
      readonly operand: Expr | null;
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly else: Expr | null;
      readonly type: TypeName;
    }
  | { readonly kind: 'cast'; readonly arg: Expr; readonly type: TypeName; readonly typeText: string }
  | SubqueryExpr;

export interface ColumnRef {
  readonly kind: 'column';
  readonly id: number;
  readonly name: string;
  readonly type: TypeName;
}

/**
 * `value` holds the literal's canonical text: numbers as decimal text
 * (`24`, `0.06`), strings unquoted, dates `1998-12-01`, timestamps
 * `1998-12-01 10:00:00`, intervals `<n> <unit>` (`90 day`); booleans as
 * booleans; SQL NULL as null.
 */
export interface Literal {
  readonly kind: 'literal';
  readonly value: string | boolean | null;
  readonly type: TypeName;
}

/**
 * A subquery not (yet) unnested.
 * - `scalar`: one row, one column; `type` is that column's.
 * - `exists`: EXISTS / NOT EXISTS (`negated`).
 * - `in`: `arg` [NOT] IN (plan), plan has one output column.
 * `correlated` lists the ids of outer columns the plan refers to (empty if uncorrelated).
 */
export interface SubqueryExpr {
  readonly kind: 'subquery';
  readonly mode: 'scalar' | 'exists' | 'in';
  readonly plan: Plan;
  readonly arg: Expr | null;
  readonly negated: boolean;
  readonly correlated: readonly number[];
  readonly type: TypeName;
}

export interface ColumnDef {
  readonly id: number;
  readonly name: string;
  readonly type: TypeName;
}

export interface NamedExpr {
  readonly id: number;
  readonly name: string;
  readonly expr: Expr;
}

export interface SortKey {
  readonly expr: Expr;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

/** Estimates filled in by `cost/annotate`; absent before. */
export interface Estimate {
  /** estimated output rows */
  readonly rows: number;
  /** cumulative cost of this subtree, in abstract units */
  readonly cost: number;
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross' | 'semi' | 'anti';

export interface AggregateCall {
  readonly id: number;
  readonly name: string;
  /** lower-case: count, sum, avg, min, max, count_star, stddev_samp, ... */
  readonly fn: string;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly filter: Expr | null;
  readonly type: TypeName;
}

export interface WindowCall {
  readonly id: number;
  readonly name: string;
  /** lower-case: row_number, rank, dense_rank, lag, lead, sum, avg, count_star... */
  readonly fn: string;
  readonly args: readonly Expr[];
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortKey[];
  /** normalised upper-case frame text, or null for the default frame */
  readonly frame: string | null;
  readonly type: TypeName;
}

interface NodeBase {
  readonly est?: Estimate;
}

export interface ScanNode extends NodeBase {
  readonly kind: 'scan';
  /** catalog table name */
  readonly table: string;
  /** the name the query used (alias or table name) */
  readonly alias: string;
  /** columns read, each with a plan-unique id; pruning shrinks this list */
  readonly columns: readonly ColumnDef[];
}

export interface FilterNode extends NodeBase {
  readonly kind: 'filter';
  readonly input: Plan;
  readonly predicate: Expr;
}

export interface ProjectNode extends NodeBase {
  readonly kind: 'project';
  readonly input: Plan;
  readonly exprs: readonly NamedExpr[];
}

export interface JoinNode extends NodeBase {
  readonly kind: 'join';
  readonly joinType: JoinType;
  readonly left: Plan;
  readonly right: Plan;
  /** null only for cross joins */
  readonly condition: Expr | null;
  /**
   * Null-aware anti join, produced from `a NOT IN (SELECT b FROM right
   * WHERE rest)`. The condition's first conjunct is the NOT IN comparison
   * `a = b` (one side over the left input, the other over the right); the
   * other conjuncts (`rest`, the subquery's correlation predicates) are
   * ordinary. A left row is kept iff no right row for which `rest` is TRUE
   * makes `a = b` TRUE or NULL: among the right rows `rest` keeps, a NULL b
   * removes every left row, and a NULL a removes its row unless there are
   * none. Only on `anti` joins. Rules keep the comparison first and move no
   * conjunct into or out of such a condition.
   */
  readonly nullAware?: boolean;
}

export interface AggregateNode extends NodeBase {
  readonly kind: 'aggregate';
  readonly input: Plan;
  readonly groupBy: readonly NamedExpr[];
  readonly aggregates: readonly AggregateCall[];
}

export interface WindowNode extends NodeBase {
  readonly kind: 'window';
  readonly input: Plan;
  readonly functions: readonly WindowCall[];
}

export interface SortNode extends NodeBase {
  readonly kind: 'sort';
  readonly input: Plan;
  readonly keys: readonly SortKey[];
}

export interface LimitNode extends NodeBase {
  readonly kind: 'limit';
  readonly input: Plan;
  readonly limit: number | null;
  readonly offset: number;
}

export interface TopNNode extends NodeBase {
  readonly kind: 'topN';
  readonly input: Plan;
  readonly keys: readonly SortKey[];
  readonly limit: number;
  readonly offset: number;
}

export interface DistinctNode extends NodeBase {
  readonly kind: 'distinct';
  readonly input: Plan;
}

export interface SetOpNode extends NodeBase {
  readonly kind: 'setop';
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: Plan;
  readonly right: Plan;
  /** fresh output columns; position i takes left's and right's i-th column */
  readonly columns: readonly ColumnDef[];
}

export interface ValuesNode extends NodeBase {
  readonly kind: 'values';
  readonly rows: readonly (readonly Expr[])[];
  readonly columns: readonly ColumnDef[];
}

export type Plan =
  | ScanNode
  | FilterNode
  | ProjectNode
  | JoinNode
  | AggregateNode
  | WindowNode
  | SortNode
  | LimitNode
  | TopNNode
  | DistinctNode
  | SetOpNode
  | ValuesNode;

export type PlanKind = Plan['kind'];
