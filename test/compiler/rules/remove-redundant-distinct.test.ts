import type { Plan } from '../../../compiler/ir/plan.ts';
import { transformDown } from '../../../compiler/ir/walk.ts';
import { removeRedundantDistinct } from '../../../compiler/rules/remove-redundant-distinct.ts';
import { describeRule } from './rule-case.ts';

/**
 * SQL has no SEMI JOIN syntax and unnesting IN into one is another rule's
 * job: this edit turns the inner join of the case into the semi join that
 * unnesting `o_orderkey IN (SELECT DISTINCT l_orderkey ...)` gives (the
 * query reads only the left side, so the result is the same).
 */
function innerToSemi(plan: Plan): Plan {
  return transformDown(plan, (n) => (n.kind === 'join' && n.joinType === 'inner' ? { ...n, joinType: 'semi' } : n));
}

describeRule(removeRedundantDistinct, [
  {
    name: 'doc-example',
    title: 'DISTINCT over GROUP BY output: the group keys are already unique',
    sql: `SELECT DISTINCT o_orderpriority, n FROM
  (SELECT o_orderpriority, count(*) AS n FROM orders GROUP BY o_orderpriority) AS t`,
    expect: 'change',
  },
  {
    name: 'distinct-over-distinct',
    title: 'the outer of two DISTINCTs goes',
    sql: `SELECT DISTINCT * FROM (SELECT DISTINCT o_custkey FROM orders) AS t`,
    expect: 'change',
  },
  {
    name: 'primary-key-scan',
    title: 'DISTINCT over columns including the table\'s primary key',
    sql: `SELECT DISTINCT o_orderkey, o_custkey FROM orders`,
    expect: 'change',
  },
  {
    name: 'composite-key-through-filter',
    title: 'lineitem\'s (l_orderkey, l_linenumber) key survives a filter',
    sql: `SELECT DISTINCT l_linenumber, l_orderkey, l_quantity FROM lineitem WHERE l_quantity > 5`,
    expect: 'change',
  },
  {
    name: 'in-and-exists-subqueries',
    title: 'DISTINCT at the top of IN / EXISTS plans: only the set of rows matters there',
    sql: `SELECT c_name FROM customer
WHERE c_custkey IN (SELECT DISTINCT o_custkey FROM orders WHERE o_totalprice > 100)
  AND EXISTS (SELECT DISTINCT n_name FROM nation WHERE n_nationkey = c_nationkey)`,
    expect: 'change',
  },
  {
    name: 'semi-join-right-input',
    title: 'DISTINCT on the right input of a semi join',
    sql: `SELECT o_orderkey FROM orders JOIN (SELECT DISTINCT l_orderkey FROM lineitem) AS li ON o_orderkey = l_orderkey`,
    edit: innerToSemi,
    expect: 'change',
  },
  {
    name: 'needed-distincts',
    title: 'no change: DISTINCT over a non-key column, and a DISTINCT under a LIMIT inside IN (it decides which rows the limit keeps)',
    sql: `SELECT DISTINCT o_custkey FROM orders
WHERE o_orderkey IN (SELECT l_orderkey FROM (SELECT DISTINCT l_orderkey FROM lineitem LIMIT 2) AS t)`,
    expect: 'no-change',
  },
]);
