/**
 * Push mode (README "Push mode") in the admin panels: the consumer's admin creates a push-mode
 * Event Producer and reads the push token from the one-time dialog; the producer's admin connects
 * the consumer with it ("Connect a push consumer"), approves the type and pushes ("Push now"); the
 * document arrives on the consumer. Every step is a click; only the document is created by API.
 * Screenshots: the token dialog and both sites' pages with the Push badge.
 */
import type { Browser, Page } from 'playwright-core';

import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, getDoc } from '../helpers/streaming';
import { CUSTOMER, errorsOf, launchBrowser, openAdmin, openPluginPage, rowWith, screenshot, selectOption, visible } from './helpers';

let browser: Browser;
let producer: Site;
let consumer: Site;
let producerPage: Page;
let consumerPage: Page;
let pushToken: string;

beforeAll(async () => {
  browser = await launchBrowser();
  [producer, consumer] = await startSites([{ name: 'head-office' }, { name: 'branch' }], { serveAdmin: true, client: 'sqlite' });
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

test('the consumer admin creates a push-mode producer and gets the push token once', async () => {
  consumerPage = await openAdmin(browser, consumer);
  const page = consumerPage;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: consumer.url });
  await openPluginPage(page, 'Producers');
  await page.getByRole('link', { name: 'Add producer' }).first().click();
  await visible(page.getByRole('heading', { name: 'Add a producer', level: 1 }));

  await selectOption(page, page.getByRole('combobox', { name: 'Connection' }), /^Push: the producer sends to this site/);
  // Push: no API token nor callback settings to give.
  expect(await page.getByLabel("Producer's API token").count()).toBe(0);
  await page.getByLabel('Producer URL').fill(producer.url);
  await page.getByRole('button', { name: 'Add subscription' }).click();
  await selectOption(
    page,
    page.getByRole('combobox', { name: 'Content type (here)' }),
    new RegExp(`\\(${CUSTOMER.replace(/\./g, '\\.')}\\)`)
  );
  await page.getByRole('button', { name: 'Save' }).click();

  const dialog = page.getByRole('dialog');
  await visible(dialog.getByRole('heading', { name: 'Push token' }));
  await visible(dialog.getByText('Connect a push consumer', { exact: false }));
  await visible(dialog.getByText(consumer.url, { exact: false }));
  pushToken = (await dialog.locator('code').innerText()).trim();
  expect(pushToken).toMatch(/^[\x21-\x7e]{8,1024}$/);
  await dialog.getByRole('button', { name: 'Copy token' }).click();
  await visible(page.getByText('Push token copied.'));
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(pushToken);
  await screenshot(page, 'branch-push-token-dialog');

  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await dialog.waitFor({ state: 'hidden' });
  // The edit page of the new producer says push; the token is not shown again.
  await visible(page.getByRole('heading', { name: producer.url, level: 1 }));
  await visible(page.getByText('The producer sends its documents to this site; this site never calls it.'));
  // Never called: no schema check, no Pull now / Back-fill.
  expect(await page.getByText('Schema check').count()).toBe(0);
  expect(await page.getByRole('button', { name: 'Pull now' }).isDisabled()).toBe(true);
  await page.reload();
  await visible(page.getByRole('heading', { name: producer.url, level: 1 }));
  expect(await page.getByText(pushToken).count()).toBe(0);

  await openPluginPage(page, 'Producers');
  await visible(rowWith(page, producer.url).getByText('Push', { exact: true }));
  const [created] = expectStatus(await consumer.admin('GET', '/event-streaming/producers'), 'producers').body.data;
  expect(created).toMatchObject({ mode: 'push', producerUrl: producer.url });
});

test('a wrong push token is refused with a readable message', async () => {
  producerPage = await openAdmin(browser, producer);
  const page = producerPage;
  await openPluginPage(page, 'Consumers');
  await page.getByRole('button', { name: 'Connect a push consumer' }).first().click();
  const dialog = page.getByRole('dialog');
  // Checked before any request: both fields are required, the URL is an http(s) URL.
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  expect(await dialog.getByText('This value is required.').count()).toBe(2);
  await dialog.getByLabel('Consumer URL').fill(consumer.url);
  await dialog.getByLabel('Push token').fill(`${pushToken.slice(0, -4)}zzzz`);
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  // The consumer answers 401; the producer's admin reads the server's message, and the dialog stays open.
  await visible(
    page
      .getByRole('alert')
      .or(page.getByRole('status'))
      .filter({ hasText: /token|401|refused|denied|unauthori/i })
  );
  await visible(dialog.getByLabel('Consumer URL'));
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(expectStatus(await producer.admin('GET', '/event-streaming/consumers'), 'consumers').body.data).toEqual([]);
});

test('the producer admin connects the consumer, approves, pushes; the document arrives', async () => {
  const page = producerPage;
  await page.getByRole('button', { name: 'Connect a push consumer' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Consumer URL').fill(consumer.url);
  await dialog.getByLabel('Push token').fill(pushToken);
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  await visible(page.getByText('branch is connected: this site pushes its documents to it.'));
  await dialog.waitFor({ state: 'hidden' });

  const card = page.getByRole('heading', { name: 'branch', level: 2 });
  await visible(card);
  await visible(page.getByText('Push', { exact: true }));
  await visible(page.getByText('Pushes to'));
  const row = rowWith(page, CUSTOMER);
  await visible(row.getByText('Pending', { exact: true }));
  await row.getByRole('button', { name: 'Approve' }).click();
  await visible(page.getByText('1 content type approved for branch.'));

  const documentId = expectStatus(
    await producer.api('POST', '/customers', { data: { name: 'Katherine Johnson', email: 'katherine@example.com' } }),
    'create customer'
  ).body.data.documentId;
  await page.getByRole('button', { name: 'Push now' }).click();
  await visible(page.getByText(/^Pushed to branch: .*, 0 failed\.$/));
  const doc = await eventually(() => getDoc(consumer, 'customers', documentId), 'Katherine on the consumer');
  expect(doc).toMatchObject({ documentId, name: 'Katherine Johnson', email: 'katherine@example.com' });
  await screenshot(page, 'head-office-consumers-push');

  // The consumer's admin sees the approval the push brought.
  await openPluginPage(consumerPage, 'Producers');
  await visible(rowWith(consumerPage, producer.url).getByText('Approved', { exact: true }));
  await screenshot(consumerPage, 'branch-producers-push');

  expect(errorsOf(producerPage)).toEqual([]);
  expect(errorsOf(consumerPage)).toEqual([]);
});
