/**
 * Admin entry of the plugin: the left-menu page (Producers, Consumers, Update Log, Sync Log),
 * Settings → Event Streaming → Mappings, and the Content Manager side panel.
 */
import { Cast } from '@strapi/icons';

import { OriginPanel } from './components/OriginPanel';
import { PERMISSIONS, PLUGIN_PATH, SETTINGS_PATH } from './constants';
import { PLUGIN_ID } from './pluginId';
import { getTrad, prefixKey } from './utils/getTrad';

import type { StrapiApp } from '@strapi/strapi/admin';
import type { PanelComponent } from '@strapi/content-manager/strapi-admin';

/** The slice of the Content Manager's plugin API this plugin uses. */
interface ContentManagerApis {
  addEditViewSidePanel: (panels: PanelComponent[]) => void;
}

const hasSidePanelApi = (apis: unknown): apis is ContentManagerApis =>
  typeof apis === 'object' && apis !== null && typeof (apis as Partial<ContentManagerApis>).addEditViewSidePanel === 'function';

export default {
  register(app: StrapiApp) {
    app.addMenuLink({
      to: PLUGIN_PATH,
      icon: Cast,
      intlLabel: { id: getTrad('plugin.name'), defaultMessage: 'Event Streaming' },
      permissions: PERMISSIONS.read,
      Component: () => import('./pages/App'),
    });

    // One call creates the section with its link; a second call for the same section id throws.
    app.addSettingsLink(
      { id: PLUGIN_ID, intlLabel: { id: getTrad('plugin.name'), defaultMessage: 'Event Streaming' } },
      {
        id: `${PLUGIN_ID}-mappings`,
        to: SETTINGS_PATH,
        intlLabel: { id: getTrad('settings.mappings'), defaultMessage: 'Mappings' },
        permissions: PERMISSIONS.mappings,
        Component: () => import('./pages/settings/MappingsSettings'),
      }
    );

    app.registerPlugin({ id: PLUGIN_ID, name: PLUGIN_ID });
  },

  bootstrap(app: Pick<StrapiApp, 'getPlugin'>) {
    const apis: unknown = app.getPlugin('content-manager')?.apis;
    if (hasSidePanelApi(apis)) apis.addEditViewSidePanel([OriginPanel]);
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = (await import(`./translations/${locale}.json`)) as {
            default: Record<string, string>;
          };
          const prefixed: Record<string, string> = {};
          for (const [key, value] of Object.entries(data)) prefixed[prefixKey(key)] = value;
          return { data: prefixed, locale };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};
