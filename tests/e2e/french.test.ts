/**
 * Issue 16.9: the plugin's admin pages in French. The admin's interface language is set to French
 * the way Profile → Interface language saves it (PUT /admin/users/me `preferedLanguage`); the
 * playground offers French (playground/src/admin/app.tsx). The plugin's texts then come from
 * admin/src/translations/fr.json.
 */
import type { Browser, Page } from 'playwright-core';

import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { errorsOf, launchBrowser, openAdmin, screenshot, visible, waitForLoaded } from './helpers';

let browser: Browser;
let site: Site;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  [site] = await startSites([{ name: 'siege-fr' }], { serveAdmin: true, client: 'sqlite' });
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

test('an admin whose interface language is French sees the plugin in French', async () => {
  page = await openAdmin(browser, site);
  const me = expectStatus(await site.admin('PUT', '/admin/users/me', { preferedLanguage: 'fr' }), 'PUT /admin/users/me');
  expect(me.body.data.preferedLanguage).toBe('fr');
  await page.reload(); // the admin applies the user's language when it loads the user

  await page.getByRole('navigation').getByRole('link', { name: 'Event Streaming' }).first().click();
  await page.getByRole('link', { name: 'Producteurs', exact: true }).click();
  await visible(page.getByRole('heading', { name: 'Producteurs', level: 1 }));
  await waitForLoaded(page);
  await visible(page.getByText('Les sites dont celui-ci reçoit des documents, et son retard sur chacun.'));
  await visible(page.getByText('Ce site ne reçoit encore rien.', { exact: false }));
  await visible(page.getByRole('link', { name: 'Ajouter un producteur' }).or(page.getByRole('button', { name: 'Ajouter un producteur' })));
  await visible(page.getByText('Réception (ce site consomme)'));
  await visible(page.getByRole('link', { name: 'Journal de synchronisation', exact: true }));
  // No English text of the plugin is left on the page.
  for (const english of ['Producers', 'Sync Log', 'Add producer', 'This site receives nothing yet']) {
    expect(await page.getByText(english, { exact: true }).count()).toBe(0);
  }
  await screenshot(page, 'siege-fr-producers-french');

  await page.getByRole('link', { name: 'Journal des modifications', exact: true }).click();
  await visible(page.getByRole('heading', { name: 'Journal des modifications', level: 1 }));
  await waitForLoaded(page);
  await visible(page.getByText('Tous les types de modification').or(page.getByText('Aucune modification enregistrée', { exact: false })));
  await screenshot(page, 'siege-fr-update-log-french');
  expect(errorsOf(page)).toEqual([]);
});
