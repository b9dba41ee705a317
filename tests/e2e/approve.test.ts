/**
 * Issue 5.6, scenario 1: an editor approves a type in the producer's admin panel and sees the
 * documents arrive on the consumer. The link (API token, Event Producer, registration) is set up
 * through the plugin's admin API; approving, checking and back-filling are clicks in the UI.
 * Also takes the screenshots of the Producers list, Producer edit, Consumers, Update Log and the
 * Content Manager side panel on both sites.
 */
import type { Browser, Page } from 'playwright-core';

import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, getDoc, link, type Link } from '../helpers/streaming';
import {
  CUSTOMER,
  dismissNotification,
  errorsOf,
  launchBrowser,
  openAdmin,
  openPluginPage,
  rowWith,
  screenshot,
  visible,
  waitForLoaded,
} from './helpers';

let browser: Browser;
let producer: Site;
let consumer: Site;
let l: Link;
let producerPage: Page;
let consumerPage: Page;
let before: string; // documentId of a customer created before the approval
let after: string; // ... and after it

beforeAll(async () => {
  browser = await launchBrowser();
  [producer, consumer] = await startSites([{ name: 'head-office' }, { name: 'branch' }], { serveAdmin: true, client: 'sqlite' });
  l = await link(producer, consumer, [{ contentType: CUSTOMER, useSameName: true }]);
  before = expectStatus(
    await producer.api('POST', '/customers', { data: { name: 'Grace Hopper', email: 'grace@example.com' } }),
    'create customer'
  ).body.data.documentId;
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

test('the producer admin approves api::customer.customer on the Consumers page', async () => {
  producerPage = await openAdmin(browser, producer);
  const page = producerPage;
  await openPluginPage(page, 'Consumers');

  const card = page.getByRole('heading', { name: 'branch', level: 2 });
  await visible(card);
  await visible(page.getByText('1 pending'));
  const row = rowWith(page, CUSTOMER);
  await visible(row.getByText('Pending', { exact: true }));
  await screenshot(page, 'head-office-consumers-pending');

  await row.getByRole('button', { name: 'Approve' }).click();
  await visible(page.getByText('1 content type approved for branch.'));
  await visible(row.getByText('Approved', { exact: true }));
  expect(await row.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
  expect(await page.getByText('1 pending').count()).toBe(0);
  await screenshot(page, 'head-office-consumers');

  const ec = expectStatus(await producer.admin('GET', `/event-streaming/consumers/${l.consumerId}`), 'consumer').body.data;
  expect(ec.subscriptions).toEqual([expect.objectContaining({ contentType: CUSTOMER, status: 'Approved' })]);
});

test('a customer created after the approval arrives on the consumer; its Producers page shows Approved', async () => {
  after = expectStatus(
    await producer.api('POST', '/customers', { data: { name: 'Ada Lovelace', email: 'ada@example.com' } }),
    'create customer'
  ).body.data.documentId;
  const doc = await eventually(() => getDoc(consumer, 'customers', after), 'Ada on the consumer');
  expect(doc).toMatchObject({ documentId: after, name: 'Ada Lovelace', email: 'ada@example.com' });
  // Approval streams changes from then on; the earlier customer needs a back-fill (README §Setup 3).
  expect(await getDoc(consumer, 'customers', before)).toBeNull();

  consumerPage = await openAdmin(browser, consumer);
  const page = consumerPage;
  await openPluginPage(page, 'Producers');
  const row = rowWith(page, producer.url);
  await visible(row);
  await visible(row.getByText('Approved', { exact: true }));
  await visible(row.getByText('Push + pull'));
  await screenshot(page, 'branch-producers');

  // The customer is in the consumer's Content Manager list.
  await page.goto(`${consumer.url}/admin/content-manager/collection-types/${CUSTOMER}`);
  await visible(page.getByRole('gridcell', { name: 'Ada Lovelace' }));
  expect(await page.getByRole('gridcell', { name: 'Grace Hopper' }).count()).toBe(0);
});

test('Back-fill on the consumer copies the customer created before the approval', async () => {
  const page = consumerPage;
  await openPluginPage(page, 'Producers');
  await rowWith(page, producer.url).getByRole('button', { name: 'Back-fill' }).click();
  const dialog = page.getByRole('dialog');
  await visible(dialog.getByText(`Copy the documents that already exist on ${producer.url}`, { exact: false }));
  await dialog.getByRole('button', { name: 'Start back-fill' }).click();
  const done = page.getByText(/Back-fill done: \d+ copied, 0 failed\./);
  await visible(done);
  await dismissNotification(page, (await done.first().innerText()).trim());
  const doc = await eventually(() => getDoc(consumer, 'customers', before), 'Grace on the consumer');
  expect(doc).toMatchObject({ documentId: before, name: 'Grace Hopper' });
});

test('Producer edit page shows the health and the approved subscription', async () => {
  const page = consumerPage;
  await openPluginPage(page, 'Producers');
  await rowWith(page, producer.url).getByRole('button', { name: 'Edit' }).click();
  // The edit page is titled with the producer's URL.
  await visible(page.getByRole('heading', { name: producer.url, level: 1 }));
  await waitForLoaded(page);
  await visible(page.getByText('Health'));
  expect(await page.getByLabel('Producer URL').inputValue()).toBe(producer.url);
  await visible(rowWith(page, /Customer/).getByText('Approved', { exact: true }));
  await screenshot(page, 'branch-producer-edit');
});

test('the Content Manager side panel shows the origin on the consumer and the consumers on the producer', async () => {
  // Consumer: where the document came from.
  await consumerPage.goto(`${consumer.url}/admin/content-manager/collection-types/${CUSTOMER}/${after}`);
  await visible(consumerPage.getByRole('heading', { name: 'Ada Lovelace' }));
  await visible(consumerPage.getByText('Event Streaming', { exact: true }));
  await visible(consumerPage.getByText(producer.url));
  await visible(consumerPage.getByRole('link', { name: 'Open the Sync Log' }));
  await screenshot(consumerPage, 'branch-content-manager-side-panel');

  // Producer: which sites it streams to.
  await producerPage.goto(`${producer.url}/admin/content-manager/collection-types/${CUSTOMER}/${after}`);
  await visible(producerPage.getByRole('heading', { name: 'Ada Lovelace' }));
  await visible(producerPage.getByText('Streamed to 1 site'));
  await visible(producerPage.getByRole('link', { name: 'Changes sent (Update Log)' }));
  await screenshot(producerPage, 'head-office-content-manager-side-panel');
});

test('the producer Update Log lists the change sent to the consumer', async () => {
  const page = producerPage;
  await openPluginPage(page, 'Update Log');
  const row = rowWith(page, after);
  await visible(row);
  await visible(row.getByText('Create', { exact: true }));
  await screenshot(page, 'head-office-update-log');

  expect(errorsOf(producerPage)).toEqual([]);
  expect(errorsOf(consumerPage)).toEqual([]);
});
