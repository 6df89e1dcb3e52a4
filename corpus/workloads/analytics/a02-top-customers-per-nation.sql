-- The three biggest spenders of each nation (row_number over a CTE), with
-- their share of their nation's spend (a partition-only window aggregate).
with customer_spend as (
  select
    c_custkey,
    c_name,
    c_nationkey,
    sum(o_totalprice) as spend
  from
    customer
    join orders on o_custkey = c_custkey
  group by
    c_custkey,
    c_name,
    c_nationkey
),
ranked as (
  select
    c_custkey,
    c_name,
    c_nationkey,
    spend,
    row_number() over (partition by c_nationkey order by spend desc, c_custkey) as spend_rank,
    sum(spend) over (partition by c_nationkey) as nation_spend
  from
    customer_spend
)
select
  n_name,
  spend_rank,
  c_name,
  spend,
  round(100 * spend / nation_spend, 2) as pct_of_nation
from
  ranked
  join nation on n_nationkey = c_nationkey
where
  spend_rank <= 3
order by
  n_name,
  spend_rank;
