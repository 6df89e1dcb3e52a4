import { crossJoinToInner } from '../../../compiler/rules/cross-join-to-inner.ts';
import { describeRule } from './rule-case.ts';

describeRule(crossJoinToInner, [
  {
    name: 'doc-example',
    title: 'three comma-joined tables: each join predicate lands on the lowest join that has both its tables',
    sql: `SELECT c_name, o_orderdate, l_quantity FROM customer, orders, lineitem
WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey AND c_mktsegment = 'BUILDING'`,
    expect: 'change',
  },
  {
    name: 'predicate-over-three-tables',
    title: 'a conjunct over tables of both join inputs goes to the join above them; an inner join gets another conjunct',
    sql: `SELECT s_name FROM nation, region, supplier
WHERE n_regionkey = r_regionkey AND s_nationkey = n_nationkey AND s_acctbal > r_regionkey + n_nationkey`,
    expect: 'change',
  },
  {
    name: 'subquery-conjunct-stays',
    title: 'a conjunct holding a subquery stays in the Filter even when it spans both inputs',
    sql: `SELECT c_name, o_orderkey FROM customer, orders
WHERE c_custkey = o_custkey AND EXISTS (SELECT 1 FROM lineitem WHERE l_orderkey = o_orderkey AND l_suppkey = c_nationkey)`,
    expect: 'change',
  },
  {
    name: 'inside-subquery',
    title: 'the cross join inside an EXISTS plan becomes inner; the correlated conjunct (one input only) stays',
    sql: `SELECT c_name FROM customer
WHERE EXISTS (SELECT 1 FROM orders, lineitem WHERE o_orderkey = l_orderkey AND o_custkey = c_custkey)`,
    expect: 'change',
  },
  {
    name: 'single-table-conjuncts',
    title: 'no change: conjuncts over one table each are push-down-predicates\' job',
    sql: `SELECT c_name, o_orderkey FROM customer, orders WHERE c_mktsegment = 'BUILDING' AND o_orderstatus = 'F'`,
    expect: 'no-change',
  },
  {
    name: 'outer-join-untouched',
    title: 'no change: a Filter over a LEFT JOIN is not a cross join tree',
    sql: `SELECT c_name, o_orderkey FROM customer LEFT JOIN orders ON c_custkey = o_custkey WHERE c_acctbal > o_totalprice`,
    expect: 'no-change',
  },
]);
