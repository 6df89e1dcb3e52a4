-- Cross-region supply of brass parts: a comma join of nine table instances
-- (every TPC-H table, nation twice), the kind a join reorderer must solve.
select
  sr.r_name as supplier_region,
  cn.n_name as customer_nation,
  count(*) as lines,
  sum(l_quantity) as quantity,
  sum(ps_supplycost * l_quantity) as supply_cost
from
  part,
  partsupp,
  supplier,
  lineitem,
  orders,
  customer,
  nation sn,
  nation cn,
  region sr
where
  p_partkey = ps_partkey
  and ps_suppkey = s_suppkey
  and l_partkey = ps_partkey
  and l_suppkey = ps_suppkey
  and o_orderkey = l_orderkey
  and c_custkey = o_custkey
  and s_nationkey = sn.n_nationkey
  and sn.n_regionkey = sr.r_regionkey
  and c_nationkey = cn.n_nationkey
  and sn.n_regionkey <> cn.n_regionkey
  and p_type like '%BRASS'
  and o_orderdate >= date '1996-01-01'
group by
  sr.r_name,
  cn.n_name
order by
  supplier_region,
  customer_nation;
