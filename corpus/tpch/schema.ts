/**
 * The TPC-H schema (specification section 1.4) as DuckDB DDL. Column types
 * are the specification's: identifiers INTEGER (order keys BIGINT, since
 * SF × 6,000,000 passes 2^31 above SF 357), DECIMAL(15,2) money and
 * quantities, DATE, CHAR(n)/VARCHAR(n) text (DuckDB stores both as VARCHAR).
 *
 * Primary keys are declared on every table, but added after the rows are in
 * (`ALTER TABLE … ADD PRIMARY KEY`, one bulk ART build): measured on
 * lineitem at SF 0.3 that costs about a quarter on top of the insert, where
 * declaring the key before inserting costs more than half. Foreign keys are
 * not declared: DuckDB checks them row by row on insert, which is slow, and
 * the generator guarantees them by construction (the tests check them).
 */

/** In the order the generator fills them; `onProgress` reports them in this order. */
export const TPCH_TABLES = ['region', 'nation', 'supplier', 'part', 'partsupp', 'customer', 'lineitem', 'orders'] as const;

export type TpchTable = (typeof TPCH_TABLES)[number];

/** CREATE TABLE statements, without keys (see TPCH_PRIMARY_KEYS). */
export const TPCH_DDL: Readonly<Record<TpchTable, string>> = {
  region: `CREATE TABLE region (
  r_regionkey INTEGER NOT NULL,
  r_name CHAR(25) NOT NULL,
  r_comment VARCHAR(152) NOT NULL
)`,
  nation: `CREATE TABLE nation (
  n_nationkey INTEGER NOT NULL,
  n_name CHAR(25) NOT NULL,
  n_regionkey INTEGER NOT NULL,
  n_comment VARCHAR(152) NOT NULL
)`,
  supplier: `CREATE TABLE supplier (
  s_suppkey INTEGER NOT NULL,
  s_name CHAR(25) NOT NULL,
  s_address VARCHAR(40) NOT NULL,
  s_nationkey INTEGER NOT NULL,
  s_phone CHAR(15) NOT NULL,
  s_acctbal DECIMAL(15,2) NOT NULL,
  s_comment VARCHAR(101) NOT NULL
)`,
  part: `CREATE TABLE part (
  p_partkey INTEGER NOT NULL,
  p_name VARCHAR(55) NOT NULL,
  p_mfgr CHAR(25) NOT NULL,
  p_brand CHAR(10) NOT NULL,
  p_type VARCHAR(25) NOT NULL,
  p_size INTEGER NOT NULL,
  p_container CHAR(10) NOT NULL,
  p_retailprice DECIMAL(15,2) NOT NULL,
  p_comment VARCHAR(23) NOT NULL
)`,
  partsupp: `CREATE TABLE partsupp (
  ps_partkey INTEGER NOT NULL,
  ps_suppkey INTEGER NOT NULL,
  ps_availqty INTEGER NOT NULL,
  ps_supplycost DECIMAL(15,2) NOT NULL,
  ps_comment VARCHAR(199) NOT NULL
)`,
  customer: `CREATE TABLE customer (
  c_custkey INTEGER NOT NULL,
  c_name VARCHAR(25) NOT NULL,
  c_address VARCHAR(40) NOT NULL,
  c_nationkey INTEGER NOT NULL,
  c_phone CHAR(15) NOT NULL,
  c_acctbal DECIMAL(15,2) NOT NULL,
  c_mktsegment CHAR(10) NOT NULL,
  c_comment VARCHAR(117) NOT NULL
)`,
  orders: `CREATE TABLE orders (
  o_orderkey BIGINT NOT NULL,
  o_custkey INTEGER NOT NULL,
  o_orderstatus CHAR(1) NOT NULL,
  o_totalprice DECIMAL(15,2) NOT NULL,
  o_orderdate DATE NOT NULL,
  o_orderpriority CHAR(15) NOT NULL,
  o_clerk CHAR(15) NOT NULL,
  o_shippriority INTEGER NOT NULL,
  o_comment VARCHAR(79) NOT NULL
)`,
  lineitem: `CREATE TABLE lineitem (
  l_orderkey BIGINT NOT NULL,
  l_partkey INTEGER NOT NULL,
  l_suppkey INTEGER NOT NULL,
  l_linenumber INTEGER NOT NULL,
  l_quantity DECIMAL(15,2) NOT NULL,
  l_extendedprice DECIMAL(15,2) NOT NULL,
  l_discount DECIMAL(15,2) NOT NULL,
  l_tax DECIMAL(15,2) NOT NULL,
  l_returnflag CHAR(1) NOT NULL,
  l_linestatus CHAR(1) NOT NULL,
  l_shipdate DATE NOT NULL,
  l_commitdate DATE NOT NULL,
  l_receiptdate DATE NOT NULL,
  l_shipinstruct CHAR(25) NOT NULL,
  l_shipmode CHAR(10) NOT NULL,
  l_comment VARCHAR(44) NOT NULL
)`,
};

/** Primary-key columns per table, added once the table is filled. */
export const TPCH_PRIMARY_KEYS: Readonly<Record<TpchTable, readonly string[]>> = {
  region: ['r_regionkey'],
  nation: ['n_nationkey'],
  supplier: ['s_suppkey'],
  part: ['p_partkey'],
  partsupp: ['ps_partkey', 'ps_suppkey'],
  customer: ['c_custkey'],
  orders: ['o_orderkey'],
  lineitem: ['l_orderkey', 'l_linenumber'],
};
