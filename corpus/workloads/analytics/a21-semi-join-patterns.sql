-- Automobile customers who bought promotional parts (IN subquery, a semi
-- join) and who also had a line returned (EXISTS).
select
  c_custkey,
  c_name,
  c_acctbal
from
  customer
where
  c_mktsegment = 'AUTOMOBILE'
  and c_custkey in (
    select
      o_custkey
    from
      orders
      join lineitem on l_orderkey = o_orderkey
      join part on p_partkey = l_partkey
    where
      p_type like 'PROMO%'
  )
  and exists (
    select
      *
    from
      orders
      join lineitem on l_orderkey = o_orderkey
    where
      o_custkey = c_custkey
      and l_returnflag = 'R'
  )
order by
  c_acctbal desc,
  c_custkey
limit 20;
