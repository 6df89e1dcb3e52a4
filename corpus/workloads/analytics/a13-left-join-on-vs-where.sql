-- The same filter in ON and in WHERE gives different answers: with it in ON
-- every household customer of the nation stays (zero urgent orders); with
-- it in WHERE only those with urgent orders remain.
select
  n_name,
  (
    select
      count(distinct c.c_custkey)
    from
      customer c
      left join orders o on o.o_custkey = c.c_custkey
        and o.o_orderpriority = '1-URGENT'
    where
      c.c_nationkey = n_nationkey
      and c.c_mktsegment = 'HOUSEHOLD'
  ) as customers_filter_in_on,
  (
    select
      count(distinct c.c_custkey)
    from
      customer c
      left join orders o on o.o_custkey = c.c_custkey
    where
      c.c_nationkey = n_nationkey
      and c.c_mktsegment = 'HOUSEHOLD'
      and o.o_orderpriority = '1-URGENT'
  ) as customers_filter_in_where
from
  nation
where
  n_regionkey = 2
order by
  n_name;
