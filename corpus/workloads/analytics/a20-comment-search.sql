-- Orders whose comments mention pending or express deposits, with the
-- parts named after a colour (LIKE, NOT LIKE, BETWEEN).
select
  o_orderkey,
  o_orderdate,
  count(*) as matching_lines
from
  orders
  join lineitem on l_orderkey = o_orderkey
  join part on p_partkey = l_partkey
where
  (o_comment like '%pending%deposits%' or o_comment like '%express%deposits%')
  and o_comment not like '%special%'
  and (p_name like '%khaki%' or p_name like 'lemon%')
  and o_orderdate between date '1992-01-01' and date '1995-12-31'
group by
  o_orderkey,
  o_orderdate
order by
  o_orderdate,
  o_orderkey;
