-- Customers whose 1997 spend is more than twice the average spend: one CTE,
-- referenced twice (once for the rows, once for the average).
with spend_1997 as (
  select
    o_custkey,
    sum(o_totalprice) as spend,
    count(*) as orders
  from
    orders
  where
    o_orderdate between date '1997-01-01' and date '1997-12-31'
  group by
    o_custkey
)
select
  c_custkey,
  c_name,
  s.spend,
  s.orders
from
  spend_1997 s
  join customer on c_custkey = s.o_custkey
where
  s.spend > 2 * (
    select
      avg(spend)
    from
      spend_1997
  )
order by
  s.spend desc,
  c_custkey
limit 30;
