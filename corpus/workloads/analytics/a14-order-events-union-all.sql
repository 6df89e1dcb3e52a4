-- Events per month of 1996 from three sources stacked with UNION ALL:
-- orders placed, lines shipped, lines received.
select
  event,
  event_month,
  count(*) as events
from
  (
    select
      'placed' as event,
      extract(month from o_orderdate) as event_month
    from
      orders
    where
      o_orderdate between date '1996-01-01' and date '1996-12-31'
    union all
    select
      'shipped' as event,
      extract(month from l_shipdate) as event_month
    from
      lineitem
    where
      l_shipdate between date '1996-01-01' and date '1996-12-31'
    union all
    select
      'received' as event,
      extract(month from l_receiptdate) as event_month
    from
      lineitem
    where
      l_receiptdate between date '1996-01-01' and date '1996-12-31'
  ) as events
group by
  event,
  event_month
order by
  event,
  event_month;
