/**
 * Issue 5.6, scenario 2: a failed event is resynced from the consumer's Sync Log. The consumer has
 * a local item with the SKU (unique) the producer's new item uses, so applying the Create fails;
 * once the clash is removed, the editor filters the Sync Log on Failed and clicks Resync.
 * Also takes the Sync Log screenshots (failed entry, its JSON, and after the resync).
 */
import type { Browser, Page } from 'playwright-core';

import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, getDoc, link, list, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { ITEM, errorsOf, launchBrowser, openAdmin, openPluginPage, rowWith, screenshot, selectOption, visible } from './helpers';

const SKU = 'E2E-CLASH-1';

let browser: Browser;
let producer: Site;
let consumer: Site;
let l: Link;
let page: Page;
let remoteId: string;
let failedId: number;

beforeAll(async () => {
  browser = await launchBrowser();
  // The consumer's cron (pull + automatic retry of Failed entries, 5 s backoff) is set to once a
  // year, so the entry stays Failed until the editor's click; events still arrive by push.
  [producer, consumer] = await startSites(
    [{ name: 'head-office' }, { name: 'branch', env: { EVENT_STREAMING_PULL_CRON: '0 0 0 1 1 *' } }],
    { serveAdmin: true, client: 'sqlite' }
  );
  l = await link(producer, consumer, [{ contentType: ITEM, useSameName: true }]);
  await setStatus(l, { [ITEM]: 'Approved' });
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

test('an item whose unique SKU clashes with a local one fails on the consumer', async () => {
  expectStatus(await consumer.api('POST', '/items', { data: { name: 'Local widget', sku: SKU } }), 'local item');
  remoteId = expectStatus(await producer.api('POST', '/items', { data: { name: 'Remote widget', sku: SKU, price: 9.5 } }), 'remote item')
    .body.data.documentId;
  const failed = await eventually(
    async () => (await syncLogs(consumer, '&status=Failed')).data.find((e: any) => e.remoteDocumentId === remoteId),
    'Failed sync log entry'
  );
  expect(failed).toMatchObject({ status: 'Failed', updateType: 'Create', contentType: ITEM });
  expect(failed.error).toMatch(/unique/i);
  failedId = failed.id;

  // Remove the clash (the editor fixed the cause); the entry stays Failed until resynced.
  const local = (await list(consumer, 'items')).find((i) => i.sku === SKU && i.documentId !== remoteId);
  expectStatus(await consumer.api('DELETE', `/items/${local.documentId}`), 'remove the clash', [200, 204]);
  expect(await getDoc(consumer, 'items', remoteId)).toBeNull();
});

test('Sync Log → filter Failed → Resync: the UI shows it Synced and the item is on the consumer', async () => {
  page = await openAdmin(browser, consumer);
  await openPluginPage(page, 'Sync Log');
  await visible(rowWith(page, remoteId));

  await selectOption(page, page.getByRole('combobox', { name: 'Status' }), 'Failed');
  await page.waitForURL(/[?&]status=Failed/);
  const row = rowWith(page, remoteId);
  await visible(row.getByText('Failed', { exact: true }));
  await visible(row.getByText(/unique/i));
  await visible(page.getByText('1 entry: what this site received and applied.'));
  // A long error is cut with an ellipsis inside its cell (full text in the tooltip), not drawn
  // over the next column.
  const overflowing = await row.getByTitle(/unique/i).evaluate((el) => {
    const td = el.closest('td')!;
    const right = td.getBoundingClientRect().right + 0.5;
    return Array.from(td.querySelectorAll('*'))
      .filter((e) => e.getBoundingClientRect().right > right)
      .map((e) => e.textContent);
  });
  expect(overflowing).toEqual([]);
  await screenshot(page, 'branch-sync-log-failed');

  // The entry's JSON, with the error and the data as received.
  await row.getByRole('button', { name: 'View JSON' }).click();
  const dialog = page.getByRole('dialog');
  await visible(dialog.getByText(/Sync of event #\d+/));
  await visible(dialog.getByText(/unique/i));
  await screenshot(page, 'branch-sync-log-entry-json');
  await dialog.getByRole('button', { name: 'Close' }).first().click();
  await dialog.waitFor({ state: 'hidden' });

  await row.getByRole('button', { name: 'Resync' }).click();
  await visible(page.getByText('Resynced.'));
  // The Failed filter no longer matches it...
  await visible(page.getByText('No entry matches these filters.'));
  // ...and with all statuses it shows Synced.
  await selectOption(page, page.getByRole('combobox', { name: 'Status' }), 'All statuses');
  const synced = rowWith(page, remoteId);
  await visible(synced.getByText('Synced', { exact: true }));
  expect(await synced.getByText('Failed', { exact: true }).count()).toBe(0);
  await screenshot(page, 'branch-sync-log');

  const entry = (await syncLogs(consumer)).data.find((e: any) => e.id === failedId);
  expect(entry).toMatchObject({ status: 'Synced', updateType: 'Create' });
  expect(await getDoc(consumer, 'items', remoteId)).toMatchObject({ documentId: remoteId, name: 'Remote widget', sku: SKU });
  expect(errorsOf(page)).toEqual([]);
});
