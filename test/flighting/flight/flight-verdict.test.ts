/**
 * How a flown template's evidence becomes its verdict, on the cases that
 * hide bugs: a speed-up whose results were not proven equal is never good
 * news; a re-execution that fails after a difference was seen never turns
 * into a pass; a head that refuses or dies where the base ran fails the gate.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ExecuteOptions, ExecuteResult } from '../../../flighting/execute/execute-result.ts';
import { checkResults } from '../../../flighting/flight-correctness.ts';
import { executionVerdict, flightVerdict } from '../../../flighting/flight-verdict.ts';
import { closeComparisonEngine } from '../../../flighting/compare/compare-rows.ts';
import { closeSummaryHelper, summarizeQuery } from '../../helpers/result-summary.ts';

after(async () => {
  await closeSummaryHelper();
  await closeComparisonEngine();
});

const ok = async (sql: string): Promise<ExecuteResult> => ({ ok: true, latencyMs: 1, result: await summarizeQuery(sql) });
const failed = (status: 'timeout' | 'crash' | 'error' | 'unsupported' | 'not-executable' | 'resource'): ExecuteResult => ({ ok: false, status, error: { code: status, message: `it ${status}` }, latencyMs: 1 });

test('results not proven equal: a speed-up is inconclusive, never faster; a slowdown is still reported', () => {
  assert.equal(flightVerdict('inconclusive', 'faster'), 'inconclusive');
  assert.equal(flightVerdict('not-compared', 'faster'), 'inconclusive');
  assert.equal(flightVerdict('nondeterministic', 'faster'), 'nondeterministic');
  assert.equal(flightVerdict('inconclusive', 'slower'), 'slower');
  assert.equal(flightVerdict('result-mismatch', 'faster'), 'result-mismatch');
  assert.equal(flightVerdict('same', 'faster'), 'faster');
  assert.equal(flightVerdict('same', 'not-measured'), 'same');
});

test('a head that refuses, hangs or dies where the base ran is a failing verdict', async () => {
  const base = await ok('SELECT 1 AS x');
  assert.equal(executionVerdict(base, failed('unsupported'))?.verdict, 'new-error');
  assert.equal(executionVerdict(base, failed('timeout'))?.verdict, 'timeout');
  assert.equal(executionVerdict(base, failed('resource'))?.verdict, 'resource');
  assert.equal(executionVerdict(base, failed('not-executable'))?.verdict, 'not-executable');
  assert.equal(executionVerdict(failed('error'), failed('crash'))?.verdict, 'crash', 'a crashing head is news even where the base failed');
  assert.equal(executionVerdict(failed('error'), failed('error'))?.verdict, 'both-error');
  assert.equal(executionVerdict(failed('error'), base)?.verdict, 'fixed-error');
});

test('a base re-run that fails after base and head differed is inconclusive, never a pass or an error of the base', async () => {
  const base = await ok('SELECT range AS x FROM range(10)');
  const head = await ok('SELECT range AS x FROM range(9)');
  let baseRuns = 0;
  const runs = {
    sql: 'SELECT x FROM t',
    base: async (_o: ExecuteOptions) => (++baseRuns === 1 ? base : failed('timeout')),
    head: async (_o: ExecuteOptions) => head,
  };
  const d = await checkResults(runs, { timeoutMs: 1000, maxRows: 100, tolerance: { relative: 1e-9, absolute: 1e-12 } }, { compareMs: 0 });
  assert.equal(d.correctness, 'inconclusive');
  assert.equal(d.rerunFailed, true);
  assert.match(d.detail, /the base run again timeout on re-execution/);
  assert.ok(d.base.ok && d.head.ok, 'the first results stay what is reported');
  assert.equal(baseRuns, 2);
  // and the same difference with a repeatable base is a mismatch naming the column
  const again = await checkResults({ ...runs, base: async () => base }, { timeoutMs: 1000, maxRows: 100, tolerance: { relative: 1e-9, absolute: 1e-12 } }, { compareMs: 0 });
  assert.equal(again.correctness, 'result-mismatch');
  assert.match(again.detail, /differing columns: x/);
});
