/**
 * The dashboard's plain helpers: the templates page's URL ⇄ API query
 * mapping (the URL is the only state, so a shared link must reproduce the
 * same request), the log-scale histogram bins, and number formatting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { facetsPath, outcomesPath, readQuery, updateParams } from '../../ui/src/pages/templates-query.ts';
import { ratioBins } from '../../ui/src/charts/bins.ts';
import { fmtInt, fmtRatio } from '../../ui/src/format.ts';

test('the templates URL becomes the API query, and unknown sorts fall back to impact', () => {
  const q = readQuery(new URLSearchParams('verdict=regressed,new-error&cluster=sig%201&q=50%25_off&sort=cost-ratio&order=asc&page=2'));
  assert.equal(outcomesPath('run 1', q), '/api/runs/run%201/outcomes?verdict=regressed%2Cnew-error&cluster=sig+1&q=50%25_off&sort=cost-ratio&order=asc&limit=50&offset=100');
  assert.equal(facetsPath('run 1', q), '/api/runs/run%201/facets?verdict=regressed%2Cnew-error&cluster=sig+1&q=50%25_off');
  const bad = readQuery(new URLSearchParams('sort=drop table&order=sideways&page=-3'));
  assert.deepEqual([bad.sort, bad.order, bad.page], ['impact', 'desc', 0]);
});

test('changing a filter goes back to the first page; paging keeps the filters', () => {
  const p = new URLSearchParams('verdict=regressed&page=3');
  assert.equal(updateParams(p, { table: 'orders' }).toString(), 'verdict=regressed&table=orders');
  assert.equal(updateParams(p, { page: '4' }).toString(), 'verdict=regressed&page=4');
  assert.equal(updateParams(p, { verdict: '' }).toString(), '');
});

test('cost ratios fall into half-power-of-two bins centred on ×1, every bin between the extremes present', () => {
  const bins = ratioBins([
    { costRatio: 1, verdict: 'plan-changed' },
    { costRatio: 1.1, verdict: 'plan-changed' },
    { costRatio: 4, verdict: 'regressed' },
    { costRatio: 0.5, verdict: 'improved' },
    { costRatio: 0, verdict: 'plan-changed' },
  ]);
  assert.deepEqual(
    bins.map((b) => [b.label, b.count, b.regressed, b.improved]),
    [
      ['×1/2', 1, 0, 1],
      ['×1/1.4', 0, 0, 0],
      ['×1', 2, 0, 0],
      ['×1.4', 0, 0, 0],
      ['×2', 0, 0, 0],
      ['×2.8', 0, 0, 0],
      ['×4', 1, 1, 0],
    ],
  );
  assert.equal(ratioBins([{ costRatio: 1e9, verdict: 'regressed' }]).at(-1)!.label, '≥×256');
});

test('integers get thousands separators, ratios a ×', () => {
  assert.deepEqual([0, 999, 1000, -1234567, 2.5e6 + 0.4].map(fmtInt), ['0', '999', '1,000', '-1,234,567', '2,500,000']);
  assert.equal(fmtInt(null), '—');
  assert.equal(fmtRatio(2.345), '×2.35');
  assert.equal(fmtRatio(null), '—');
});
