/**
 * Issue 13 / 14.4 in the producer's admin panel: a callback URL change awaiting approval (old →
 * new, Approve), a consumer that stopped pulling ("Not pulling since"), and an unsubscribed type
 * (its approval kept, the "Unsubscribed" badge). The consumer "remote-branch" registers straight
 * through the site-to-site API (what a consumer site does on save) and never pulls.
 */
import crypto from 'node:crypto';
import type { Browser, Page } from 'playwright-core';

import { expectStatus, freePort, startSites, stopAll, type Site } from '../helpers/sites';
import { STREAM_PERMISSIONS } from '../helpers/streaming';
import { CUSTOMER, ITEM, errorsOf, launchBrowser, openAdmin, openPluginPage, rowWith, screenshot, visible } from './helpers';

let browser: Browser;
let producer: Site;
let page: Page;
let consumerId: number;
let oldUrl: string;
let newUrl: string;

beforeAll(async () => {
  browser = await launchBrowser();
  // A consumer that has not pulled for 0.00005 days (≈ 4 s) is stale.
  [producer] = await startSites([{ name: 'head-office-registry', env: { EVENT_STREAMING_MAX_CONSUMER_LAG_DAYS: '0.00005' } }], {
    serveAdmin: true,
    client: 'sqlite',
  });
  // Nothing listens at these ports: a poke there fails quietly (best effort).
  oldUrl = `http://127.0.0.1:${await freePort()}`;
  newUrl = `http://localhost:${await freePort()}`;
  const token = (await producer.createApiToken({ name: 'remote-branch', type: 'custom', permissions: STREAM_PERMISSIONS })).accessKey;
  const siteId = crypto.randomUUID();
  const register = async (callbackUrl: string, unsubscribed: boolean) =>
    expectStatus(
      await producer.request(
        'POST',
        '/api/event-streaming/register',
        {
          siteId,
          name: 'remote-branch',
          callbackUrl,
          callbackToken: 'c'.repeat(40),
          subscriptions: [{ contentType: CUSTOMER, unsubscribed }, { contentType: ITEM }],
        },
        { token }
      ),
      'register'
    ).body;
  await register(oldUrl, false);
  const consumers = expectStatus(await producer.admin('GET', '/event-streaming/consumers'), 'consumers').body.data;
  consumerId = consumers.find((c: { consumerName: string }) => c.consumerName === 'remote-branch').id;
  expectStatus(
    await producer.admin('PUT', `/event-streaming/consumers/${consumerId}/subscriptions`, {
      subscriptions: [{ contentType: CUSTOMER, status: 'Approved' }],
    }),
    'approve'
  );
  expect((await register(newUrl, true)).callbackUrlPending).toBe(true);
  await new Promise((r) => setTimeout(r, 4500)); // stale after ≈ 4 s without a pull
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

test('the Consumers page shows the pending callback URL, the stale consumer and the unsubscribed type; Approve moves the URL', async () => {
  page = await openAdmin(browser, producer);
  await openPluginPage(page, 'Consumers');
  await visible(page.getByRole('heading', { name: 'remote-branch', level: 2 }));
  const change = page.getByTestId('callback-change');
  await visible(change.getByText('Callback URL change awaiting approval'));
  await visible(change.getByText(oldUrl, { exact: true }));
  await visible(change.getByText(newUrl, { exact: true }));
  await visible(page.getByText('Not pulling since'));
  const row = rowWith(page, CUSTOMER);
  await visible(row.getByText('Approved', { exact: true }));
  await visible(row.getByText('Unsubscribed', { exact: true }));
  await screenshot(page, 'head-office-consumers-callback-change');

  await change.getByRole('button', { name: 'Approve new URL' }).click();
  await visible(page.getByText(`Notifications for remote-branch now go to ${newUrl}.`));
  expect(await page.getByTestId('callback-change').count()).toBe(0);
  await visible(page.getByText(newUrl, { exact: true }));

  const ec = expectStatus(await producer.admin('GET', `/event-streaming/consumers/${consumerId}`), 'consumer').body.data;
  expect(ec).toMatchObject({ callbackUrl: newUrl, pendingCallbackUrl: null, stale: true });
  expect(errorsOf(page)).toEqual([]);
});
