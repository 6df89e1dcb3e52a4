import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import nodeSqlParser from 'node-sql-parser';
import { FlightdeckError } from '../../../compiler/errors.ts';
import { listWorkloadQueries, type WorkloadName } from '../../../corpus/workloads/index.ts';

const parser = new nodeSqlParser.Parser();

/** The SQL without `--` comment lines, lower-cased and on one line, for pattern checks. */
function flat(sql: string): string {
  return sql
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join(' ')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

test('listWorkloadQueries lists the 22 TPC-H queries by name, sorted, with their text', () => {
  const queries = listWorkloadQueries('tpch');
  assert.deepEqual(
    queries.map((q) => q.name),
    Array.from({ length: 22 }, (_, i) => `q${String(i + 1).padStart(2, '0')}`),
  );
  for (const q of queries) {
    assert.equal(basename(q.path), `${q.name}.sql`);
    assert.match(q.sql, new RegExp(`^-- TPC-H Q${Number(q.name.slice(1))}: `));
  }
});

test('listWorkloadQueries lists the analytics workload sorted, each query explained by a comment', () => {
  const queries = listWorkloadQueries('analytics');
  assert.ok(queries.length >= 25, `${queries.length} analytics queries`);
  const names = queries.map((q) => q.name);
  assert.deepEqual(names, names.toSorted());
  for (const q of queries) {
    assert.match(q.name, /^a\d\d-[a-z0-9-]+$/);
    assert.match(q.sql, /^-- \S/, `${q.name} starts with a comment saying what it asks`);
  }
});

test('an unknown workload is a not-found error', () => {
  assert.throws(
    () => listWorkloadQueries('nope' as WorkloadName),
    (err: unknown) => err instanceof FlightdeckError && err.code === 'not-found' && /tpch, analytics/.test(err.message),
  );
});

test('every query of both workloads parses with node-sql-parser (postgresql dialect)', () => {
  const failures: string[] = [];
  for (const name of ['tpch', 'analytics'] as const) {
    for (const q of listWorkloadQueries(name)) {
      try {
        parser.astify(q.sql, { database: 'postgresql' });
      } catch (err) {
        failures.push(`${q.name}: ${(err as Error).message.slice(0, 120)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('the TPC-H queries keep the specification row limits, parameters and Q15 as a CTE', () => {
  const sql = Object.fromEntries(listWorkloadQueries('tpch').map((q) => [q.name, flat(q.sql)]));
  const limits: Record<string, number> = { q02: 100, q03: 10, q10: 20, q18: 100, q21: 100 };
  for (const [name, text] of Object.entries(sql)) {
    const limit = /\blimit (\d+)\s*;?\s*$/.exec(text);
    assert.equal(limit ? Number(limit[1]) : undefined, limits[name], `${name} limit`);
  }
  assert.match(sql.q01!, /date '1998-12-01' - interval '90' day/);
  assert.match(sql.q02!, /p_size = 15 and p_type like '%brass'.*r_name = 'europe'/);
  assert.match(sql.q13!, /o_comment not like '%special%requests%'/);
  assert.match(sql.q15!, /^with revenue0 \(supplier_no, total_revenue\) as \(/);
  assert.doesNotMatch(sql.q15!, /create view/);
  assert.match(sql.q16!, /p_size in \(49, 14, 23, 45, 19, 3, 36, 9\)/);
  assert.match(sql.q22!, /substring\(c_phone, 1, 2\) in \('13', '31', '23', '29', '30', '18', '17'\)/);
});

test('the analytics workload covers the constructs an optimizer must handle', () => {
  const all = listWorkloadQueries('analytics').map((q) => ({ name: q.name, sql: flat(q.sql) }));
  const constructs: Record<string, RegExp> = {
    cte: /^with /,
    'cte referenced twice': /with (\w+) as \(.*from \1\b.*from \1\b/,
    row_number: /row_number\(\) over/,
    rank: /\brank\(\) over/,
    dense_rank: /dense_rank\(\) over/,
    'running sum with a frame': /sum\([^)]*\) over \([^)]*rows between unbounded preceding and current row/,
    'moving frame': /rows between \d+ preceding and current row/,
    lag: /\blag\(/,
    lead: /\blead\(/,
    'partition-only aggregate': /(sum|min|count)\([^)]*\) over \(partition by \w+\)/,
    exists: /(?<!not )exists \(/,
    'not exists': /not exists \(/,
    'in subquery': /\bin \( select/,
    'not in subquery': /\bnot in \( select/,
    'scalar subquery in where': /(>|<|=) \( select (avg|max|min|sum|count)\(/,
    'scalar subquery in select': /select [^;]*, \( select (count|max)\([^;]* as \w+/,
    'left join': /left join/,
    'right join': /right join/,
    'full outer join': /full outer join/,
    'union all': /union all/,
    union: /\bunion select/,
    intersect: /\bintersect\b/,
    except: /\bexcept\b/,
    distinct: /select distinct/,
    'count distinct': /count\(distinct/,
    having: /\bhaving\b/,
    case: /\bcase when\b/,
    coalesce: /coalesce\(/,
    like: /\blike '/,
    'not like': /not like '/,
    between: /\bbetween\b/,
    'in list': /\bin \('/,
    'order by + limit': /order by .* limit \d+/,
    'derived table': /from \( select/,
    'comma join of 5+ tables': /from \w+( \w+)?(, \w+( \w+)?){4,} where/,
  };
  const missing = Object.entries(constructs)
    .filter(([, re]) => !all.some((q) => re.test(q.sql)))
    .map(([name]) => name);
  assert.deepEqual(missing, []);
  // the NOT IN over a nullable column: the subquery's column comes from the outer side of a left join
  assert.ok(all.some((q) => /not in \( select s\.s_nationkey from nation n left join supplier s/.test(q.sql)));
});
