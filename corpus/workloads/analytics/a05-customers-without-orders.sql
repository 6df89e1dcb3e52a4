-- Customers who never ordered, per nation, counted two ways that must agree:
-- NOT EXISTS and an outer join keeping the unmatched rows.
select
  n_name,
  (
    select
      count(*)
    from
      customer c
    where
      c.c_nationkey = n.n_nationkey
      and not exists (
        select
          *
        from
          orders o
        where
          o.o_custkey = c.c_custkey
      )
  ) as by_not_exists,
  (
    select
      count(*)
    from
      customer c2
      left join orders o2 on o2.o_custkey = c2.c_custkey
    where
      c2.c_nationkey = n.n_nationkey
      and o2.o_orderkey is null
  ) as by_outer_join
from
  nation n
order by
  n_name;
