-- How many different ship modes and instructions customers' orders use
-- (DISTINCT and count(distinct)).
select distinct
  c_mktsegment,
  mode_count
from
  (
    select
      c_custkey,
      c_mktsegment,
      count(distinct l_shipmode) as mode_count,
      count(distinct l_shipinstruct) as instruction_count
    from
      customer
      join orders on o_custkey = c_custkey
      join lineitem on l_orderkey = o_orderkey
    where
      o_orderdate < date '1993-01-01'
    group by
      c_custkey,
      c_mktsegment
  ) as per_customer
where
  instruction_count >= 2
order by
  c_mktsegment,
  mode_count;
