/**
 * Issue 16 (6, 8): the Event Producer page's progress bars — the back-fill of an approved type and
 * the catch-up after an outage (events behind, shrinking as pages are applied) — and its schema
 * check. Takes the screenshots of the closing note. The branch pulls one page of 2 events per pull
 * so that the catch-up is slow enough to be seen half-way.
 */
import type { Browser, Page } from 'playwright-core';

import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { eventually, link, list, setStatus, type Link } from '../helpers/streaming';
import { CUSTOMER, launchBrowser, openAdmin, openPluginPage, rowWith, screenshot, visible, waitForLoaded } from './helpers';

let browser: Browser;
let producer: Site;
let consumer: Site;
let l: Link;
const BEFORE = 8;
const DURING_OUTAGE = 16;

const createCustomers = async (tag: string, n: number) => {
  for (let i = 0; i < n; i += 1)
    expectStatus(await producer.api('POST', '/customers', { data: { name: `${tag} ${i}` } }), `create ${tag} ${i}`);
};

const openProducer = async (page: Page) => {
  await openPluginPage(page, 'Producers');
  await rowWith(page, producer.url).getByRole('button', { name: 'Edit' }).click();
  await waitForLoaded(page);
};

beforeAll(async () => {
  browser = await launchBrowser();
  [producer, consumer] = await startSites(
    [
      { name: 'head-office', env: { EVENT_STREAMING_PULL_CRON: '*/2 * * * * *' } },
      {
        name: 'branch',
        env: { EVENT_STREAMING_PULL_CRON: '*/3 * * * * *', EVENT_STREAMING_PAGE_SIZE: '2', EVENT_STREAMING_MAX_PAGES_PER_PULL: '1' },
      },
    ],
    { serveAdmin: true, client: 'sqlite' }
  );
  await createCustomers('Before', BEFORE);
  l = await link(producer, consumer, [{ contentType: CUSTOMER, useSameName: true }], { backfillOnApproval: true });
  await setStatus(l, { [CUSTOMER]: 'Approved' });
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

test('the back-fill on approval shows its progress bar, and the schema check that every field fits', async () => {
  const page = await openAdmin(browser, consumer);
  await openProducer(page);
  const card = page.getByTestId(`backfill-${CUSTOMER}`);
  await visible(card.getByText(`${BEFORE} of ${BEFORE} documents`), 60_000);
  await visible(card.getByText(/done/));
  await visible(card.getByRole('progressbar'));
  const check = page.getByTestId('schema-check');
  await visible(check.getByText('Every field fits'));
  await visible(check.getByText("The producer's fields fit the local type."));
  await screenshot(page, 'branch-backfill-progress');
  expect(await list(consumer, 'customers')).toHaveLength(BEFORE);
});

test('after an outage the catch-up bar shows the events behind and fills as the branch catches up', async () => {
  await consumer.stop();
  await createCustomers('Outage', DURING_OUTAGE);
  await consumer.restart();
  const page = await openAdmin(browser, consumer);
  await openProducer(page);
  const card = page.getByTestId('catch-up');
  // Half-way: some pulled, some still behind (2 events per pull, one pull every 3 s).
  await visible(card.getByText('catching up'), 60_000);
  await eventually(
    async () => {
      const text = (await card.getByText(/events behind of/).textContent()) ?? '';
      const [, behind, peak] = /(\d+) events behind of (\d+)/.exec(text) ?? [];
      return Number(behind) > 0 && Number(behind) < Number(peak);
    },
    'a catch-up half-way',
    60_000
  );
  await screenshot(page, 'branch-catch-up-progress');
  await visible(card.getByText('caught up'), 120_000);
  await visible(card.getByText(/^0 events behind of \d+/));
  expect(await list(consumer, 'customers')).toHaveLength(BEFORE + DURING_OUTAGE);
});
