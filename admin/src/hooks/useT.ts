import * as React from 'react';
import { useIntl } from 'react-intl';

import { getTrad } from '../utils/getTrad';

/** A message of this plugin: its key (without the plugin prefix) and its default (English) text. */
export type Message = readonly [key: string, defaultMessage: string];

/** Values of an ICU message (`{count}`, `{url}`, ...). */
export type MessageValues = Record<string, string | number>;

/**
 * `t(key, defaultMessage, values?)`: one of this plugin's messages, by its key without the plugin
 * prefix (`t('common.save', 'Save')` is `event-streaming.common.save`).
 */
export const useT = () => {
  const { formatMessage } = useIntl();
  return React.useCallback(
    (key: string, defaultMessage: string, values?: MessageValues) => formatMessage({ id: getTrad(key), defaultMessage }, values),
    [formatMessage]
  );
};
