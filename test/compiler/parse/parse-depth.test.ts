/**
 * Queries nested deeper than the parser or binder can take get a located
 * `too-deep` error, never a stack overflow dressed as `parse-error` or
 * `internal-error` (issue #6 §2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSql } from '../../../compiler/parse/parse.ts';
import { compileWithReference } from '../../../compiler/builds/reference-compile.ts';
import { MAX_NESTING, MAX_TREE_DEPTH } from '../../../compiler/parse/nesting-limit.ts';
import { TPCH_CATALOG } from '../../helpers/tpch-catalog.ts';
import { expectError } from './helpers.ts';

const terms = (n: number, term: (i: number) => string, sep: string) => Array.from({ length: n }, (_, i) => term(i)).join(sep);

const DEEP: Record<string, string> = {
  '5,000 nested parentheses': `select ${'('.repeat(5000)}1${')'.repeat(5000)} from nation`,
  'a 5,000-term + chain': `select ${terms(5000, () => 'n_nationkey', ' + ')} from nation`,
  '5,000 NOTs': `select * from nation where ${'not '.repeat(5000)}n_nationkey = 1`,
  'a 5,000-term AND chain': `select * from nation where ${terms(5000, (i) => `n_nationkey <> ${i}`, ' and ')}`,
  '5,000 unary minus': `select ${'- '.repeat(5000)}1 from nation`,
  '1,000 nested CASE': `select ${'case when n_nationkey = 1 then '.repeat(1000)}1${' end'.repeat(1000)} from nation`,
  '1,000 nested IN subqueries': (() => {
    let q = 'select n_nationkey from nation';
    for (let i = 0; i < 1000; i++) q = `select n_nationkey from nation where n_nationkey in (${q})`;
    return q;
  })(),
};

for (const [what, sql] of Object.entries(DEEP)) {
  test(`${what}: too-deep from the parser, with the query`, () => {
    const err = expectError(() => parseSql(sql), 'too-deep');
    assert.ok(err.location?.query, 'the error names the query');
  });

  test(`${what}: too-deep through the reference build`, () => {
    const r = compileWithReference(sql, TPCH_CATALOG);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'too-deep', !r.ok ? r.error.message : '');
  });
}

test('too-deep points at the parenthesis that passes the limit', () => {
  const sql = `select\n  ${'('.repeat(MAX_NESTING + 1)}1${')'.repeat(MAX_NESTING + 1)} from nation`;
  const err = expectError(() => parseSql(sql), 'too-deep');
  assert.deepEqual([err.location?.line, err.location?.column], [2, MAX_NESTING + 3]);
});

test('a long run of NOT is located at the NOT that passes the limit; an operator chain at its start', () => {
  const nots = expectError(() => parseSql(`select *\nfrom nation\nwhere ${'not '.repeat(MAX_TREE_DEPTH + 1)}n_nationkey = 1`), 'too-deep');
  assert.deepEqual([nots.location?.line, nots.location?.column], [3, 7 + 4 * MAX_TREE_DEPTH]);
  const chain = expectError(() => parseSql(`select\n  ${terms(5000, () => 'n_nationkey', ' + ')} from nation`), 'too-deep');
  assert.deepEqual([chain.location?.line, chain.location?.column], [2, 3]);
});

test('queries just inside the limits still compile', () => {
  const chain = `select * from nation where ${terms(MAX_TREE_DEPTH - 20, (i) => `n_nationkey = ${i}`, ' or ')}`;
  const parens = `select ${'('.repeat(MAX_NESTING - 5)}n_nationkey${')'.repeat(MAX_NESTING - 5)} from nation`;
  const nots = `select * from nation where ${'not '.repeat(MAX_TREE_DEPTH - 20)}n_nationkey = 1`;
  for (const sql of [chain, parens, nots]) {
    const r = compileWithReference(sql, TPCH_CATALOG);
    assert.ok(r.ok, !r.ok ? `${r.error.code}: ${r.error.message}` : '');
  }
});
