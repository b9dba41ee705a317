/**
 * The admin's constants. RBAC actions come from the server's one list (`server/src/constants.ts`
 * has no runtime imports, so the admin bundle takes it as it is).
 */
import { ACTIONS } from '../../server/src/constants';
import { PLUGIN_ID } from './pluginId';

export { ACTIONS };

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
