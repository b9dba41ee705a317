/**
 * Issue 16 (6): the Event Producer page (consumer side) and the Event Consumer card (producer side)
 * draw events per minute and lag over the last 24 hours. Takes the chart screenshots.
 */
import type { Browser } from 'playwright-core';

import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, link, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { CUSTOMER, errorsOf, launchBrowser, openAdmin, openPluginPage, rowWith, screenshot, visible, waitForLoaded } from './helpers';

let browser: Browser;
let producer: Site;
let consumer: Site;
let l: Link;
const N = 12;

beforeAll(async () => {
  browser = await launchBrowser();
  const env = { EVENT_STREAMING_PULL_CRON: '*/2 * * * * *' };
  [producer, consumer] = await startSites(
    [
      { name: 'head-office', env },
      { name: 'branch', env },
    ],
    { serveAdmin: true, client: 'sqlite' }
  );
  l = await link(producer, consumer, [{ contentType: CUSTOMER, useSameName: true }]);
  await setStatus(l, { [CUSTOMER]: 'Approved' });
  for (let i = 0; i < N; i += 1) expectStatus(await producer.api('POST', '/customers', { data: { name: `Chart ${i}` } }), `create ${i}`);
  await eventually(async () => (await syncLogs(consumer, '&status=Synced')).meta.pagination.total === N, `${N} applied`, 60_000);
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

test('the Event Producer page shows the events applied in the last 24 hours', async () => {
  const page = await openAdmin(browser, consumer);
  await openPluginPage(page, 'Producers');
  await rowWith(page, producer.url).getByRole('button', { name: 'Edit' }).click();
  await waitForLoaded(page);
  const charts = page.getByTestId('stream-charts');
  await visible(charts.getByText('Last 24 hours'));
  await visible(charts.getByText(`${N} events`));
  await visible(charts.locator('.recharts-bar-rectangle').first());
  await visible(charts.getByText('Events applied / min'));
  await screenshot(page, 'branch-producer-charts');
  expect(errorsOf(page)).toEqual([]);
});

test('the Event Consumer card shows the events acknowledged', async () => {
  const page = await openAdmin(browser, producer);
  await openPluginPage(page, 'Consumers');
  const charts = page.getByTestId('stream-charts');
  await visible(charts.getByText('Events acknowledged / min'));
  await visible(charts.getByText(/\d+ events/));
  await screenshot(page, 'head-office-consumer-charts');
  expect(errorsOf(page)).toEqual([]);
});
