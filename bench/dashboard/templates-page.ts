/**
 * The templates page measured in Chromium, by the page's own clock
 * (performance.now(), whose zero is the navigation start):
 *
 * - first page: navigation start → the frame after the first
 *   `[data-testid=template-row]` is in the DOM (a MutationObserver notes
 *   it, a requestAnimationFrame callback takes the time at the next paint),
 *   each load in a new browser context (no cache, no stored token);
 * - filter change: the `change` event of `[data-testid=filter-verdict]` →
 *   the frame after the table's rows or `data-total` changed; and a text
 *   search, timed from the moment the page commits the debounced search to
 *   the URL (the box waits 250 ms for typing to stop, by design) and, apart,
 *   from the keystroke.
 */
import type { Page } from 'playwright-core';
import type { LaunchedBrowser } from '../../test/helpers/browser.ts';

/** in every page of a context, before the app's scripts */
const PROBE = () => {
  const w = window as unknown as { fdProbe: Record<string, number | null> };
  w.fdProbe = { firstRow: null, nav: null };
  const seen = new MutationObserver(() => {
    if (!document.querySelector('[data-testid=template-row]')) return;
    seen.disconnect();
    requestAnimationFrame(() => (w.fdProbe.firstRow = performance.now()));
  });
  seen.observe(document, { childList: true, subtree: true });
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name].bind(history);
    history[name] = (...args: Parameters<History['pushState']>) => {
      w.fdProbe.nav = performance.now();
      return original(...args);
    };
  }
};

export const median = (xs: readonly number[]): number => {
  const s = xs.toSorted((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function openTemplates(chromium: LaunchedBrowser, url: string, runId: string, token: string): Promise<{ page: Page; firstRowMs: number }> {
  const context = await chromium.newContext();
  await context.addInitScript(PROBE);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/runs/${encodeURIComponent(runId)}/templates?token=${token}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => (window as unknown as { fdProbe: { firstRow: number | null } }).fdProbe.firstRow !== null, null, { timeout: 30_000 });
  if (errors.length) throw new Error(`the templates page failed: ${errors.join('; ')}`);
  const firstRowMs = await page.evaluate(() => (window as unknown as { fdProbe: { firstRow: number } }).fdProbe.firstRow);
  return { page, firstRowMs };
}

/** first page shown, `loads` cold loads (after one warm-up load, not counted) */
export async function measureFirstPage(chromium: LaunchedBrowser, url: string, runId: string, token: string, loads = 5): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i <= loads; i++) {
    const { page, firstRowMs } = await openTemplates(chromium, url, runId, token);
    if (i > 0) times.push(firstRowMs);
    await page.context().close();
  }
  return times;
}

/**
 * Arm the page: note the table's state, then set `fdResult` to the time
 * of the frame after it changed, from the next `from` event ('change': the
 * select's) and from the next URL commit (the debounced search). A string,
 * so the bundler's helpers never reach the page.
 */
const ARM = `(from) => {
  window.fdResult = null;
  const table = () => document.querySelector('[data-testid=templates-table]');
  const state = () => table()?.getAttribute('data-total') + '|' + document.querySelector('[data-testid=template-row]')?.getAttribute('data-fingerprint');
  const before = state();
  let input = 0;
  document.addEventListener(from, () => (input = performance.now()), { capture: true, once: true });
  const navBefore = window.fdProbe.nav;
  const watch = new MutationObserver(() => {
    if (!table() || state() === before || table().closest('[aria-busy=true]')) return;
    watch.disconnect();
    requestAnimationFrame(() => {
      const end = performance.now();
      const nav = window.fdProbe.nav !== navBefore ? window.fdProbe.nav : input;
      window.fdResult = { start: from === 'change' ? input : nav, input, end };
    });
  });
  watch.observe(document.body, { childList: true, subtree: true, attributes: true });
}`;

async function timeChange(page: Page, from: 'change' | 'input', act: () => Promise<void>): Promise<{ ms: number; fromInputMs: number; total: number }> {
  await page.evaluate(`(${ARM})('${from}')`);
  await act();
  const handle = await page.waitForFunction(() => (window as unknown as { fdResult: unknown }).fdResult, null, { timeout: 30_000 });
  const r = (await handle.jsonValue()) as { start: number; input: number; end: number };
  const total = Number(await page.getByTestId('templates-table').getAttribute('data-total'));
  return { ms: r.end - r.start, fromInputMs: r.end - r.input, total };
}

export interface FilterTimes {
  /** verdict select: change event → rows updated */
  readonly verdict: number[];
  /** text search: debounced URL commit → rows updated */
  readonly search: number[];
  /** text search: keystroke → rows updated (includes the 250 ms debounce) */
  readonly searchFromInput: number[];
  readonly totals: string[];
}

/** `n` verdict changes, then `n` text searches (consecutive ones always answer differently) */
export async function measureFilterChanges(chromium: LaunchedBrowser, url: string, runId: string, token: string, n = 10): Promise<FilterTimes> {
  const { page } = await openTemplates(chromium, url, runId, token);
  try {
    const select = page.getByTestId('filter-verdict');
    await select.locator('option[value=regressed]').waitFor({ state: 'attached' });
    const verdicts = ['regressed', 'plan-changed', 'identical', ''];
    const out: FilterTimes = { verdict: [], search: [], searchFromInput: [], totals: [] };
    for (let i = 0; i < n; i++) {
      const v = verdicts[i % verdicts.length]!;
      const r = await timeChange(page, 'change', async () => void (await select.selectOption(v)));
      out.verdict.push(r.ms);
      out.totals.push(`${v || 'all'}=${r.total}`);
    }
    if ((await select.inputValue()) !== '') await timeChange(page, 'change', async () => void (await select.selectOption('')));
    const terms = ['orders', 'price', 'customer', 'limit', 'status'];
    const box = page.getByTestId('filter-q');
    for (let i = 0; i < n; i++) {
      const term = terms[i % terms.length]!;
      const r = await timeChange(page, 'input', () => box.fill(term));
      out.search.push(r.ms);
      out.searchFromInput.push(r.fromInputMs);
      out.totals.push(`q=${term}:${r.total}`);
    }
    return out;
  } finally {
    await page.context().close();
  }
}
