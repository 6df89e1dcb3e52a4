-- Each supplier's share of a part's total supply cost and its position
-- among the part's four suppliers (partition-only aggregates).
select
  ps_partkey,
  ps_suppkey,
  ps_supplycost,
  round(ps_supplycost / sum(ps_supplycost) over (partition by ps_partkey), 4) as cost_share,
  min(ps_supplycost) over (partition by ps_partkey) as cheapest,
  count(*) over (partition by ps_partkey) as suppliers
from
  partsupp
where
  ps_partkey <= 40
order by
  ps_partkey,
  ps_suppkey;
