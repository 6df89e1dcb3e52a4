/**
 * Debian's Chromium driven by playwright-core (Playwright cannot download
 * its own browsers here). Headless, sandbox off (containers), no first-run
 * or background traffic; Playwright gives every launch a fresh temporary
 * profile (it refuses a `--user-data-dir` argument). The test command
 * installs the `chromium` package when it is missing.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.FLIGHTDECK_CHROMIUM ?? '/usr/bin/chromium';

export interface LaunchedBrowser {
  readonly browser: Browser;
  /** a context at laptop size (1280×800) */
  newContext(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run 'apt-get update && apt-get install -y chromium' (npm test does it when run as root)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    newContext: (viewport = { width: 1280, height: 800 }) => browser.newContext({ viewport }),
    async close() {
      await browser.close().catch(() => {});
    },
  };
}
