import { simplifyOuterJoins } from '../../../compiler/rules/simplify-outer-joins.ts';
import { describeRule } from './rule-case.ts';

describeRule(simplifyOuterJoins, [
  {
    name: 'doc-example',
    title: 'a comparison on a column of the NULL-extended side makes a LEFT JOIN inner',
    sql: `SELECT c_name, o_totalprice FROM customer LEFT JOIN orders ON c_custkey = o_custkey
WHERE o_totalprice > 1000`,
    expect: 'change',
  },
  {
    name: 'or-of-right-columns',
    title: 'an OR whose every side is strict in some right column also rejects the NULL-extended rows',
    sql: `SELECT c_name, o_orderkey FROM customer LEFT JOIN orders ON c_custkey = o_custkey
WHERE o_totalprice > 1000 OR o_orderstatus = 'F'`,
    expect: 'change',
  },
  {
    name: 'right-join',
    title: 'RIGHT JOIN mirrors LEFT: LIKE on the left side makes it inner',
    sql: `SELECT c_name, o_orderkey FROM customer RIGHT JOIN orders ON c_custkey = o_custkey WHERE c_name LIKE 'Customer#%'`,
    expect: 'change',
  },
  {
    name: 'full-to-left',
    title: 'FULL JOIN with its left side null-rejected becomes LEFT',
    sql: `SELECT c_name, o_orderkey FROM customer FULL JOIN orders ON c_custkey = o_custkey WHERE c_acctbal > 0`,
    expect: 'change',
  },
  {
    name: 'full-to-inner',
    title: 'FULL JOIN with both sides null-rejected (IS NOT NULL, BETWEEN) becomes INNER',
    sql: `SELECT c_name, o_orderkey FROM customer FULL JOIN orders ON c_custkey = o_custkey
WHERE c_name IS NOT NULL AND o_totalprice BETWEEN 100 AND 2000`,
    expect: 'change',
  },
  {
    name: 'through-project-and-inner-join',
    title: 'a predicate on a derived-table column, through the projection and a cross join, rejects the LEFT JOIN\'s nulls',
    sql: `SELECT * FROM (SELECT c_name, o_orderkey AS ok FROM customer LEFT JOIN orders ON c_custkey = o_custkey) AS t, lineitem
WHERE ok = l_orderkey`,
    expect: 'change',
  },
  {
    name: 'on-condition-of-outer-join',
    title: 'the ON of a LEFT JOIN rejects rows of its right input: a LEFT JOIN nested there becomes inner',
    sql: `SELECT n_name, s_name FROM nation LEFT JOIN (supplier LEFT JOIN partsupp ON s_suppkey = ps_suppkey)
  ON n_nationkey = ps_availqty`,
    expect: 'change',
  },
  {
    name: 'inside-subquery',
    title: 'outer joins inside an EXISTS plan are simplified too',
    sql: `SELECT n_name FROM nation
WHERE EXISTS (SELECT 1 FROM customer LEFT JOIN orders ON c_custkey = o_custkey
  WHERE c_nationkey = n_nationkey AND o_orderstatus = 'F')`,
    expect: 'change',
  },
  {
    name: 'not-null-rejecting',
    title: 'no change: IS NULL, COALESCE, CASE and an OR with a non-strict side keep NULL-extended rows',
    sql: `SELECT c_name, o_orderkey FROM customer LEFT JOIN orders ON c_custkey = o_custkey
WHERE (o_totalprice IS NULL OR o_totalprice > 1000) AND coalesce(o_orderstatus, 'F') = 'F'
  AND CASE WHEN o_orderkey IS NULL THEN TRUE ELSE o_orderkey > 2 END`,
    expect: 'no-change',
  },
  {
    name: 'limit-stops',
    title: 'no change: a predicate above a LIMIT says nothing about the rows below it; a left-side predicate never helps a LEFT JOIN',
    sql: `SELECT * FROM (SELECT c_name, c_acctbal, o_totalprice FROM customer LEFT JOIN orders ON c_custkey = o_custkey LIMIT 10) AS t
WHERE o_totalprice > 0 AND c_acctbal > 0`,
    expect: 'no-change',
  },
]);
