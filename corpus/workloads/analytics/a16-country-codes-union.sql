-- Every phone country code in use with who uses it: UNION removes the
-- duplicates that UNION ALL would keep.
select
  country_code,
  count(*) as kinds
from
  (
    select
      substring(c_phone, 1, 2) as country_code,
      'customer' as kind
    from
      customer
    union
    select
      substring(s_phone, 1, 2) as country_code,
      'supplier' as kind
    from
      supplier
  ) as codes
group by
  country_code
order by
  country_code;
