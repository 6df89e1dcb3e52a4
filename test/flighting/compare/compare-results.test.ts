/**
 * compareResults on summaries made the way the executor makes them (the
 * test helper runs each query on a real in-memory DuckDB): multisets by
 * checksum, float tolerance, exact DECIMAL, ORDER BY with ties, truncated
 * rows, and the rows compared inside DuckDB.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults } from '../../../flighting/compare/compare-results.ts';
import { closeComparisonEngine } from '../../../flighting/compare/compare-rows.ts';
import { analyzeQueryShape } from '../../../flighting/compare/query-shape.ts';
import type { Agreement, MismatchAgreement } from '../../../flighting/compare/agreement.ts';
import type { ResultSummary } from '../../../flighting/execute/execute-result.ts';
import { FlightdeckError } from '../../../compiler/errors.ts';
import { closeSummaryHelper, summarizeQuery } from '../../helpers/result-summary.ts';

after(async () => {
  await closeComparisonEngine();
  await closeSummaryHelper();
});

const UNORDERED = analyzeQueryShape('select k, v from t');
const BY_K = analyzeQueryShape('select k, v from t order by k');

/** a VALUES result; `rows` is SQL row text, e.g. `(1, 'a'), (2, 'b')` */
function values(columns: string, rows: string): string {
  return `SELECT * FROM (VALUES ${rows}) t(${columns})`;
}

async function pair(baseSql: string, headSql: string, maxRows = 0): Promise<[ResultSummary, ResultSummary]> {
  return [await summarizeQuery(baseSql, { maxRows }), await summarizeQuery(headSql, { maxRows })];
}

const MANY = 'SELECT i AS k, (i * 1.5)::DOUBLE AS f FROM range(50) r(i) ORDER BY i';

function mismatch(a: Agreement): MismatchAgreement {
  assert.equal(a.kind, 'mismatch', JSON.stringify(a));
  return a as MismatchAgreement;
}

test('equal multisets in a different order are the same, from the checksums alone', async () => {
  const [b, h] = await pair(values('k, v', `(1, 'a'), (2, 'b'), (2, 'b'), (3, NULL)`), values('k, v', `(3, NULL), (2, 'b'), (1, 'a'), (2, 'b')`));
  assert.deepEqual(await compareResults(b, h, UNORDERED), { kind: 'same', evidence: 'checksums', orderChecked: false });
  // a duplicate is not the same as a single row
  const [b2, h2] = await pair(values('k', '(1), (1), (2)'), values('k', '(1), (2), (2)'));
  assert.equal((await compareResults(b2, h2, UNORDERED)).kind, 'mismatch');
});

test('one changed value: a mismatch naming its column, from the checksums and, with rows, with sample rows', async () => {
  const base = values('k, v, w', `(1, 'a', 10), (2, 'b', 20), (3, 'c', 30)`);
  const head = values('k, v, w', `(1, 'a', 10), (2, 'b', 21), (3, 'c', 30)`);
  const [b, h] = await pair(base, head);
  const fromSums = mismatch(await compareResults(b, h, UNORDERED));
  assert.deepEqual([fromSums.columns, fromSums.evidence, fromSums.rowCountDelta], [['w'], 'checksums', 0]);

  const [br, hr] = await pair(base, head, 100);
  const fromRows = mismatch(await compareResults(br, hr, UNORDERED));
  assert.deepEqual(fromRows.columns, ['w']);
  assert.deepEqual(fromRows.columnPositions, [2]);
  assert.equal(fromRows.evidence, 'rows');
  assert.deepEqual(fromRows.sampleRows, [
    { side: 'base', position: 1, row: ['2', 'b', '20'] },
    { side: 'head', position: 1, row: ['2', 'b', '21'] },
  ]);
});

test('a dropped row gives rowCountDelta -1 and the dropped row as the sample', async () => {
  const base = values('k, v', `(1, 'a'), (2, 'b'), (3, 'c')`);
  const head = values('k, v', `(1, 'a'), (3, 'c')`);
  const [b, h] = await pair(base, head);
  assert.equal(mismatch(await compareResults(b, h, UNORDERED)).rowCountDelta, -1);
  const [br, hr] = await pair(base, head, 10);
  const m = mismatch(await compareResults(br, hr, UNORDERED));
  assert.equal(m.rowCountDelta, -1);
  assert.deepEqual(m.sampleRows, [{ side: 'base', position: 1, row: ['2', 'b'] }]);
  // every row dropped
  const [be, he] = await pair(base, `${base} WHERE false`, 10);
  const all = mismatch(await compareResults(be, he, UNORDERED));
  assert.deepEqual([all.rowCountDelta, all.columns, all.sampleRows?.length], [-3, ['k', 'v'], 3]);
  // decided by checksums, a float column is named apart: its tolerance was not checked
  const [bf, hf] = await pair(values('k, f', '(1, 0.5::DOUBLE), (2, 1.5::DOUBLE)'), values('k, f', '(1, 0.5::DOUBLE)'));
  const mf = mismatch(await compareResults(bf, hf, UNORDERED));
  assert.deepEqual([mf.rowCountDelta, mf.columns, mf.uncheckedColumns], [-1, ['k'], ['f']]);
});

test('values swapped between rows: column checksums agree, the row checksum does not; the rows name the column', async () => {
  const base = values('k, v', `(1, 'a'), (2, 'b')`);
  const head = values('k, v', `(1, 'b'), (2, 'a')`);
  const [b, h] = await pair(base, head);
  assert.deepEqual(b.columnChecksums, h.columnChecksums);
  assert.deepEqual(mismatch(await compareResults(b, h, UNORDERED)).columns, []);
  const [br, hr] = await pair(base, head, 10);
  assert.deepEqual(mismatch(await compareResults(br, hr, UNORDERED)).columns, ['v']);
});

test('floats: within the tolerance the same (after asking for the rows), beyond it a mismatch; the tolerance is configurable', async () => {
  // 1.23456789051 and 1.23456789049 round apart at 10 digits but differ by 1.6e-11 relative
  const base = values('k, f', '(1, 1.23456789051::DOUBLE), (2, 0.5::DOUBLE), (3, 1e-13::DOUBLE)');
  const near = values('k, f', '(2, 0.5::DOUBLE), (1, 1.23456789049::DOUBLE), (3, 0::DOUBLE)');
  const far = values('k, f', '(1, 1.001::DOUBLE), (2, 0.5::DOUBLE), (3, 1e-13::DOUBLE)');
  const [b, h] = await pair(base, near);
  const ask = await compareResults(b, h, UNORDERED);
  assert.deepEqual(ask.kind === 'needs-rows' && [ask.need, ask.rowsWanted], ['float-tolerance', 3]);
  const [br, hr] = await pair(base, near, 10);
  assert.deepEqual(await compareResults(br, hr, UNORDERED), { kind: 'same', evidence: 'rows', orderChecked: false });

  const [bf, hf] = await pair(base, far, 10);
  const m = mismatch(await compareResults(bf, hf, UNORDERED));
  assert.deepEqual(m.columns, ['f']);
  assert.deepEqual(m.sampleRows, [
    { side: 'base', position: 0, row: ['1', 1.23456789051] },
    { side: 'head', position: 0, row: ['1', 1.001] },
  ]);
  assert.equal((await compareResults(bf, hf, UNORDERED, { relative: 0.2, absolute: 0 })).kind, 'same');
  assert.equal((await compareResults(bf, hf, UNORDERED, { relative: 0.1, absolute: 0 })).kind, 'mismatch');
  // 1e-13 against 0 passes only by the absolute tolerance
  assert.equal((await compareResults(br, hr, UNORDERED, { relative: 1e-9, absolute: 0 })).kind, 'mismatch');
});

test('a tolerance tighter than the checksum rounding is not decided by equal checksums', async () => {
  const [b, h] = await pair('SELECT 0.1::DOUBLE + 0.2::DOUBLE AS f', 'SELECT 0.3::DOUBLE AS f');
  assert.equal((await compareResults(b, h, UNORDERED)).kind, 'same');
  const exactFloats = { relative: 0, absolute: 0 };
  assert.equal((await compareResults(b, h, UNORDERED, exactFloats)).kind, 'needs-rows');
  const [br, hr] = await pair('SELECT 0.1::DOUBLE + 0.2::DOUBLE AS f', 'SELECT 0.3::DOUBLE AS f', 5);
  assert.deepEqual(mismatch(await compareResults(br, hr, UNORDERED, exactFloats)).columns, ['f']);
});

test('NaN equals NaN, infinities only themselves, NULL is its own value', async () => {
  const specials = `('nan'::DOUBLE), ('inf'::DOUBLE), ('-inf'::DOUBLE), (NULL), (1.5::DOUBLE)`;
  const [b, h] = await pair(values('f', specials), values('f', `(1.5::DOUBLE), (NULL), ('-inf'::DOUBLE), ('nan'::DOUBLE), ('inf'::DOUBLE)`), 10);
  assert.equal(b.rows?.[0]?.[0], 'NaN');
  assert.equal((await compareResults(b, h, UNORDERED)).kind, 'same');
  for (const [replaced, by] of [['inf', '1.7976931348623157e308::DOUBLE'], ['inf', `'-inf'::DOUBLE`], ['nan', 'NULL'], ['nan', `'inf'::DOUBLE`]] as const) {
    const head = specials.replace(`('${replaced}'::DOUBLE)`, `(${by})`);
    const [b2, h2] = await pair(values('f', specials), values('f', head), 10);
    const m = mismatch(await compareResults(b2, h2, UNORDERED));
    assert.deepEqual(m.columns, ['f'], `${replaced} → ${by}`);
  }
});

test('DECIMAL compares exactly by its text; a changed scale compares by value and reports the type change', async () => {
  const [b, h] = await pair('SELECT 0.10::DECIMAL(18,2) AS d', 'SELECT 0.10::DECIMAL(18,2) AS d');
  assert.equal(b.rows, undefined);
  assert.equal((await compareResults(b, h, UNORDERED)).kind, 'same');
  // an exact difference far below any float tolerance is still a mismatch, without asking for rows
  const [b2, h2] = await pair('SELECT 1000000000000.10::DECIMAL(18,2) AS d', 'SELECT 1000000000000.11::DECIMAL(18,2) AS d');
  assert.deepEqual(mismatch(await compareResults(b2, h2, UNORDERED)).evidence, 'checksums');

  const [b3, h3] = await pair('SELECT 0.10::DECIMAL(18,2) AS d UNION ALL SELECT -0.00', 'SELECT 0.1::DECIMAL(18,1) AS d UNION ALL SELECT 0.0');
  const ask = await compareResults(b3, h3, UNORDERED);
  assert.equal(ask.kind === 'needs-rows' && ask.need, 'retyped-numbers');
  const [b4, h4] = await pair('SELECT 0.10::DECIMAL(18,2) AS d UNION ALL SELECT -0.00', 'SELECT 0.1::DECIMAL(18,1) AS d UNION ALL SELECT 0.0', 10);
  assert.deepEqual(await compareResults(b4, h4, UNORDERED), {
    kind: 'same',
    evidence: 'rows',
    orderChecked: false,
    columnTypeChanges: [{ position: 0, name: 'd', base: 'DECIMAL(18,2)', head: 'DECIMAL(18,1)' }],
  });
  const [b5, h5] = await pair('SELECT 0.10::DECIMAL(18,2) AS d', 'SELECT 0.2::DECIMAL(18,1) AS d', 10);
  assert.deepEqual(mismatch(await compareResults(b5, h5, UNORDERED)).columns, ['d']);
  // DECIMAL to DOUBLE: compared as floats
  const [b6, h6] = await pair('SELECT 0.10::DECIMAL(18,2) AS d', 'SELECT 0.1::DOUBLE AS d', 10);
  assert.equal((await compareResults(b6, h6, UNORDERED)).kind, 'same');
});

test('ORDER BY: rows tied on the key may permute; a broken key order is an order-only mismatch', async () => {
  const base = values('k, v', `(1, 'a'), (1, 'b'), (2, 'c'), (3, 'd')`);
  const tiesPermuted = values('k, v', `(1, 'b'), (1, 'a'), (2, 'c'), (3, 'd')`);
  const broken = values('k, v', `(1, 'a'), (2, 'c'), (1, 'b'), (3, 'd')`);
  const [b, h] = await pair(base, tiesPermuted);
  const ask = await compareResults(b, h, BY_K);
  assert.equal(ask.kind === 'needs-rows' && ask.need, 'order-ties');
  const [br, hr] = await pair(base, tiesPermuted, 10);
  assert.deepEqual(await compareResults(br, hr, BY_K), { kind: 'same', evidence: 'rows', orderChecked: true });
  // identical order: settled by the ordered checksum
  assert.deepEqual(await compareResults(b, b, BY_K), { kind: 'same', evidence: 'checksums', orderChecked: true });

  const [bb, hb] = await pair(base, broken, 10);
  const m = mismatch(await compareResults(bb, hb, BY_K));
  assert.equal(m.orderOnly, true);
  assert.deepEqual(m.columns, ['k']);
  assert.deepEqual(m.sampleRows?.slice(0, 2), [
    { side: 'base', position: 1, row: ['1', 'b'] },
    { side: 'head', position: 1, row: ['2', 'c'] },
  ]);
  // unordered, the same rows are the same result
  assert.equal((await compareResults(bb, hb, UNORDERED)).kind, 'same');
  // an ORDER BY that cannot be checked by value leaves the multiset comparison
  assert.equal((await compareResults(bb, hb, analyzeQueryShape('select k, v from t order by k + 1'))).kind, 'same');
});

test('columns compare by position: other names are the same result, another column count a mismatch', async () => {
  const [b, h] = await pair('SELECT 1 AS a, 2 AS b', 'SELECT 1 AS x, 2 AS y');
  assert.equal((await compareResults(b, h, UNORDERED)).kind, 'same');
  const [b2, h2] = await pair('SELECT 1 AS a, 2 AS b', 'SELECT 1 AS a');
  assert.deepEqual(mismatch(await compareResults(b2, h2, UNORDERED)).columnCount, { base: 2, head: 1 });
  const [b3, h3] = await pair('SELECT 1::INTEGER AS a', 'SELECT 1::BIGINT AS a');
  assert.deepEqual(await compareResults(b3, h3, UNORDERED), {
    kind: 'same',
    evidence: 'checksums',
    orderChecked: false,
    columnTypeChanges: [{ position: 0, name: 'a', base: 'INTEGER', head: 'BIGINT' }],
  });
});

test('truncated rows: the comparison covers what both sides returned and says how many rows', async () => {
  // ordered: a float beyond tolerance in the first 10 rows is found
  const [b, h] = await pair(MANY, `SELECT i AS k, CASE WHEN i = 3 THEN 99 ELSE i * 1.5 END::DOUBLE AS f FROM range(50) r(i) ORDER BY i`, 10);
  assert.equal(b.rowsTruncated, true);
  const byK = analyzeQueryShape('select k, f from t order by k');
  const m = mismatch(await compareResults(b, h, byK));
  assert.equal(m.coveredRows, 9); // the last of 10 given rows may tie with rows not given
  assert.deepEqual(m.columns, ['f']);
  // a difference past the rows given: not settled
  const [b2, h2] = await pair(MANY, `SELECT i AS k, CASE WHEN i = 40 THEN 99 ELSE i * 1.5 END::DOUBLE AS f FROM range(50) r(i) ORDER BY i`, 10);
  const unsettled = await compareResults(b2, h2, byK);
  assert.deepEqual(unsettled.kind === 'inconclusive' && unsettled.coveredRows, 9);
  // the same multiset (by checksums) with two rows swapped in the prefix: an order-only mismatch
  const [b3, h3] = await pair(MANY, 'SELECT i AS k, (i * 1.5)::DOUBLE AS f FROM range(50) r(i) ORDER BY CASE i WHEN 2 THEN 3 WHEN 3 THEN 2 ELSE i END', 10);
  const swapped = mismatch(await compareResults(b3, h3, byK));
  assert.deepEqual([swapped.orderOnly, swapped.columns, swapped.sampleRows?.[0]], [true, ['k'], { side: 'base', position: 2, row: ['2', 3] }]);
  // unordered: truncated rows are not comparable as multisets
  const un = await compareResults(b2, h2, UNORDERED);
  assert.deepEqual(un.kind === 'inconclusive' && un.coveredRows, 0);
});

test('ORDER BY + LIMIT: different rows tied at the boundary are flagged tiedAtLimit, others are not', async () => {
  const top = analyzeQueryShape('select k, v from t order by k limit 3');
  const [b, h] = await pair(values('k, v', `(1, 'a'), (2, 'b'), (3, 'c')`), values('k, v', `(1, 'a'), (2, 'b'), (3, 'z')`));
  const ask = await compareResults(b, h, top);
  assert.equal(ask.kind === 'needs-rows' && ask.need, 'limit-ties');
  const [br, hr] = await pair(values('k, v', `(1, 'a'), (2, 'b'), (3, 'c')`), values('k, v', `(1, 'a'), (2, 'b'), (3, 'z')`), 10);
  assert.equal(mismatch(await compareResults(br, hr, top)).tiedAtLimit, true);
  const [bx, hx] = await pair(values('k, v', `(1, 'a'), (2, 'b'), (3, 'c')`), values('k, v', `(1, 'a'), (2, 'x'), (3, 'c')`), 10);
  assert.equal(mismatch(await compareResults(bx, hx, top)).tiedAtLimit, undefined);
});

test('malformed summaries and tolerances are located errors', async () => {
  const [b] = await pair('SELECT 1 AS a', 'SELECT 1 AS a');
  await assert.rejects(compareResults(b, { ...b, columnChecksums: [] }, UNORDERED), (e: unknown) => e instanceof FlightdeckError && e.code === 'protocol-error' && /head result summary/.test(e.message));
  await assert.rejects(compareResults(b, { ...b, rows: [['1', '2']] }, UNORDERED), (e: unknown) => e instanceof FlightdeckError && /row 0/.test(e.message));
  await assert.rejects(compareResults(b, b, UNORDERED, { relative: -1, absolute: 0 }), (e: unknown) => e instanceof FlightdeckError && e.code === 'usage-error');
});
