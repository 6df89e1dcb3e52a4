-- Large parts and their 1996 sales (RIGHT JOIN): the date filter sits in the
-- ON clause, so parts without 1996 sales keep a row with zero quantity.
select
  p_partkey,
  p_name,
  count(l_orderkey) as lines_1996,
  coalesce(sum(l_quantity), 0) as quantity_1996
from
  lineitem
  right join part on l_partkey = p_partkey
    and l_shipdate >= date '1996-01-01'
    and l_shipdate < date '1997-01-01'
where
  p_size = 50
  and p_container like 'JUMBO%'
group by
  p_partkey,
  p_name
order by
  quantity_1996,
  p_partkey
limit 40;
