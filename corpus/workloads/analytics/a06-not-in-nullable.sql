-- NOT IN over a nullable column: rich suppliers per nation come from an
-- outer join, so nations without one contribute a NULL and `not in` is never
-- true for any customer. The correct answer is zero rows counted; an
-- optimizer that turns NOT IN into a plain anti-join gets it wrong.
select
  count(*) as customers_outside_rich_nations
from
  customer
where
  c_nationkey not in (
    select
      s.s_nationkey
    from
      nation n
      left join supplier s on s.s_nationkey = n.n_nationkey
        and s.s_acctbal > 9000
  );
