/**
 * Headless Chromium for the web UI tests: Debian's `chromium` (installed by tools/scripts/ensure-chromium.sh in
 * jest's globalSetup) driven by playwright-core, with every page error and failed console message kept so a test
 * can assert the UI ran cleanly.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface WatchedPage {
  readonly page: Page;
  /** Uncaught exceptions and `console.error` messages seen so far. */
  readonly errors: string[];
}

export async function openPage(browser: Browser, url: string): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  // The console says only "status of 500"; the URL is what a failure message needs.
  page.on('response', (r) => {
    if (r.status() >= 500) errors.push(`${r.status()} from ${r.request().method()} ${r.url()}`);
  });
  await page.goto(url);
  return { page, errors };
}
