-- Daily 1998 order volume with a seven-day moving sum and the day's rank
-- inside its month.
with daily as (
  select
    o_orderdate,
    count(*) as orders,
    sum(o_totalprice) as value
  from
    orders
  where
    o_orderdate >= date '1998-01-01'
  group by
    o_orderdate
)
select
  o_orderdate,
  orders,
  sum(orders) over (order by o_orderdate rows between 6 preceding and current row) as orders_7d,
  sum(value) over (order by o_orderdate rows between 6 preceding and current row) as value_7d,
  dense_rank() over (partition by extract(month from o_orderdate) order by orders desc) as busy_rank
from
  daily
order by
  o_orderdate
limit 60;
