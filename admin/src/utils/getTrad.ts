import { PLUGIN_ID } from '../pluginId';

/**
 * Full translation id of one of this plugin's messages: `getTrad('producers.title')` is
 * `event-streaming.producers.title`. Keys in `translations/*.json` are stored without the prefix
 * and prefixed by `registerTrads`.
 */
export const getTrad = (id: string): string => `${PLUGIN_ID}.${id}`;
