-- Price positions of parts inside their brand: rank and dense_rank over the
-- same ordering differ where prices tie.
select
  p_brand,
  p_partkey,
  p_retailprice,
  rank() over (partition by p_brand order by p_retailprice desc) as price_rank,
  dense_rank() over (partition by p_brand order by p_retailprice desc) as price_dense_rank
from
  part
where
  p_brand in ('Brand#13', 'Brand#31')
  and p_size between 10 and 20
order by
  p_brand,
  price_rank,
  p_partkey
limit 50;
