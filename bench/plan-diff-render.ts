/**
 * A plan diff of two big plans renders in under 100 ms: a real playback of
 * UNION ALLs of 30–40 joined shop queries (bench/dashboard/big-plans.ts),
 * base `reference` vs head `reference#heuristic`, served by the real server;
 * the template page opened in Debian's Chromium, and the web app's own
 * user-timing measure `plan-diff-render` (React render, DOM creation and
 * insertion of both trees) read after each load — median of cold loads —
 * and after each toggle back from the text diff to the trees.
 *
 *   node --import tsx bench/plan-diff-render.ts [--loads 10] [--toggles 10]
 *
 * Needs the built web app (`npx vite build --config ui/vite.config.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from '../test/helpers/browser.ts';
import { buildBigPlanStore } from './dashboard/big-plans.ts';
import { startBenchServer, type BenchServer } from './dashboard/serve.ts';
import { median } from './dashboard/templates-page.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const loads = Number(arg('loads', '10'));
const toggles = Number(arg('toggles', '10'));
const TARGET_MS = 100;

/** the measures of `plan-diff-render` so far, in order */
const measures = (page: Page) => page.evaluate(() => performance.getEntriesByName('plan-diff-render').map((e) => e.duration));

async function waitForMeasures(page: Page, n: number): Promise<number[]> {
  await page.waitForFunction((k) => performance.getEntriesByName('plan-diff-render').length >= k, n, { timeout: 30_000 });
  return measures(page);
}

const verdict = (ms: number) => `${ms.toFixed(1)} ms (target < ${TARGET_MS} ms) ${ms < TARGET_MS ? 'PASS' : 'MISS'}; ratio to target ${(ms / TARGET_MS).toFixed(2)}`;

console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const dir = mkdtempSync(join(tmpdir(), 'fd-plan-diff-'));
let server: BenchServer | undefined;
let chromium: LaunchedBrowser | undefined;
try {
  const big = await buildBigPlanStore(dir);
  server = await startBenchServer(big.storePath);
  chromium = await launchChromium();
  const path = `${server.url}/runs/${encodeURIComponent(big.runId)}/templates/${encodeURIComponent(big.fingerprint)}?token=${server.token}`;
  const loadTimes: number[] = [];
  let nodes = { base: 0, head: 0, counts: '' };
  for (let i = 0; i <= loads; i++) {
    const context = await chromium.newContext();
    const page = await context.newPage();
    await page.goto(path, { waitUntil: 'commit' });
    const [ms] = await waitForMeasures(page, 1);
    // the first load warms the server and the browser; not counted
    if (i > 0) loadTimes.push(ms!);
    if (i === 0) {
      nodes = {
        base: await page.getByTestId('plan-base').getByTestId('plan-node').count(),
        head: await page.getByTestId('plan-head').getByTestId('plan-node').count(),
        counts: ((await page.getByTestId('plan-diff-counts').textContent()) ?? '').replace(/\s+/g, ' ').trim(),
      };
    }
    if (i === loads) {
      // toggles: to the text diff and back to the trees, each return a fresh render of both trees
      const toggle = page.getByTestId('text-diff-toggle');
      const toggleTimes: number[] = [];
      for (let k = 0; k < toggles; k++) {
        await toggle.click();
        await page.getByTestId('text-diff').waitFor();
        await toggle.click();
        const all = await waitForMeasures(page, k + 2);
        toggleTimes.push(all.at(-1)!);
      }
      console.log(`plans: ${nodes.base} operators base, ${nodes.head} head (${nodes.counts})`);
      console.log(`plan diff render on load (median of ${loads} cold loads: ${loadTimes.map((x) => x.toFixed(0)).join(', ')} ms): ${verdict(median(loadTimes))}`);
      console.log(`plan diff re-render, text diff → trees (median of ${toggles}: ${toggleTimes.map((x) => x.toFixed(0)).join(', ')} ms): ${verdict(median(toggleTimes))}`);
      if (Math.min(nodes.base, nodes.head) < 300) console.log(`note: fewer than 300 operators on a side (${Math.min(nodes.base, nodes.head)}): the target's plans are bigger`);
    }
    await context.close();
  }
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await chromium?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
}
