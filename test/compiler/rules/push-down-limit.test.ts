import { pushDownLimit } from '../../../compiler/rules/push-down-limit.ts';
import { describeRule } from './rule-case.ts';

describeRule(pushDownLimit, [
  {
    name: 'doc-example',
    title: 'ORDER BY ... LIMIT becomes a TopN, which goes below the projection of pass-through columns',
    sql: `SELECT o_orderkey, o_totalprice FROM orders ORDER BY o_totalprice DESC LIMIT 10`,
    expect: 'change',
  },
  {
    name: 'topn-stops-at-computed-key',
    title: 'a TopN passes a project of pass-through columns but not one that computes its sort key',
    sql: `SELECT * FROM (SELECT o_orderkey AS k, o_totalprice * 2 AS p FROM orders) AS t ORDER BY p DESC, k LIMIT 2`,
    expect: 'change',
  },
  {
    name: 'union-all-branches',
    title: 'LIMIT 5 OFFSET 2 over UNION ALL: each branch limited to 7 rows, the outer limit kept',
    sql: `SELECT o_orderkey FROM orders UNION ALL SELECT l_orderkey FROM lineitem LIMIT 5 OFFSET 2`,
    expect: 'change',
    compare: 'count',
  },
  {
    name: 'left-join-preserved-input',
    title: 'LIMIT over a LEFT JOIN: the preserved input limited too (each of its rows yields at least one)',
    sql: `SELECT c_name, o_orderkey FROM customer LEFT JOIN orders ON c_custkey = o_custkey LIMIT 3`,
    expect: 'change',
    compare: 'count',
  },
  {
    name: 'distinct-blocks',
    title: 'no change: a LIMIT over DISTINCT cannot go below it',
    sql: `SELECT DISTINCT o_custkey FROM orders LIMIT 3`,
    expect: 'no-change',
  },
  {
    name: 'union-distinct-blocks',
    title: 'no change: a LIMIT over UNION (distinct) is not copied into the branches',
    sql: `SELECT o_custkey FROM orders UNION SELECT l_suppkey FROM lineitem LIMIT 3`,
    expect: 'no-change',
  },
]);
