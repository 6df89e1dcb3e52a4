-- Customers by segment and account-balance band (CASE), keeping only bands
-- with enough customers (HAVING).
select
  c_mktsegment,
  case
    when c_acctbal < 0 then 'in debt'
    when c_acctbal < 2500 then 'low'
    when c_acctbal < 7500 then 'medium'
    else 'high'
  end as balance_band,
  count(*) as customers,
  avg(c_acctbal) as avg_balance
from
  customer
group by
  c_mktsegment,
  case
    when c_acctbal < 0 then 'in debt'
    when c_acctbal < 2500 then 'low'
    when c_acctbal < 7500 then 'medium'
    else 'high'
  end
having
  count(*) >= 20
order by
  c_mktsegment,
  balance_band;
