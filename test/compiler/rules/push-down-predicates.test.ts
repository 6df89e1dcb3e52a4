import { pushDownPredicates } from '../../../compiler/rules/push-down-predicates.ts';
import { describeRule } from './rule-case.ts';

describeRule(pushDownPredicates, [
  {
    name: 'doc-example',
    title: 'LEFT JOIN: a WHERE conjunct on the preserved side goes down, one on the NULL-extended side stays above',
    sql: `SELECT o_orderkey, c_name FROM orders LEFT JOIN customer ON o_custkey = c_custkey
WHERE o_orderdate >= date '1995-01-01' AND c_acctbal > 0`,
    expect: 'change',
  },
  {
    name: 'cross-joins-become-inner',
    title: 'comma joins: single-table conjuncts reach their scans, two-table ones become the lowest possible join condition',
    sql: `SELECT l_orderkey, o_orderdate FROM customer, orders, lineitem
WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey AND l_orderkey = o_orderkey
  AND o_orderdate < date '1995-03-15' AND l_shipdate > date '1995-03-15'`,
    expect: 'change',
  },
  {
    name: 'through-project-and-aggregate',
    title: 'through a derived table and GROUP BY: conjuncts over group keys go below the aggregate, HAVING-like ones stay',
    sql: `SELECT * FROM (SELECT o_custkey, o_orderstatus, sum(o_totalprice) AS total, count(*) AS n
  FROM orders GROUP BY o_custkey, o_orderstatus) AS t
WHERE o_custkey > 1 AND total > 1000 AND o_orderstatus = 'F'`,
    expect: 'change',
  },
  {
    name: 'computed-column-substituted',
    title: 'a conjunct over a computed column of a derived table is restated with its expression',
    sql: `SELECT * FROM (SELECT o_orderkey, o_totalprice * 2 AS doubled FROM orders) AS t WHERE doubled > 1000`,
    expect: 'change',
  },
  {
    name: 'union-all-both-branches',
    title: 'a filter over UNION ALL goes into both branches, columns remapped by position',
    sql: `SELECT * FROM (SELECT o_orderkey AS k, o_totalprice AS v FROM orders
  UNION ALL SELECT l_orderkey, l_extendedprice FROM lineitem) AS u
WHERE v > 1000 AND k < 5`,
    expect: 'change',
  },
  {
    name: 'window-partition-key',
    title: 'through a Window only the conjunct over its PARTITION BY column',
    sql: `SELECT * FROM (SELECT o_custkey, o_orderkey, row_number() OVER (PARTITION BY o_custkey ORDER BY o_orderdate) AS rn
  FROM orders) AS t
WHERE o_custkey = 1 AND rn = 1`,
    expect: 'change',
  },
  {
    name: 'left-join-on-right-only',
    title: 'a LEFT JOIN ON conjunct over the right side only filters the right input',
    sql: `SELECT c_name, o_orderkey FROM customer LEFT JOIN orders ON c_custkey = o_custkey AND o_orderstatus = 'F'`,
    expect: 'change',
  },
  {
    name: 'correlated-subquery-conjunct',
    title: 'an EXISTS correlated with one join input goes to that input; the correlated columns count as used',
    sql: `SELECT c_name, o_orderkey FROM customer, orders
WHERE c_custkey = o_custkey AND EXISTS (SELECT 1 FROM lineitem WHERE l_orderkey = o_orderkey AND l_quantity > 10)`,
    expect: 'change',
  },
  {
    name: 'inside-subquery',
    title: 'filters inside an IN subquery plan are pushed too',
    sql: `SELECT c_name FROM customer
WHERE c_custkey IN (SELECT o_custkey FROM (SELECT o_custkey, o_totalprice FROM orders) AS t WHERE o_totalprice > 1000)`,
    expect: 'change',
  },
  {
    name: 'left-join-preserved-side-kept',
    title: 'no change: a LEFT JOIN ON conjunct over the preserved (left) side and WHERE c IS NULL over the right side stay',
    sql: `SELECT o_orderkey, c_name FROM orders LEFT JOIN customer ON o_custkey = c_custkey AND o_orderstatus = 'F'
WHERE c_name IS NULL`,
    expect: 'no-change',
  },
  {
    name: 'full-join-and-limit-block',
    title: 'no change: nothing goes through a FULL JOIN, nor below a LIMIT',
    sql: `SELECT * FROM (SELECT c_custkey, o_orderkey FROM customer FULL JOIN orders ON c_custkey = o_custkey
  WHERE c_acctbal > 0 AND o_totalprice > 0 ORDER BY o_orderkey LIMIT 3) AS t`,
    expect: 'no-change',
  },
  {
    name: 'global-aggregate-blocks',
    title: 'a constant conjunct does not pass a global aggregate (it returns one row even over no rows)',
    sql: `SELECT * FROM (SELECT count(*) AS n FROM orders) AS t WHERE 1 = 0`,
    expect: 'change',
  },
]);
