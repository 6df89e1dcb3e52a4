/**
 * Normalising DuckDB's EXPLAIN (FORMAT JSON) output and locating its errors:
 * pure functions, fed with the shapes DuckDB 1.3.2 and 1.5.6 really produce.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertDuckdbExplain, normalizeDuckdbPlan, printDuckdbPlan } from '../../../compiler/builds/duckdb-plan.ts';
import { duckdbErrorToProtocol } from '../../../compiler/builds/duckdb-explain.ts';

/** A 1.3.2-style plan: trailing spaces in names, a quoted database name, compression projections. */
const RAW_132 = [
  {
    name: 'TOP_N',
    children: [
      {
        name: 'PROJECTION',
        children: [
          {
            name: 'HASH_GROUP_BY',
            children: [
              {
                name: 'PROJECTION',
                children: [
                  {
                    name: 'HASH_JOIN',
                    children: [
                      {
                        name: 'SEQ_SCAN ',
                        children: [],
                        extra_info: {
                          Table: '"my-db".main.orders',
                          Type: 'Sequential Scan',
                          Projections: ['o_custkey', 'o_comment'],
                          Filters: ["o_comment !~~ '%a.b.c%'", 'o_orderdate>=\'1995-01-01\'::DATE'],
                          'Estimated Cardinality': '40',
                        },
                      },
                      { name: 'SEQ_SCAN ', children: [], extra_info: { Table: 'customer', Projections: 'c_custkey', 'Estimated Cardinality': '10' } },
                    ],
                    extra_info: { 'Join Type': 'INNER', Conditions: ['o_custkey = c_custkey', 'o_x = c_x'], 'Estimated Cardinality': '40' },
                  },
                ],
                extra_info: { Projections: ['__internal_compress_integral_utinyint(#0, 1)', '#1'], 'Estimated Cardinality': '40' },
              },
            ],
            extra_info: { Groups: '#0', Aggregates: '', 'Estimated Cardinality': '8' },
          },
        ],
        extra_info: { Projections: ['__internal_decompress_integral_integer(#0, 1)', '#1'], 'Estimated Cardinality': '8' },
      },
    ],
    extra_info: { 'Order By': '"my-db".main.orders.o_custkey DESC', Top: '5' },
  },
];

test('simplified: names trimmed, tables unqualified, compression projections folded, no estimates', () => {
  const roots = normalizeDuckdbPlan(RAW_132);
  assert.equal(
    printDuckdbPlan(roots, 'simplified'),
    [
      'TOP_N',
      '  HASH_GROUP_BY',
      '    HASH_JOIN(join_type=[INNER], conditions=[o_custkey = c_custkey AND o_x = c_x])',
      "      SEQ_SCAN(table=[orders], filters=[o_comment !~~ '%a.b.c%' AND o_orderdate>='1995-01-01'::DATE])",
      '      SEQ_SCAN(table=[customer])',
      '',
    ].join('\n'),
  );
});

test('explain: every detail, in a fixed key order, estimates last, compression kept', () => {
  const roots = normalizeDuckdbPlan(RAW_132);
  assert.equal(
    printDuckdbPlan(roots, 'explain'),
    [
      'TOP_N(order_by=[orders.o_custkey DESC], top=[5])',
      '  PROJECTION(projections=[__internal_decompress_integral_integer(#0, 1), #1], estimated_cardinality=[8])',
      '    HASH_GROUP_BY(groups=[#0], estimated_cardinality=[8])',
      '      PROJECTION(projections=[__internal_compress_integral_utinyint(#0, 1), #1], estimated_cardinality=[40])',
      '        HASH_JOIN(join_type=[INNER], conditions=[o_custkey = c_custkey AND o_x = c_x], estimated_cardinality=[40])',
      "          SEQ_SCAN(table=[orders], filters=[o_comment !~~ '%a.b.c%' AND o_orderdate>='1995-01-01'::DATE], type=[Sequential Scan], projections=[o_custkey, o_comment], estimated_cardinality=[40])",
      '          SEQ_SCAN(table=[customer], projections=[c_custkey], estimated_cardinality=[10])',
      '',
    ].join('\n'),
  );
});

test('json is the normalised tree; cost sums the estimates of real operators; rows falls back below a root without one', () => {
  const r = convertDuckdbExplain(JSON.stringify(RAW_132));
  const root = r.json as { op: string; details: Record<string, string>; children: { internal?: boolean }[] };
  assert.equal(root.op, 'TOP_N');
  assert.deepEqual(Object.keys(root.details), ['order_by', 'top']);
  assert.equal(root.children[0]!.internal, true);
  // 8 (group by) + 40 (join) + 40 + 10 (scans); the two compression projections do not count
  assert.equal(r.cost, 98);
  // TOP_N has no estimate: the decompress projection right under it says 8
  assert.equal(r.rows, 8);
});

test('a projection that computes something is not a compression projection', () => {
  const roots = normalizeDuckdbPlan({
    name: 'PROJECTION',
    children: [{ name: 'DUMMY_SCAN', children: [], extra_info: {} }],
    extra_info: { Projections: ['__internal_compress_integral_utinyint(#0, 1)', '(#1 + 1)'], 'Estimated Cardinality': '1' },
  });
  assert.equal(roots[0]!.internal, undefined);
  assert.equal(printDuckdbPlan(roots, 'simplified'), 'PROJECTION\n  DUMMY_SCAN\n');
});

test('DuckDB errors: code mapped, LINE excerpt removed, line/column relative to the query', () => {
  // the build sends "EXPLAIN (FORMAT JSON)\n" + sql, so DuckDB's LINE 3 is the query's line 2
  const sql = 'select *\nfrom t where c_nme = 1';
  const msg = 'Binder Error: Referenced column "c_nme" not found in FROM clause!\nCandidate bindings: "c_name"\n\nLINE 3: from t where c_nme = 1\n                     ^';
  assert.deepEqual(duckdbErrorToProtocol(msg, sql), {
    code: 'unknown-column',
    message: 'Binder Error: Referenced column "c_nme" not found in FROM clause!\nCandidate bindings: "c_name"',
    line: 2,
    column: 14,
  });
  assert.deepEqual(duckdbErrorToProtocol('Parser Error: syntax error at end of input', 'select'), {
    code: 'parse-error',
    message: 'Parser Error: syntax error at end of input',
  });
  assert.equal(duckdbErrorToProtocol('Catalog Error: Table with name nope does not exist!', 'x').code, 'unknown-table');
  assert.equal(duckdbErrorToProtocol('Not implemented Error: x', 'x').code, 'unsupported');
  assert.equal(duckdbErrorToProtocol('Out of Memory Error: x', 'x').code, 'build-error');
  // what the sandbox refuses: files and the network, and writes to the read-only catalog
  const denied = duckdbErrorToProtocol('Permission Error: Cannot access file "/etc/passwd" - file system operations are disabled by configuration', 'x');
  assert.equal(denied.code, 'unsupported');
  assert.match(denied.message, /^refused by the sandbox \(no file, network or extension access\): Permission Error: Cannot access file "\/etc\/passwd"/);
  const write = duckdbErrorToProtocol('Invalid Input Error: Cannot execute statement of type "EXPLAIN" on database "tpch" which is attached in read-only mode!', 'x');
  assert.equal(write.code, 'unsupported');
  assert.match(write.message, /^refused by the sandbox \(the catalog is read-only; only queries are compiled\): Invalid Input Error/);
  assert.equal(duckdbErrorToProtocol('Invalid Input Error: Could not convert string', 'x').code, 'type-error');
});

test('DuckDB errors on a long line: the cut excerpt is found in the query to give the column', () => {
  const sql = `select * from t where a = '${'x'.repeat(100)}' and bad_col = 1`;
  const at = sql.indexOf('bad_col');
  const shown = '...' + sql.slice(at - 20, at + 20) + '...';
  const caret = ' '.repeat('LINE 2: '.length + 3 + 20) + '^';
  const r = duckdbErrorToProtocol(`Binder Error: Referenced column "bad_col" not found\n\nLINE 2: ${shown}\n${caret}`, sql);
  assert.equal(r.line, 1);
  assert.equal(r.column, at + 1);
});
