/**
 * Issue 15 points 1 and 2 in the admin panel: the Review page of a branch whose customers stream
 * in review mode — Accept, Reject, Accept all — and the conflict view of a supplier edited on both
 * sides of a two-way stream at once (base, local and incoming values). Screenshots:
 * review-queue, review-conflict (copied to docs/screenshots for the README).
 */
import type { Browser, Page } from 'playwright-core';

import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { getDoc, link, pullNow, reviews, setStatus, type Link } from '../helpers/streaming';
import { SUPPLIER } from '../helpers/uids';
import { CUSTOMER, errorsOf, launchBrowser, openAdmin, openPluginPage, screenshot, visible } from './helpers';

let browser: Browser;
let P: Site;
let C: Site;
let cp: Link;
let pc: Link;
let page: Page;
const ids: Record<string, string> = {};

const ENV = { EVENT_STREAMING_PULL_CRON: '0 0 0 1 1 *' };

beforeAll(async () => {
  browser = await launchBrowser();
  [P, C] = await startSites(
    [
      { name: 'head-office', env: ENV },
      { name: 'branch', env: ENV },
    ],
    { serveAdmin: true, client: 'sqlite' }
  );
  cp = await link(P, C, [
    { contentType: CUSTOMER, useSameName: true, mode: 'review' },
    { contentType: SUPPLIER, useSameName: true, onConflict: 'hold' },
  ]);
  pc = await link(C, P, [{ contentType: SUPPLIER, useSameName: true, onConflict: 'hold' }]);
  await setStatus(cp, { [CUSTOMER]: 'Approved', [SUPPLIER]: 'Approved' });
  await setStatus(pc, { [SUPPLIER]: 'Approved' });
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

const create = async (site: Site, plural: string, data: Record<string, unknown>) =>
  expectStatus(await site.api('POST', `/${plural}`, { data }), `create on ${site.name}`, 201).body.data.documentId as string;
const update = async (site: Site, plural: string, id: string, data: Record<string, unknown>) =>
  expectStatus(await site.api('PUT', `/${plural}/${id}`, { data }), `update on ${site.name}`);
const card = (id: number) => page.getByTestId(`review-${id}`);

test('customers created and changed on the head office wait on the branch’s Review page', async () => {
  ids.anna = await create(P, 'customers', { name: 'Anna Alpha', email: 'anna@shop.test' });
  ids.bert = await create(P, 'customers', { name: 'Bert Beta' });
  ids.cleo = await create(P, 'customers', { name: 'Cleo Gamma' });
  await update(P, 'customers', ids.anna, { email: 'anna@new.test' });
  await pullNow(cp);
  expect(await reviews(C)).toHaveLength(4);

  page = await openAdmin(browser, C);
  await openPluginPage(page, 'Review');
  await visible(page.getByText('4 incoming changes await review.'));
  const [annaCreate] = await reviews(C, `&documentId=${ids.anna}`);
  await visible(card(annaCreate.id).getByText('Anna Alpha'));
  await visible(card(annaCreate.id).getByText('Incoming value', { exact: true }));
  await screenshot(page, 'review-queue');
});

test('Accept applies a change; the next change of that document becomes reviewable; Reject skips it', async () => {
  const [annaCreate, annaUpdate] = await reviews(C, `&documentId=${ids.anna}`);
  // The update waits for the create: its buttons are disabled.
  await visible(card(annaUpdate.id).getByText('Waits for an earlier change'));
  expect(await card(annaUpdate.id).getByRole('button', { name: 'Accept' }).isDisabled()).toBe(true);

  await card(annaCreate.id).getByRole('button', { name: 'Accept' }).click();
  await visible(page.getByText('Change accepted and applied.'));
  expect(await getDoc(C, 'customers', ids.anna)).toMatchObject({ name: 'Anna Alpha', email: 'anna@shop.test' });
  // Now the update shows the local value beside the incoming one, and can be decided.
  const row = card(annaUpdate.id).getByRole('row').filter({ hasText: 'email' });
  await visible(row.getByText('anna@shop.test'));
  await visible(row.getByText('anna@new.test'));
  // The Content Manager side panel of the document says so, with a link to its held changes.
  await page.goto(`${C.url}/admin/content-manager/collection-types/${CUSTOMER}/${ids.anna}`);
  await visible(page.getByText('1 incoming change awaiting review'));
  await screenshot(page, 'review-content-manager-side-panel');
  await page.getByRole('link', { name: 'Open the Review page' }).click();
  await page.waitForURL(/\/review\?documentId=/);
  await visible(page.getByText('1 incoming change awaits review.'));
  await card(annaUpdate.id).getByRole('button', { name: 'Reject' }).click();
  await visible(page.getByText('Change rejected.'));
  await card(annaUpdate.id).waitFor({ state: 'detached' });
  expect(await getDoc(C, 'customers', ids.anna)).toMatchObject({ email: 'anna@shop.test' });
});

test('Accept all applies the filtered list', async () => {
  await openPluginPage(page, 'Review');
  await visible(page.getByText('2 incoming changes await review.'));
  await page.getByRole('button', { name: 'Accept all' }).first().click();
  const dialog = page.getByRole('alertdialog').or(page.getByRole('dialog'));
  await visible(dialog.getByText(/Accept and apply every change in this list/));
  await dialog.getByRole('button', { name: /confirm/i }).click();
  await visible(page.getByText('2 changes accepted, 0 failed.'));
  await visible(page.getByText('Nothing awaits review.', { exact: false }));
  expect((await getDoc(C, 'customers', ids.bert))?.name).toBe('Bert Beta');
  expect((await getDoc(C, 'customers', ids.cleo))?.name).toBe('Cleo Gamma');
  expect(await reviews(C)).toEqual([]);
});

test('a supplier edited on both sides at once is a conflict on both: base, local and incoming side by side', async () => {
  const s = await create(P, 'suppliers', { name: 'Nordic Tools' });
  await pullNow(cp);
  await update(C, 'suppliers', s, { name: 'Nordic Tools (branch)' });
  await pullNow(pc);
  await update(P, 'suppliers', s, { name: 'Nordic Tools AB' });
  await update(C, 'suppliers', s, { name: 'Nordic Tools Oy' });
  await pullNow(cp);
  await pullNow(pc);
  const [onC] = await reviews(C, '&reason=conflict');
  const [onP] = await reviews(P, '&reason=conflict');
  expect(onC).toMatchObject({ remoteDocumentId: s, conflict: true });
  expect(onP).toMatchObject({ remoteDocumentId: s, conflict: true });

  await page.reload();
  await visible(card(onC.id).getByText('Conflict: edited here too'));
  await visible(card(onC.id).getByText('Base (last applied)', { exact: true }));
  const row = card(onC.id).getByRole('row').filter({ hasText: 'name' });
  await visible(row.getByText('Nordic Tools', { exact: true }));
  await visible(row.getByText('Nordic Tools Oy'));
  await visible(row.getByText('Nordic Tools AB'));
  await screenshot(page, 'review-conflict');

  // Resolved on the branch: the head office's change is taken; the head office rejects the branch's.
  await card(onC.id).getByRole('button', { name: 'Accept' }).click();
  await visible(page.getByText('Change accepted and applied.'));
  expectStatus(await P.admin('POST', `/event-streaming/reviews/${onP.id}/reject`), 'reject on P');
  expect((await getDoc(C, 'suppliers', s))?.name).toBe('Nordic Tools AB');
  expect((await getDoc(P, 'suppliers', s))?.name).toBe('Nordic Tools AB');
  expect(errorsOf(page)).toEqual([]);
});
