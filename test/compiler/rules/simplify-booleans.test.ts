import { simplifyBooleans } from '../../../compiler/rules/simplify-booleans.ts';
import { describeRule } from './rule-case.ts';

describeRule(simplifyBooleans, [
  {
    name: 'doc-example',
    title: 'TPC-H Q19 shape: the join predicate common to every OR branch is factored out',
    sql: `SELECT l_orderkey FROM lineitem, part
WHERE (p_partkey = l_partkey AND p_brand = 'Brand#12' AND l_quantity <= 11)
   OR (p_partkey = l_partkey AND p_brand = 'Brand#23' AND l_quantity >= 10)`,
    expect: 'change',
  },
  {
    name: 'absorb-true-false-duplicates',
    title: 'AND TRUE, OR FALSE, duplicate conjuncts and a OR (a AND b) disappear',
    sql: `SELECT o_orderkey FROM orders
WHERE o_totalprice > 1000 AND TRUE AND (o_orderstatus = 'F' OR FALSE) AND o_totalprice > 1000
  AND (o_custkey = 1 OR (o_custkey = 1 AND o_orderpriority = '1-URGENT'))`,
    expect: 'change',
  },
  {
    name: 'not-pushed-into-predicates',
    title: 'NOT NOT x, NOT of comparisons / IS NULL / LIKE / IN / BETWEEN / EXISTS, De Morgan — all NULL-safe',
    sql: `SELECT o_orderkey FROM orders
WHERE NOT (NOT (o_orderstatus = 'F')) AND NOT (o_totalprice < 1000) AND NOT (o_comment LIKE '%x%')
  AND NOT (o_orderdate IS NULL) AND NOT (o_custkey IN (1, 2)) AND NOT (o_totalprice BETWEEN 1 AND 2)
  AND NOT (o_orderkey = 1 OR o_orderkey = 2)
  AND NOT (EXISTS (SELECT 1 FROM lineitem WHERE l_orderkey = o_orderkey AND l_quantity > 100))`,
    expect: 'change',
  },
  {
    name: 'filter-true-removed',
    title: 'a WHERE that simplifies to TRUE leaves no Filter',
    sql: `SELECT o_orderkey FROM orders WHERE o_totalprice > 0 OR TRUE`,
    expect: 'change',
  },
  {
    name: 'inner-join-on-true',
    title: 'an inner join ON TRUE is a cross join',
    sql: `SELECT o_orderkey, c_name FROM orders JOIN customer ON TRUE`,
    expect: 'change',
  },
  {
    name: 'inside-subquery',
    title: 'predicates inside a correlated EXISTS plan are simplified too',
    sql: `SELECT c_name FROM customer
WHERE EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey AND TRUE AND o_custkey = c_custkey)`,
    expect: 'change',
  },
  {
    name: 'filter-false-kept',
    title: 'no change: WHERE FALSE stays (it returns no rows)',
    sql: `SELECT o_orderkey FROM orders WHERE FALSE`,
    expect: 'no-change',
  },
  {
    name: 'volatile-not-deduplicated',
    title: 'no change: two random() conjuncts are not duplicates; ORs without a common conjunct stay',
    sql: `SELECT o_orderkey FROM orders
WHERE random() < 0.5 AND random() < 0.5 AND ((o_orderstatus = 'F' AND o_totalprice > 10) OR (o_orderstatus = 'O' AND o_totalprice > 20))`,
    expect: 'no-change',
  },
]);
