/**
 * The correctness verdict of a flighted template: static nondeterminism is
 * never a mismatch, a difference asks for the base again, a base that
 * disagrees with itself is nondeterministic, the original SQL's result
 * judges the head for reference builds, and both-empty is counted apart.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideCorrectness } from '../../../flighting/compare/determinism.ts';
import { closeComparisonEngine } from '../../../flighting/compare/compare-rows.ts';
import { analyzeQueryShape } from '../../../flighting/compare/query-shape.ts';
import { closeSummaryHelper, summarizeQuery } from '../../helpers/result-summary.ts';

after(async () => {
  await closeComparisonEngine();
  await closeSummaryHelper();
});

const PLAIN = analyzeQueryShape('select k, v from t');
const r = (rows: string, maxRows = 0): ReturnType<typeof summarizeQuery> => summarizeQuery(`SELECT * FROM (VALUES ${rows}) t(k, v)`, { maxRows });
const float = (x: string, maxRows = 0): ReturnType<typeof summarizeQuery> => summarizeQuery(`SELECT ${x}::DOUBLE AS f`, { maxRows });
const A = `(1, 'a'), (2, 'b')`;
const B = `(1, 'a'), (2, 'x')`;

test('agreeing results are the same; both empty is the same and says so', async () => {
  const same = await decideCorrectness({ shape: PLAIN, base: await r(A), head: await r(`(2, 'b'), (1, 'a')`) });
  assert.equal(same.verdict, 'same');
  assert.equal(same.detail.emptyBoth, false);
  const empty = 'SELECT 1 AS k WHERE false';
  const both = await decideCorrectness({ shape: PLAIN, base: await summarizeQuery(empty), head: await summarizeQuery(empty) });
  assert.deepEqual([both.verdict, both.detail.emptyBoth, both.detail.reason], ['same', true, 'both sides returned no rows']);
  // one side empty is a plain difference
  const one = await decideCorrectness({ shape: PLAIN, base: await r(A), head: await summarizeQuery(empty) });
  assert.deepEqual([one.verdict, one.detail.emptyBoth], ['needs-base-again', false]);
});

test('a difference asks for the base again; a repeatable base makes it a result-mismatch', async () => {
  const base = await r(A);
  const head = await r(B);
  assert.equal((await decideCorrectness({ shape: PLAIN, base, head })).verdict, 'needs-base-again');
  const d = await decideCorrectness({ shape: PLAIN, base, head, baseAgain: await r(`(2, 'b'), (1, 'a')`) });
  assert.equal(d.verdict, 'result-mismatch');
  assert.equal(d.detail.baseVsHead.kind === 'mismatch' && d.detail.baseVsHead.columns[0], 'v');
  assert.equal(d.detail.baseVsBaseAgain?.kind, 'same');
});

test('a base that disagrees with itself makes the template nondeterministic, not a mismatch', async () => {
  const d = await decideCorrectness({ shape: PLAIN, base: await r(A), head: await r(B), baseAgain: await r(`(1, 'a'), (2, 'c')`) });
  assert.equal(d.verdict, 'nondeterministic');
  assert.match(d.detail.reason, /disagrees with its own re-run/);
});

test('static nondeterminism: LIMIT without ORDER BY and random() differ as nondeterministic, agree as same', async () => {
  for (const sql of ['select k, v from t limit 2', 'select k, v from t where random() < 0.5', 'select k, v from t tablesample 50%']) {
    const shape = analyzeQueryShape(sql);
    const differ = await decideCorrectness({ shape, base: await r(A), head: await r(B) });
    assert.equal(differ.verdict, 'nondeterministic', sql);
    assert.ok((differ.detail.nondeterminism?.length ?? 0) > 0, sql);
    assert.equal((await decideCorrectness({ shape, base: await r(A), head: await r(A) })).verdict, 'same', sql);
  }
});

test('ORDER BY + LIMIT: differing only in tied rows at the boundary is nondeterministic; over hidden keys, inconclusive', async () => {
  const top = analyzeQueryShape('select k, v from t order by k limit 2');
  const tied = await decideCorrectness({ shape: top, base: await r(`(1, 'a'), (2, 'b')`, 10), head: await r(`(1, 'a'), (2, 'z')`, 10) });
  assert.equal(tied.verdict, 'nondeterministic');
  const wrong = await decideCorrectness({ shape: top, base: await r(`(1, 'a'), (2, 'b')`, 10), head: await r(`(1, 'q'), (2, 'b')`, 10), baseAgain: await r(`(1, 'a'), (2, 'b')`, 10) });
  assert.equal(wrong.verdict, 'result-mismatch');
  const hidden = analyzeQueryShape('select k, v from t order by k * 2 limit 2');
  const unsure = await decideCorrectness({ shape: hidden, base: await r(A), head: await r(B), baseAgain: await r(A) });
  assert.equal(unsure.verdict, 'inconclusive');
});

test('a comparison that needs rows names the results to re-execute', async () => {
  const d = await decideCorrectness({ shape: PLAIN, base: await float('1.23456789051'), head: await float('1.23456789049') });
  assert.equal(d.verdict, 'needs-rows');
  assert.deepEqual(d.detail.needRows, ['base', 'head']);
  assert.equal(d.detail.rowsWanted, 1);
});

test('original SQL cross-check: the head is judged against it', async () => {
  // 0.8e-9 apart each step: base ~ head and original ~ base, but head is 1.6e-9 from the original
  const original = await float('1.0', 5);
  const base = await float('1.0000000008', 5);
  const head = await float('1.0000000016', 5);
  const drift = await decideCorrectness({ shape: PLAIN, original, base, head });
  assert.equal(drift.detail.baseVsHead.kind, 'same');
  assert.equal(drift.verdict, 'needs-base-again');
  const broke = await decideCorrectness({ shape: PLAIN, original, base, head, baseAgain: base });
  assert.equal(broke.verdict, 'result-mismatch');
  assert.equal(broke.detail.note, undefined);

  const right = await r(A, 10);
  const wrong = await r(B, 10);
  const fixed = await decideCorrectness({ shape: PLAIN, original: right, base: wrong, head: right, baseAgain: wrong });
  assert.deepEqual([fixed.verdict, fixed.detail.note], ['same', 'base-wrong']);
  const both = await decideCorrectness({ shape: PLAIN, original: right, base: wrong, head: await r(`(1, 'a'), (2, 'y')`, 10), baseAgain: wrong });
  assert.deepEqual([both.verdict, both.detail.note], ['result-mismatch', 'both-differ-from-original']);
  const headOnly = await decideCorrectness({ shape: PLAIN, original: right, base: right, head: wrong, baseAgain: right });
  assert.deepEqual([headOnly.verdict, headOnly.detail.note], ['result-mismatch', undefined]);
  const allAgree = await decideCorrectness({ shape: PLAIN, original: right, base: right, head: right });
  assert.equal(allAgree.verdict, 'same');
});
