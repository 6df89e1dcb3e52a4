-- Ship modes and instructions with a high share of returned lines, with
-- NULLIF guarding the division and HAVING filtering the groups.
select
  l_shipmode,
  l_shipinstruct,
  count(*) as lines,
  sum(case when l_returnflag = 'R' then 1 else 0 end) as returned,
  round(
    100.0 * sum(case when l_returnflag = 'R' then 1 else 0 end)
      / nullif(sum(case when l_returnflag <> 'N' then 1 else 0 end), 0),
    2
  ) as returned_pct
from
  lineitem
group by
  l_shipmode,
  l_shipinstruct
having
  sum(case when l_returnflag = 'R' then 1 else 0 end) > 0.2 * count(*)
order by
  returned_pct desc,
  l_shipmode,
  l_shipinstruct;
