-- How long customers wait between orders, per market segment: lag and lead
-- over each customer's order history.
with history as (
  select
    c_mktsegment,
    o_custkey,
    o_orderdate,
    o_orderdate - lag(o_orderdate) over (partition by o_custkey order by o_orderdate, o_orderkey) as days_since_previous,
    lead(o_orderdate) over (partition by o_custkey order by o_orderdate, o_orderkey) as next_order
  from
    orders
    join customer on c_custkey = o_custkey
)
select
  c_mktsegment,
  count(*) as orders,
  count(days_since_previous) as repeat_orders,
  min(days_since_previous) as shortest_gap,
  max(days_since_previous) as longest_gap,
  sum(case when next_order is null then 1 else 0 end) as last_orders
from
  history
group by
  c_mktsegment
order by
  c_mktsegment;
