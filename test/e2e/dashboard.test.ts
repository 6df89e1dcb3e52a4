/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core)
 * against the real server, on a store filled by a real playback and flight
 * (dashboard-fixture.ts): the runs list, a run overview with its charts
 * drawn, the templates table filtered and its URL shared, a plan diff with
 * its changed nodes highlighted, approving with and without the role, and
 * the live progress of a playback that another process (the CLI) is writing
 * into the same store file. Screenshots of the main pages are saved to
 * reports/e2e/ (FLIGHTDECK_ARTIFACTS).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser.ts';
import { runCliAsync, spawnCli } from '../helpers/cli.ts';
import { FAKE_OPTIMIZER } from '../helpers/playback-fixture.ts';
import { ARTIFACTS, BUG, REVIEWER, startDashboardFixture, VIEWER, type DashboardFixture } from './dashboard-fixture.ts';
import { CATCHES } from '../fixtures/buggy-optimizer/bugs.ts';

let fx: DashboardFixture;
let chromium: LaunchedBrowser;

before(async () => {
  fx = await startDashboardFixture();
  chromium = await launchChromium();
});

after(async () => {
  await chromium?.close();
  await fx?.close();
});

async function open(path: string, token = VIEWER): Promise<Page> {
  const context = await chromium.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(`${fx.url}${path}${path.includes('?') ? '&' : '?'}token=${token}`);
  return page;
}

const pageErrors = (page: Page) => (page as Page & { errors?: string[] }).errors ?? [];

async function api<T>(path: string, token = VIEWER): Promise<T> {
  const res = await fetch(`${fx.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as T;
}

test('the runs list shows both runs with their verdict counts; the token leaves the address bar', async () => {
  const page = await open('/');
  await page.getByTestId('run-row').first().waitFor();
  const rows = page.getByTestId('run-row');
  assert.equal(await rows.count(), 2);
  const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run')));
  assert.deepEqual(new Set(ids), new Set([fx.playbackId, fx.flightId]));
  const flightRow = page.locator(`[data-testid=run-row][data-run="${fx.flightId}"]`);
  assert.equal(await flightRow.getAttribute('data-status'), 'done');
  // the flight's result mismatch is counted on its row
  const mismatch = flightRow.locator('[data-testid=verdict-badge][data-verdict="result-mismatch"]');
  assert.ok(Number(await mismatch.locator('b').textContent()) >= 1);
  assert.doesNotMatch(page.url(), /token=/);
  await page.screenshot({ path: join(ARTIFACTS, 'runs.png') });
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});

test('a flight overview draws its charts; the result mismatch is listed; a scatter point opens its template', async () => {
  const page = await open(`/runs/${fx.flightId}`);
  const latency = page.getByTestId('chart-latency');
  await latency.locator('.recharts-scatter-symbol').first().waitFor();
  const timed = (await api<{ latency: unknown[] }>(`/api/runs/${fx.flightId}`)).latency.length;
  assert.ok(timed >= 2, 'the changed templates and the controls were timed');
  assert.equal(await latency.locator('.recharts-scatter-symbol').count(), timed, 'one point per timed template');
  const mismatches = page.getByTestId('mismatches');
  await mismatches.waitFor();
  const caught = (await api<{ rows: { fingerprint: string; sql: string }[] }>(`/api/runs/${fx.flightId}/outcomes?verdict=result-mismatch`)).rows;
  assert.ok(caught.length >= 1, `the ${BUG} bug is caught (${CATCHES[BUG]!.template})`);
  assert.ok((await mismatches.textContent())!.includes(caught[0]!.fingerprint.slice(0, 8)));
  await page.screenshot({ path: join(ARTIFACTS, 'flight-overview.png'), fullPage: true });
  await latency.locator('.recharts-scatter-symbol').first().click();
  await page.waitForURL(/\/templates\//);
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});

test('a playback overview draws the cost-ratio distribution and the change clusters', async () => {
  const page = await open(`/runs/${fx.playbackId}`);
  await page.getByTestId('chart-cost-ratios').locator('.recharts-bar-rectangle').first().waitFor();
  await page.getByTestId('chart-clusters').locator('.recharts-bar-rectangle').first().waitFor();
  const clusters = (await api<{ clusters: unknown[] }>(`/api/runs/${fx.playbackId}`)).clusters;
  const bars = await page.getByTestId('chart-clusters').locator('.recharts-bar-rectangle').count();
  // two bars per cluster: its size and its impact
  assert.ok(clusters.length >= 1 && bars >= 1 && bars <= 2 * clusters.length, `${bars} bars for ${clusters.length} clusters`);
  await page.screenshot({ path: join(ARTIFACTS, 'playback-overview.png'), fullPage: true });
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});

test('filtering the templates table puts the filters in the URL; the URL opened elsewhere shows the same rows', async () => {
  const facets = await api<{ verdict: { value: string; count: number }[] }>(`/api/runs/${fx.playbackId}/facets`);
  const verdict = facets.verdict[0]!; // the largest: a filter with something to narrow
  const page = await open(`/runs/${fx.playbackId}/templates`);
  await page.getByTestId('template-row').first().waitFor();
  await page.getByTestId('filter-verdict').selectOption(verdict.value);
  await page.waitForURL(new RegExp(`verdict=${verdict.value}`));
  await page.waitForFunction((n) => document.querySelector('[data-testid=templates-table]')?.getAttribute('data-total') === String(n), verdict.count);
  const shown = await page.getByTestId('template-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-fingerprint'), e.getAttribute('data-verdict')]));
  assert.ok(shown.length >= 1 && shown.every(([, v]) => v === verdict.value), JSON.stringify(shown));
  // a text search narrows it further, also in the URL: a word of one of the rows' SQL
  const rowsApi = (await api<{ rows: { sql: string }[] }>(`/api/runs/${fx.playbackId}/outcomes?verdict=${verdict.value}`)).rows;
  const word = /\bfrom\s+(\w+)/i.exec(rowsApi[0]!.sql)?.[1] ?? 'select';
  const expected = (await api<{ total: number }>(`/api/runs/${fx.playbackId}/outcomes?verdict=${verdict.value}&q=${word}`)).total;
  assert.ok(expected >= 1);
  await page.getByTestId('filter-q').fill(word);
  await page.waitForURL(new RegExp(`q=${word}`));
  await page.waitForFunction((n) => document.querySelector('[data-testid=templates-table]')?.getAttribute('data-total') === String(n), expected);
  await page.screenshot({ path: join(ARTIFACTS, 'templates.png') });
  const shared = new URL(page.url());
  const filtered = await page.getByTestId('template-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-fingerprint')));
  assert.equal(filtered.length, Math.min(expected, 50));
  // someone else opens the link
  const other = await open(`${shared.pathname}${shared.search}`);
  await other.waitForFunction((n) => document.querySelector('[data-testid=templates-table]')?.getAttribute('data-total') === String(n), expected);
  assert.equal(await other.getByTestId('filter-verdict').inputValue(), verdict.value);
  assert.equal(await other.getByTestId('filter-q').inputValue(), word);
  assert.deepEqual(await other.getByTestId('template-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-fingerprint'))), filtered);
  assert.deepEqual([...pageErrors(page), ...pageErrors(other)], []);
  await page.context().close();
  await other.context().close();
});

test('a plan diff shows both trees with the changed nodes highlighted, and the text diff on request', async () => {
  const changed = (await api<{ rows: { fingerprint: string }[] }>(`/api/runs/${fx.playbackId}/outcomes?verdict=plan-changed,regressed,improved&limit=1`)).rows[0];
  assert.ok(changed, 'the buggy head changes at least one plan');
  const detail = await api<{ plans: { counts: Record<string, number> } }>(`/api/runs/${fx.playbackId}/templates/${changed.fingerprint}`);
  const page = await open(`/runs/${fx.playbackId}/templates/${changed.fingerprint}`);
  const head = page.getByTestId('plan-head');
  await head.locator('[data-testid=plan-node]').first().waitFor();
  const edits = async (tree: string) =>
    page.getByTestId(tree).locator('[data-testid=plan-node]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edit')));
  const headEdits = await edits('plan-head');
  const baseEdits = await edits('plan-base');
  const n = (xs: (string | null)[], k: string) => xs.filter((x) => x === k).length;
  const { insert = 0, remove = 0, move = 0, update = 0 } = detail.plans.counts;
  assert.equal(n(headEdits, 'insert'), insert, 'every inserted node is marked in the head tree');
  assert.equal(n(baseEdits, 'remove'), remove, 'every removed node is marked in the base tree');
  assert.ok(insert + remove + move + update > 0 && headEdits.some((e) => e !== 'keep'));
  // a changed node is drawn differently from a kept one
  const styleOf = (edit: string) =>
    head.locator(`[data-testid=plan-node][data-edit="${edit}"] .pn-row`).first().evaluate((el) => `${getComputedStyle(el).backgroundColor} ${getComputedStyle(el).borderLeftColor}`);
  const changedEdit = headEdits.find((e) => e !== 'keep')!;
  assert.notEqual(await styleOf(changedEdit), await styleOf('keep'));
  await page.screenshot({ path: join(ARTIFACTS, 'plan-diff.png'), fullPage: true });
  await page.getByTestId('text-diff-toggle').click();
  const text = page.getByTestId('text-diff');
  await text.waitFor();
  assert.match((await text.textContent())!, /\+/);
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});

test('approving: a viewer cannot (the button says why); a reviewer approves with a reason, visible at once and in the store', async () => {
  const target = (await api<{ rows: { fingerprint: string; approved: boolean }[] }>(`/api/runs/${fx.playbackId}/outcomes?verdict=plan-changed,regressed,improved&limit=1`)).rows[0]!;
  assert.equal(target.approved, false);
  const viewer = await open(`/runs/${fx.playbackId}/templates/${target.fingerprint}`);
  await viewer.getByTestId('approval').waitFor();
  assert.equal(await viewer.getByTestId('approve-button').isDisabled(), true);
  assert.match((await viewer.getByTestId('approve-disabled-reason').textContent())!, /reviewer/i);
  await viewer.context().close();

  const reviewer = await open(`/runs/${fx.playbackId}/templates/${target.fingerprint}`, REVIEWER);
  await reviewer.getByTestId('approve-button').click();
  await reviewer.getByTestId('approve-dialog').waitFor();
  await reviewer.getByTestId('approve-reason').fill('the join order change is intended (e2e)');
  await reviewer.getByTestId('approve-submit').click();
  await reviewer.getByTestId('approved').waitFor();
  assert.match((await reviewer.getByTestId('approval').textContent())!, /the join order change is intended/);
  const after = (await api<{ outcome: { approved: boolean } }>(`/api/runs/${fx.playbackId}/templates/${target.fingerprint}`)).outcome;
  assert.equal(after.approved, true);
  const audit = (await api<{ rows: { action: string; actor: string; why: string }[] }>('/api/audit')).rows[0]!;
  assert.deepEqual([audit.actor, audit.why], ['reviewer-e2e', 'the join order change is intended (e2e)']);
  assert.deepEqual(pageErrors(reviewer), []);
  await reviewer.context().close();
});

test('live progress: a playback the CLI writes into the same store file advances on the runs page, then shows done', async () => {
  // slow templates (the fake build waits 250 ms per compile), one per job, so progress has steps to show
  const logPath = join(fx.dir, 'slow.jsonl');
  const lines = Array.from({ length: 16 }, (_, i) => JSON.stringify({ sql: `/*sleep:250*/ select * from slow_${i} join other_${i} on slow_${i}.id = other_${i}.id`, duration_ms: 1 }));
  writeFileSync(logPath, `${lines.join('\n')}\n`);
  // the server has the store file; the CLI gets its turn (a synchronous spawn would block the server's process from letting go)
  const imported = await runCliAsync(['corpus', 'import', logPath, '--workload', 'slow', '--store', fx.storePath]);
  assert.equal(imported.status, 0, imported.output);
  const page = await open('/');
  await page.getByTestId('run-row').first().waitFor();
  const cli = spawnCli([
    'playback', '--store', fx.storePath, '--workload', 'slow', '--catalog', fx.snapshot,
    '--base', `command:${FAKE_OPTIMIZER} --version old`, '--head', `command:${FAKE_OPTIMIZER} --version new`, '--batch-size', '1', '--concurrency', '1',
  ]);
  try {
    const bar = page.locator('[data-testid=run-row][data-status=running] [data-testid=progress-bar]');
    await bar.waitFor({ timeout: 60_000 });
    const seen = new Set<string>();
    // every distinct value the bar shows until the run is done
    while ((await page.locator('[data-testid=run-row][data-status=running]').count()) > 0) {
      const done = await bar.getAttribute('data-done').catch(() => null);
      if (done !== null) seen.add(done);
      await page.waitForTimeout(100);
    }
    const total = 16;
    const steps = [...seen].map(Number).filter((d) => d > 0 && d < total);
    assert.ok(steps.length >= 1, `the bar showed the run part-way (values seen: ${[...seen].join(', ')})`);
    const rows = await page.getByTestId('run-row').count();
    assert.equal(rows, 3);
    await page.locator('[data-testid=run-row][data-status=done]').nth(2).waitFor();
    const exit = await new Promise<number | null>((resolve) => (cli.exitCode !== null ? resolve(cli.exitCode) : cli.once('exit', resolve)));
    assert.equal(exit, 0, cli.output());
  } finally {
    cli.kill();
    await page.context().close();
  }
});
