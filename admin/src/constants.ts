/**
 * The few server identifiers the admin needs, duplicated from `server/src/constants.ts` so the
 * admin bundle never imports server runtime code. Keep the two in step.
 */
import { PLUGIN_ID } from './pluginId';

/** Admin RBAC actions (the server registers them in bootstrap and checks them on every route). */
export const ACTIONS = {
  read: `plugin::${PLUGIN_ID}.read`,
  approve: `plugin::${PLUGIN_ID}.approve`,
  configureProducers: `plugin::${PLUGIN_ID}.configure-producers`,
  resync: `plugin::${PLUGIN_ID}.resync`,
  configureMappings: `plugin::${PLUGIN_ID}.configure-mappings`,
} as const;

/** Permission objects as `useRBAC`, `Page.Protect` and menu links expect them (no subject). */
export const PERMISSIONS = {
  read: [{ action: ACTIONS.read, subject: null }],
  mappings: [
    { action: ACTIONS.read, subject: null },
    { action: ACTIONS.configureMappings, subject: null },
  ],
  all: Object.values(ACTIONS).map((action) => ({ action, subject: null })),
};

/** Prefix of the plugin's admin API (`/event-streaming/...`, admin JWT). */
export const API_PREFIX = `/${PLUGIN_ID}`;

/** Admin-panel paths (react-router, relative to the admin root). */
export const PLUGIN_PATH = `plugins/${PLUGIN_ID}`;
export const SETTINGS_PATH = `${PLUGIN_ID}/mappings`;
export const ABSOLUTE_PLUGIN_PATH = `/${PLUGIN_PATH}`;
export const ABSOLUTE_SETTINGS_PATH = `/settings/${SETTINGS_PATH}`;

/** Page sizes offered by the log pages. */
export const PAGE_SIZES = ['10', '20', '50', '100'];
export const DEFAULT_PAGE_SIZE = 20;
