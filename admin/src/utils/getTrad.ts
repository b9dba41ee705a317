import { PLUGIN_ID } from '../pluginId';

import type en from '../translations/en.json';

/**
 * A key of this plugin's messages, without the plugin prefix: the keys of `translations/en.json`.
 * Every other locale has exactly these keys (tests/unit/translations.test.ts), so an id that is
 * not one of them is a typo and fails `npm run typecheck`.
 */
export type TranslationKey = keyof typeof en;

/** `key` with the plugin prefix; untyped, for `registerTrads`, which reads the keys from the files. */
export const prefixKey = (key: string): string => `${PLUGIN_ID}.${key}`;

/**
 * Full translation id of one of this plugin's messages: `getTrad('producers.title')` is
 * `event-streaming.producers.title`. Keys in `translations/*.json` are stored without the prefix
 * and prefixed by `registerTrads`.
 */
export const getTrad = (id: TranslationKey): string => prefixKey(id);
