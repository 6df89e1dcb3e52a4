-- For a handful of customers: their latest order date and largest order
-- (correlated scalar subqueries in the SELECT list), COALESCE for none.
select
  c_custkey,
  c_name,
  (
    select
      max(o_orderdate)
    from
      orders
    where
      o_custkey = c_custkey
  ) as latest_order,
  coalesce((
    select
      max(o_totalprice)
    from
      orders
    where
      o_custkey = c_custkey
  ), 0) as largest_order
from
  customer
where
  c_custkey between 100 and 130
order by
  c_custkey;
