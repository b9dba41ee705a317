import * as React from 'react';
import { useIntl } from 'react-intl';

import { getTrad, type TranslationKey } from '../utils/getTrad';

export type { TranslationKey };

/** A message of this plugin: its key (without the plugin prefix) and its default (English) text. */
export type Message = readonly [key: TranslationKey, defaultMessage: string];

/** Values of an ICU message (`{count}`, `{url}`, ...). */
export type MessageValues = Record<string, string | number>;

/**
 * `t(key, defaultMessage, values?)`: one of this plugin's messages, by its key without the plugin
 * prefix (`t('common.save', 'Save')` is `event-streaming.common.save`).
 */
export const useT = () => {
  const { formatMessage } = useIntl();
  return React.useCallback(
    (key: TranslationKey, defaultMessage: string, values?: MessageValues) => formatMessage({ id: getTrad(key), defaultMessage }, values),
    [formatMessage]
  );
};
