-- The top five suppliers of each 1995 quarter by revenue (rank() over a
-- grouped query).
select
  ship_quarter,
  supplier_rank,
  s_name,
  revenue
from
  (
    select
      extract(quarter from l_shipdate) as ship_quarter,
      l_suppkey,
      sum(l_extendedprice * (1 - l_discount)) as revenue,
      rank() over (
        partition by extract(quarter from l_shipdate)
        order by sum(l_extendedprice * (1 - l_discount)) desc, l_suppkey
      ) as supplier_rank
    from
      lineitem
    where
      l_shipdate between date '1995-01-01' and date '1995-12-31'
    group by
      extract(quarter from l_shipdate),
      l_suppkey
  ) as ranked
  join supplier on s_suppkey = l_suppkey
where
  supplier_rank <= 5
order by
  ship_quarter,
  supplier_rank;
