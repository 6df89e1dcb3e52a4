/**
 * The estimator over real bound plans: the 22 TPC-H queries, parsed and
 * bound against the hand-built TPC-H catalog (no rules applied, so comma
 * joins are still cross products and subqueries are still expressions).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { annotate, createEstimator } from '../../../compiler/cost/annotate.ts';
import { parseSql } from '../../../compiler/parse/parse.ts';
import { bindQuery } from '../../../compiler/bind/bind.ts';
import type { Plan } from '../../../compiler/ir/plan.ts';
import { forEachNode } from '../../../compiler/ir/walk.ts';
import { TPCH_QUERIES_DIR, tpchQueryFiles } from '../../../corpus/tpch/queries.ts';
import { TPCH_CATALOG } from '../../helpers/tpch-catalog.ts';

function bound(file: string): Plan {
  return bindQuery(parseSql(readFileSync(join(TPCH_QUERIES_DIR, file), 'utf8'), { dialect: 'postgresql' }), TPCH_CATALOG);
}

test('every node of every TPC-H query gets a finite estimate of at least one row', () => {
  const files = tpchQueryFiles();
  assert.equal(files.length, 22);
  for (const file of files) {
    const out = annotate(bound(file), TPCH_CATALOG);
    let subqueryNodes = 0;
    forEachNode(out, (n) => {
      assert.ok(n.est, `${file}: ${n.kind} not annotated`);
      assert.ok(Number.isFinite(n.est.rows) && n.est.rows >= 1, `${file}: ${n.kind} rows ${n.est.rows}`);
      assert.ok(Number.isFinite(n.est.cost) && n.est.cost > 0, `${file}: ${n.kind} cost ${n.est.cost}`);
      subqueryNodes++;
    });
    assert.ok(subqueryNodes > 1, file);
  }
});

test('TPC-H Q1 groups by two low-cardinality flags: 3 · √2 groups', () => {
  const out = annotate(bound('q01.sql'), TPCH_CATALOG);
  let aggregateRows = 0;
  forEachNode(out, (n) => {
    if (n.kind === 'aggregate') aggregateRows = n.est!.rows;
  });
  assert.ok(Math.abs(aggregateRows - 3 * Math.SQRT2) < 1e-9, `groups ${aggregateRows}`);
});

test('TPC-H Q6 keeps the share of lineitem its three independent ranges select', () => {
  const plan = bound('q06.sql');
  const est = createEstimator(TPCH_CATALOG);
  let filterRows = 0;
  forEachNode(plan, (n) => {
    if (n.kind === 'filter') filterRows = est.rows(n);
  });
  // shipdate in [1994-01-01, 1995-01-01): one year of 1992-01-02..1998-12-01;
  // discount BETWEEN 0.06 - 0.01 AND 0.06 + 0.01 of 0..0.1 (11 values); quantity < 24 of 1..50;
  // the bound plan still has `date + interval` and `0.06 - 0.01`: the estimator evaluates them
  const shipSpan = (Date.UTC(1998, 11, 1) - Date.UTC(1992, 0, 2)) / 86_400_000;
  const year = (Date.UTC(1995, 0, 1) - Date.UTC(1994, 0, 1)) / 86_400_000;
  const ship = year / shipSpan; // the two bounds form one range
  const discount = 0.07 / 0.1 + 1 / 11 - 0.05 / 0.1;
  const quantity = 23 / 49;
  const expected = 60175 * ship * discount * quantity;
  assert.ok(Math.abs(filterRows - expected) / expected < 1e-9, `Q6 filter rows ${filterRows}, expected about ${expected}`);
});
