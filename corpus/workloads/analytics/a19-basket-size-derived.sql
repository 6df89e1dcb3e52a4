-- Basket size by order priority for mid-1990s orders: a derived table of
-- per-order line counts, then averages and extremes.
select
  o_orderpriority,
  count(*) as orders,
  avg(line_count) as avg_lines,
  max(line_count) as max_lines,
  sum(case when line_count between 5 and 7 then 1 else 0 end) as big_baskets
from
  (
    select
      o_orderkey,
      o_orderpriority,
      count(*) as line_count
    from
      orders
      join lineitem on l_orderkey = o_orderkey
    where
      o_orderdate between date '1994-06-01' and date '1996-05-31'
      and o_orderpriority in ('1-URGENT', '2-HIGH', '5-LOW')
    group by
      o_orderkey,
      o_orderpriority
  ) as baskets
group by
  o_orderpriority
order by
  o_orderpriority;
