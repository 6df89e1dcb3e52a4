-- Urgent orders with late lines: a correlated scalar count in SELECT and a
-- correlated aggregate in WHERE (more than the customer's average order).
select
  o_orderkey,
  o_custkey,
  o_totalprice,
  (
    select
      count(*)
    from
      lineitem
    where
      l_orderkey = o_orderkey
      and l_receiptdate > l_commitdate
  ) as late_lines
from
  orders o
where
  o_orderpriority = '1-URGENT'
  and o_orderdate >= date '1996-01-01'
  and o_totalprice > (
    select
      avg(o2.o_totalprice) * 2
    from
      orders o2
    where
      o2.o_custkey = o.o_custkey
  )
order by
  o_totalprice desc,
  o_orderkey
limit 25;
