/**
 * Issue 5.6, scenario 3: a Document Type Mapping is created through Settings → Event Streaming →
 * Mappings: the form's selects and inputs, client-side validation (empty name) and a server-side
 * rejection (duplicate name) shown as readable errors, the saved mapping in the list and in
 * GET /event-streaming/mappings. Also takes the Mappings list and Mapping edit screenshots.
 * One site is enough: mappings are local configuration.
 */
import type { Browser, Page } from 'playwright-core';

import { expectStatus, startSite, stopAll, type Site } from '../helpers/sites';
import {
  CONTACT,
  CUSTOMER,
  dismissNotification,
  errorsOf,
  launchBrowser,
  openAdmin,
  rowWith,
  screenshot,
  selectOption,
  visible,
  waitForLoaded,
} from './helpers';

const NAME = 'customer-to-contact';

let browser: Browser;
let site: Site;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  site = await startSite({ name: 'branch', serveAdmin: true, client: 'sqlite' });
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

/** Settings (main nav) → Event Streaming → Mappings. */
async function openMappings() {
  await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).first().click();
  await page.getByRole('link', { name: 'Mappings', exact: true }).click();
  await visible(page.getByRole('heading', { name: 'Mappings', level: 1 }));
  await waitForLoaded(page);
}

const localField = (i: number) => page.getByRole('combobox', { name: 'Local field' }).nth(i);
const remoteField = (i: number) => page.getByRole('textbox', { name: 'Remote field' }).nth(i);
const defaultValue = (i: number) => page.getByRole('textbox', { name: 'Default value' }).nth(i);

test('an empty mapping form is not saved and says what is missing', async () => {
  page = await openAdmin(browser, site);
  await openMappings();
  await visible(page.getByText('No mapping yet.', { exact: false }));
  await page.getByRole('link', { name: 'Add mapping' }).first().click();
  await visible(page.getByRole('heading', { name: 'Add a mapping', level: 1 }));
  await waitForLoaded(page);

  await page.getByRole('button', { name: 'Save' }).click();
  // Name, local and remote content type are required: each field says so.
  await visible(page.getByText('This value is required.'));
  expect(await page.getByText('This value is required.').count()).toBe(3);
  expect(await page.getByRole('textbox', { name: 'Name' }).getAttribute('aria-invalid')).toBe('true');
  await screenshot(page, 'branch-mapping-create-invalid');
  expect(expectStatus(await site.admin('GET', '/event-streaming/mappings'), 'list mappings').body.data).toEqual([]);
});

test('customer-to-contact is created through the form, listed, and returned by the API', async () => {
  await page.getByRole('textbox', { name: 'Name' }).fill(NAME);
  await selectOption(page, page.getByRole('combobox', { name: 'Local content type' }), `Contact (${CONTACT})`);
  // Picking the local type pre-fills the remote one with the same UID: replace it.
  const remote = page.getByRole('textbox', { name: 'Remote content type' });
  expect(await remote.inputValue()).toBe(CONTACT);
  await remote.fill(CUSTOMER);

  await visible(page.getByText('No field listed yet', { exact: false }));
  const addField = page.getByRole('button', { name: 'Add field', exact: true });
  await addField.click();
  await selectOption(page, localField(0), /^fullName \*/);
  await remoteField(0).fill('name');
  await addField.click();
  await selectOption(page, localField(1), /^contactEmail/);
  await remoteField(1).fill('email');
  await addField.click();
  await selectOption(page, localField(2), /^source/);
  await remoteField(2).fill(''); // not on the producer: always the default
  await defaultValue(2).fill('head office');
  expect(await remoteField(0).inputValue()).toBe('name');

  await page.getByRole('button', { name: 'Save' }).click();
  await visible(page.getByText('Mapping saved.'));
  await dismissNotification(page, 'Mapping saved.'); // it covers the title in the screenshot
  // Saved: the page becomes the mapping's edit page, titled with its name.
  await page.waitForURL(/\/settings\/event-streaming\/mappings\/\d+$/);
  await visible(page.getByRole('heading', { name: NAME, level: 1 }));
  expect(await remoteField(0).inputValue()).toBe('name');
  expect(await defaultValue(2).inputValue()).toBe('head office');
  await screenshot(page, 'branch-mapping-edit');

  const mappings = expectStatus(await site.admin('GET', '/event-streaming/mappings'), 'list mappings').body.data;
  expect(mappings).toHaveLength(1);
  expect(mappings[0]).toMatchObject({ mappingName: NAME, localContentType: CONTACT, remoteContentType: CUSTOMER });
  expect(mappings[0].fieldMappings).toEqual([
    expect.objectContaining({ localField: 'fullName', remoteField: 'name', defaultValue: null, mappingType: 'none' }),
    expect.objectContaining({ localField: 'contactEmail', remoteField: 'email', defaultValue: null, mappingType: 'none' }),
    expect.objectContaining({ localField: 'source', remoteField: null, defaultValue: 'head office', mappingType: 'none' }),
  ]);

  await page
    .getByRole('link', { name: 'Back' })
    .or(page.getByRole('button', { name: 'Back' }))
    .first()
    .click();
  await visible(page.getByRole('heading', { name: 'Mappings', level: 1 }));
  const row = rowWith(page, NAME);
  await visible(row);
  await visible(row.getByText(CONTACT));
  await visible(row.getByText(CUSTOMER));
  await screenshot(page, 'branch-mappings');
});

test('a second mapping with the same name is refused with a readable error', async () => {
  await page.getByRole('link', { name: 'Add mapping' }).first().click();
  await visible(page.getByRole('heading', { name: 'Add a mapping', level: 1 }));
  await waitForLoaded(page);
  await page.getByRole('textbox', { name: 'Name' }).fill(NAME);
  await selectOption(page, page.getByRole('combobox', { name: 'Local content type' }), `Contact (${CONTACT})`);
  await page.getByRole('button', { name: 'Save' }).click();

  const alert = page.getByRole('alert').filter({ hasText: 'Not saved' });
  await visible(alert);
  expect(await alert.innerText()).toContain(`A mapping named "${NAME}" already exists`);
  expect(await page.getByText('Whoops! Something went wrong.', { exact: false }).count()).toBe(0);
  await screenshot(page, 'branch-mapping-duplicate-name');
  expect(page.url()).toMatch(/\/mappings\/create$/);
  expect(expectStatus(await site.admin('GET', '/event-streaming/mappings'), 'list mappings').body.data).toHaveLength(1);
  expect(errorsOf(page)).toEqual([]);
});
