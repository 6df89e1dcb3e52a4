-- Monthly shipped revenue with a running total per year (window frame),
-- and the change against the previous month (lag).
with monthly as (
  select
    extract(year from l_shipdate) as ship_year,
    extract(month from l_shipdate) as ship_month,
    sum(l_extendedprice * (1 - l_discount)) as revenue
  from
    lineitem
  where
    l_shipdate >= date '1995-01-01'
    and l_shipdate < date '1997-01-01'
  group by
    extract(year from l_shipdate),
    extract(month from l_shipdate)
)
select
  ship_year,
  ship_month,
  revenue,
  sum(revenue) over (
    partition by ship_year
    order by ship_month
    rows between unbounded preceding and current row
  ) as year_to_date,
  revenue - lag(revenue) over (order by ship_year, ship_month) as change_from_previous
from
  monthly
order by
  ship_year,
  ship_month;
