/**
 * Browser side of the e2e tests: headless Debian Chromium driven by playwright-core, logged into
 * a harness site's admin panel through the real login form. Selectors are roles and visible
 * texts (admin/src/translations/en.json), never CSS classes.
 */
import fs from 'fs';
import path from 'path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

import type { Site } from '../helpers/sites';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '..', 'artifacts', 'screenshots');

export const CUSTOMER = 'api::customer.customer';
export const ITEM = 'api::item.item';
export const CONTACT = 'api::contact.contact';

/** Launch headless Chromium; a missing binary is an error with the install hint, never a skip. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}; the e2e tests need it. ` +
        'Install it with `bash scripts/install-system-deps.sh` (apt-get install -y chromium), or set CHROMIUM_PATH.'
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * What went wrong in each page: uncaught JavaScript errors, any 5xx answer the site gave the page
 * (documents, scripts, API calls), and every console error (React reports its errors there) that
 * is not on the allow-list below. tests/e2e/jest-setup.js fails the test after which any page has
 * one (takeErrors), so no test can forget to check.
 */
const pageErrors = new Map<Page, string[]>();
export const errorsOf = (page: Page) => pageErrors.get(page) ?? [];

/** Every error seen in any page since the last call, and forgets them (jest-setup.js afterEach). */
export function takeErrors(): string[] {
  const all = [...pageErrors.values()].flat();
  for (const list of pageErrors.values()) list.length = 0;
  for (const page of [...pageErrors.keys()]) if (page.isClosed()) pageErrors.delete(page);
  return all;
}

/**
 * Console errors that are Strapi core's, not the plugin's. Each is a 404 that Strapi 5.54's own admin
 * asks for on a Community Edition site without the feature, and its own server answers "not found"
 * by design (source named below). Matched on the message AND the URL, so nothing else passes. Keep it
 * small: anything else fails the test.
 */
export const CONSOLE_ALLOW_LIST: Array<{ pattern: RegExp; why: string }> = [
  {
    pattern: /status of 404 .*\/admin\/ai-feature-config\b/,
    why:
      'Every admin page asks for the AI feature config (@strapi/admin ee/admin/src/services/ai.ts); the server answers ' +
      'ctx.notFound() while AI is not enabled (@strapi/admin server/src/ai/controllers/ai.ts getAiFeatureConfig).',
  },
  {
    pattern: /status of 404 .*\/i18n\/ai-localization-jobs\//,
    why:
      "The Content Manager's edit view asks for the document's AI localization job (@strapi/i18n admin/src/services/aiLocalizationJobs.ts); " +
      'the server answers ctx.notFound() while AI localizations are disabled (@strapi/i18n server/src/controllers/ai-localization-jobs.ts).',
  },
  {
    pattern: /status of 404 .*\/content-manager\/preview\/url\//,
    why:
      "The Content Manager's edit view asks for a preview URL (@strapi/content-manager admin/src/preview/services/preview.ts); " +
      "the server throws NotFoundError('Preview config not found') when the app configures no preview " +
      '(@strapi/content-manager server/src/preview/services/preview.ts).',
  },
];

/**
 * Chromium logs every non-2xx fetch as a console error. A 4xx of the plugin's own admin API is an
 * answer the page shows (a 409 for a mapping name in use, a 400 naming a bad field) and the tests
 * assert on it; it is not an error of the page. Any other 4xx still fails, and every 5xx fails
 * through the response hook whatever its URL.
 */
const PLUGIN_4XX = /^Failed to load resource: the server responded with a status of 4\d\d /;
const isPluginAnswer = (text: string, at: string) => PLUGIN_4XX.test(text) && /^https?:\/\/[^/]+\/event-streaming\//.test(at);

/** A console message the suite must fail on: an error not on CONSOLE_ALLOW_LIST (`at`: the URL it reports). */
export const isReportable = (type: string, text: string, at = '') =>
  type === 'error' && !isPluginAnswer(text, at) && !CONSOLE_ALLOW_LIST.some((a) => a.pattern.test(`${text} ${at}`));

/**
 * A new browser context (own cookies and storage) on `site`, logged in through the login form:
 * Email, Password, Login, then the admin home. The "new Media Library" banner Strapi shows on
 * every page is closed so screenshots show the plugin.
 */
export async function openAdmin(browser: Browser, site: Site): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (e) => errors.push(`${site.name}: uncaught ${e.name}: ${e.message}`));
  context.on('response', (res) => {
    if (res.status() >= 500) errors.push(`${site.name}: HTTP ${res.status()} on ${res.request().method()} ${res.url()}`);
  });
  page.on('console', (msg) => {
    if (isReportable(msg.type(), msg.text(), msg.location().url)) {
      const at = msg.location().url ? ` (${msg.location().url}:${msg.location().lineNumber})` : '';
      errors.push(`${site.name}: console.${msg.type()}: ${msg.text().slice(0, 2000)}${at}`);
    }
  });

  await page.goto(`${site.url}/admin/auth/login`);
  await page.getByLabel('Email').fill(site.adminEmail);
  await page.getByLabel('Password').fill(site.adminPassword);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.waitForURL(/\/admin\/?$/);
  await page
    .getByRole('heading', { name: /Hello|Welcome/ })
    .first()
    .waitFor();
  await dismissBanner(page);
  return page;
}

/** Close the "Introducing the new Media Library" banner when it is there (once per context). */
export async function dismissBanner(page: Page) {
  const banner = page.getByText('Introducing the new Media Library');
  if (!(await banner.isVisible().catch(() => false))) return;
  const close = page.getByRole('button', { name: /close/i }).first();
  await close.click().catch(() => {});
  await banner.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
}

/** The plugin's page through the menus: main nav "Event Streaming", then the plugin's side nav. */
export async function openPluginPage(page: Page, item: 'Producers' | 'Consumers' | 'Update Log' | 'Sync Log' | 'Review') {
  await page.getByRole('navigation').getByRole('link', { name: 'Event Streaming' }).first().click();
  await page.getByRole('link', { name: item, exact: true }).click();
  await page.getByRole('heading', { name: item, level: 1 }).waitFor();
  await waitForLoaded(page);
}

/** Wait until the plugin's loading state is gone. */
export async function waitForLoaded(page: Page) {
  await page
    .getByText('Loading content…')
    .first()
    .waitFor({ state: 'hidden' })
    .catch(() => {});
}

/**
 * Wait for a visible element; returns it. On timeout the page is saved to
 * tests/artifacts/screenshots/failures/ (the error names the file) before the error is rethrown.
 */
export async function visible(locator: Locator, timeout = 20_000): Promise<Locator> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (e) {
    const file = path.join(SCREENSHOTS, 'failures', `${Date.now()}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await locator
      .page()
      .screenshot({ path: file, fullPage: true })
      .catch(() => {});
    (e as Error).message += `\n(page at the time: ${path.relative(process.cwd(), file)})`;
    throw e;
  }
  return locator.first();
}

/**
 * Screenshot of the whole page to tests/artifacts/screenshots/<name>.png. The admin scrolls inside
 * its layout, not the document, so `fullPage` alone would cut long pages: the viewport is made as
 * tall as the tallest scrolled content for the shot (at most 4000 px), then restored.
 */
export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await waitForLoaded(page);
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => {
    const scrolled = Array.from(document.querySelectorAll('*')).filter((e) => {
      const overflow = getComputedStyle(e).overflowY;
      return (overflow === 'auto' || overflow === 'scroll') && e.scrollHeight > e.clientHeight;
    });
    return Math.max(document.documentElement.scrollHeight, ...scrolled.map((e) => e.getBoundingClientRect().top + e.scrollHeight));
  });
  const tall = Math.min(4000, Math.ceil(height));
  if (tall > viewport.height) await page.setViewportSize({ width: viewport.width, height: tall });
  // Let layout, notifications and transitions settle so the picture shows the state just asserted.
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  if (tall > viewport.height) await page.setViewportSize(viewport);
}

/**
 * Close the toast notification that says `text`. The design-system Alert puts role status/alert
 * on its text and the Close button next to it, hence the parent.
 */
export async function dismissNotification(page: Page, text: string) {
  const message = page.getByRole('alert').or(page.getByRole('status')).filter({ hasText: text }).first();
  await message.locator('xpath=..').getByRole('button', { name: 'Close' }).click();
  await message.waitFor({ state: 'hidden' });
}

/** Pick `option` in the combobox named `name` (design-system SingleSelect: a button-like combobox + a listbox). */
export async function selectOption(page: Page, combobox: Locator, option: string | RegExp) {
  await combobox.click();
  await page.getByRole('option', { name: option }).click();
}

/** The table row (role row) that contains `text`. */
export const rowWith = (scope: Page | Locator, text: string | RegExp) => scope.getByRole('row').filter({ hasText: text });
