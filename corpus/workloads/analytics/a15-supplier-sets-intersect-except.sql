-- European suppliers that shipped by AIR in 1997 but not by TRUCK in its
-- first quarter: INTERSECT then EXCEPT of supplier keys (INTERSECT binds
-- tighter, so this is (european ∩ air) − truck).
with european as (
  select
    s_suppkey as suppkey
  from
    supplier
    join nation on n_nationkey = s_nationkey
    join region on r_regionkey = n_regionkey
  where
    r_name = 'EUROPE'
),
by_air as (
  select
    l_suppkey as suppkey
  from
    lineitem
  where
    l_shipmode = 'AIR'
    and l_shipdate between date '1997-01-01' and date '1997-12-31'
),
by_truck as (
  select
    l_suppkey as suppkey
  from
    lineitem
  where
    l_shipmode = 'TRUCK'
    and l_shipdate between date '1997-01-01' and date '1997-03-31'
)
select
  s_suppkey,
  s_name
from
  supplier
where
  s_suppkey in (
    select suppkey from european
    intersect
    select suppkey from by_air
    except
    select suppkey from by_truck
  )
order by
  s_suppkey;
