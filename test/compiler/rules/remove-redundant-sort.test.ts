import { removeRedundantSort } from '../../../compiler/rules/remove-redundant-sort.ts';
import { describeRule } from './rule-case.ts';

describeRule(removeRedundantSort, [
  {
    name: 'doc-example',
    title: 'the ORDER BY inside an IN subquery goes; a repeated sort key goes',
    sql: `SELECT c_name FROM customer
WHERE c_custkey IN (SELECT o_custkey FROM orders ORDER BY o_orderdate)
ORDER BY c_name, c_name DESC`,
    expect: 'change',
  },
  {
    name: 'sort-under-sort',
    title: 'a derived table\'s ORDER BY under the query\'s own ORDER BY is re-sorted anyway',
    sql: `SELECT * FROM (SELECT o_orderkey, o_totalprice FROM orders ORDER BY o_totalprice) AS t ORDER BY o_orderkey`,
    expect: 'change',
  },
  {
    name: 'sorts-under-join-and-aggregate',
    title: 'sorts feeding a GROUP BY and a join input are removed',
    sql: `SELECT c_name, t.n FROM customer JOIN (SELECT o_custkey, count(*) AS n
  FROM (SELECT o_custkey FROM orders ORDER BY o_orderdate) AS x GROUP BY o_custkey ORDER BY n) AS t
ON c_custkey = o_custkey`,
    expect: 'change',
  },
  {
    name: 'single-row-input',
    title: 'sorting the one row of a global aggregate does nothing',
    sql: `SELECT count(*) AS n FROM orders ORDER BY n`,
    expect: 'change',
  },
  {
    name: 'limit-keeps-sort',
    title: 'no change: a sort under a LIMIT decides which rows are kept, even under a join',
    sql: `SELECT c_name, t.o_orderkey FROM customer
JOIN (SELECT o_orderkey, o_custkey FROM orders ORDER BY o_totalprice DESC LIMIT 3) AS t ON c_custkey = t.o_custkey`,
    expect: 'no-change',
  },
  {
    name: 'order-sensitive-aggregate',
    title: 'no change: string_agg reads its input in order, so the sort below it stays',
    sql: `SELECT string_agg(o_comment, ',') AS s FROM (SELECT o_comment FROM orders ORDER BY o_orderkey) AS t`,
    expect: 'no-change',
  },
  {
    name: 'root-derived-table',
    title: 'no change: the ORDER BY of a derived table that is the whole result is observed',
    sql: `SELECT * FROM (SELECT o_orderkey FROM orders ORDER BY o_orderkey) AS t`,
    expect: 'no-change',
  },
]);
