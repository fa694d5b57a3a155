// A tiny step runner: every check is a named step that passes or fails on its own, so one broken
// page does not hide the state of the others. Screenshots go to test-output/ui-screenshots/.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
export const screenshotDir = join(repoRoot, 'test-output', 'ui-screenshots');

export const CHROMIUM = process.env.BF_CHROMIUM ?? '/usr/bin/chromium';

export class Results {
  constructor() {
    this.passed = 0;
    this.failed = 0;
    this.measurements = [];
  }

  async step(name, fn) {
    const began = Date.now();
    try {
      await fn();
      this.passed += 1;
      console.log(`  PASS ${name} (${Date.now() - began} ms)`);
      return true;
    } catch (error) {
      this.failed += 1;
      console.log(`  FAIL ${name} (${Date.now() - began} ms)\n       ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n       ')}`);
      return false;
    }
  }

  measure(name, value, unit, limit) {
    this.measurements.push({ name, value, unit, limit });
    console.log(`  MEASURE ${name}: ${value.toFixed(0)} ${unit}${limit ? ` (target <= ${limit} ${unit})` : ''}`);
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-dev-shm-usage'],
  });
}

/** A fresh context and page that records uncaught page errors (they fail the suite's last step). */
export async function newPage(browser, baseURL, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ baseURL, viewport });
  const page = await context.newPage();
  page.pageErrors = [];
  page.on('pageerror', (error) => page.pageErrors.push(String(error)));
  page.setDefaultTimeout(15_000);
  return { context, page };
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

/** Milliseconds since the page's navigation started, once `selector` is in the DOM and visible. */
export async function timeUntilVisible(page, selector, timeout = 20_000) {
  const handle = await page.waitForFunction((sel) => {
    const element = document.querySelector(sel);
    if (!element) return null;
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 ? performance.now() : null;
  }, selector, { timeout, polling: 'raf' });
  return handle.jsonValue();
}
