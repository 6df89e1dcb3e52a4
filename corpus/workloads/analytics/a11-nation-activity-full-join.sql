-- Suppliers and buying customers per nation side by side (FULL OUTER JOIN
-- with COALESCE); only 1995 orders count, filtered inside the derived table
-- so that nations without such customers still appear.
select
  coalesce(s.nationkey, c.nationkey) as nationkey,
  coalesce(s.suppliers, 0) as suppliers,
  coalesce(c.buyers, 0) as buyers_1995
from
  (
    select
      s_nationkey as nationkey,
      count(*) as suppliers
    from
      supplier
    where
      s_acctbal > 0
    group by
      s_nationkey
  ) s
  full outer join (
    select
      c_nationkey as nationkey,
      count(distinct c_custkey) as buyers
    from
      customer
      join orders on o_custkey = c_custkey
    where
      o_orderdate between date '1995-01-01' and date '1995-12-31'
      and c_mktsegment = 'MACHINERY'
    group by
      c_nationkey
  ) c on c.nationkey = s.nationkey
order by
  nationkey;
