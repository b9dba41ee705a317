/**
 * Issue 14 point 1 in the admin: the producer's admin sets a condition on a consumer's
 * subscription with the filter builder (field / operator / value), sees how many documents
 * match, approves the type, and only matching documents arrive on the consumer.
 */
import type { Browser, Page } from 'playwright-core';

import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, getDoc, link, pullNow, type Link } from '../helpers/streaming';
import {
  CUSTOMER,
  dismissNotification,
  errorsOf,
  launchBrowser,
  openAdmin,
  openPluginPage,
  rowWith,
  screenshot,
  selectOption,
  visible,
} from './helpers';

let browser: Browser;
let producer: Site;
let consumer: Site;
let l: Link;
let page: Page;

const customer = async (name: string) =>
  expectStatus(await producer.api('POST', '/customers', { data: { name, email: `${name.toLowerCase()}@example.com` } }), 'customer', 201)
    .body.data.documentId as string;

beforeAll(async () => {
  browser = await launchBrowser();
  [producer, consumer] = await startSites([{ name: 'cond-head-office' }, { name: 'cond-branch' }], { serveAdmin: true, client: 'sqlite' });
  l = await link(producer, consumer, [{ contentType: CUSTOMER, useSameName: true }]);
  await customer('Alan');
  await customer('Barbara');
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

test('the producer admin builds a condition, sees how many documents match, and approves', async () => {
  page = await openAdmin(browser, producer);
  await openPluginPage(page, 'Consumers');
  const row = rowWith(page, CUSTOMER);
  await visible(row.getByText('All documents'));
  await row.getByRole('button', { name: 'Edit condition' }).click();
  const dialog = page.getByRole('dialog');
  await visible(dialog.getByText('Condition on Customer'));
  await dialog.getByRole('button', { name: 'Add filter' }).click();
  await selectOption(page, dialog.getByRole('combobox', { name: 'Field' }), 'name');
  await selectOption(page, dialog.getByRole('combobox', { name: 'Operator' }), 'starts with');
  await dialog.getByRole('textbox', { name: 'Value' }).fill('A');
  await visible(dialog.getByText('1 of 2 documents match'));
  await screenshot(page, 'head-office-condition-builder');
  await dialog.getByRole('button', { name: 'Save condition' }).click();
  await visible(page.getByText('Condition saved for cond-branch.'));
  await dismissNotification(page, 'Condition saved for cond-branch.');
  await visible(row.getByText('{"name":{"$startsWith":"A"}}'));

  await row.getByRole('button', { name: 'Approve' }).click();
  await visible(row.getByText('Approved', { exact: true }));
  await screenshot(page, 'head-office-consumers-condition');
  const ec = expectStatus(await producer.admin('GET', `/event-streaming/consumers/${l.consumerId}`), 'consumer').body.data;
  expect(ec.subscriptions[0]).toMatchObject({ status: 'Approved', condition: { name: { $startsWith: 'A' } } });
  expect(errorsOf(page)).toEqual([]);
});

test('only matching documents arrive on the consumer', async () => {
  const ada = await customer('Ada');
  const bob = await customer('Bob');
  await pullNow(l);
  await eventually(() => getDoc(consumer, 'customers', ada), 'Ada on the consumer');
  expect(await getDoc(consumer, 'customers', bob)).toBeNull();
  // Bob renamed to match arrives whole.
  expectStatus(await producer.api('PUT', `/customers/${bob}`, { data: { name: 'Ali (was Bob)' } }), 'rename');
  await pullNow(l);
  expect(await eventually(() => getDoc(consumer, 'customers', bob), 'Ali on the consumer')).toMatchObject({
    name: 'Ali (was Bob)',
    email: 'bob@example.com',
  });
});
