-- Net revenue per customer region and order year, for local (same-nation) and
-- cross-border deliveries: a six-table comma join for join reordering.
select
  r_name,
  extract(year from o_orderdate) as o_year,
  sum(case when c_nationkey = s_nationkey then l_extendedprice * (1 - l_discount) else 0 end) as local_revenue,
  sum(case when c_nationkey <> s_nationkey then l_extendedprice * (1 - l_discount) else 0 end) as import_revenue,
  count(*) as line_count
from
  customer,
  orders,
  lineitem,
  supplier,
  nation,
  region
where
  c_custkey = o_custkey
  and l_orderkey = o_orderkey
  and l_suppkey = s_suppkey
  and c_nationkey = n_nationkey
  and n_regionkey = r_regionkey
  and o_orderdate between date '1993-01-01' and date '1997-12-31'
group by
  r_name,
  extract(year from o_orderdate)
order by
  r_name,
  o_year;
