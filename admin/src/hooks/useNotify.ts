import * as React from 'react';
import { useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import type { PullResult } from '../api/contracts';
import { getErrorMessage } from '../utils/errors';
import { getTrad } from '../utils/getTrad';

/**
 * Notification helpers: `success(message)`, `warning(message)`, `error(err)` (shows the server's
 * `error.message`) and `pullResult(result)` (the outcome of "Pull now").
 */
export const useNotify = () => {
  const { toggleNotification } = useNotification();
  const { formatMessage } = useIntl();

  return React.useMemo(
    () => ({
      success: (message: string) => toggleNotification({ type: 'success', message }),
      warning: (message: string) => toggleNotification({ type: 'warning', message }),
      pullResult: (result: PullResult) => {
        if ('busy' in result) {
          toggleNotification({
            type: 'warning',
            message: formatMessage({
              id: getTrad('producers.pull.busy'),
              defaultMessage: 'A pull from this producer is already running; try again in a moment.',
            }),
          });
          return;
        }
        const message = formatMessage(
          {
            id: getTrad('producers.pull.result'),
            defaultMessage:
              '{pulled, plural, =0 {No new events} one {# event pulled} other {# events pulled}}: {applied} applied, {failed} failed.',
          },
          { pulled: result.pulled, applied: result.applied, failed: result.failed }
        );
        toggleNotification({ type: result.failed > 0 ? 'warning' : 'success', message });
      },
      error: (err: unknown) =>
        toggleNotification({
          type: 'danger',
          message: getErrorMessage(
            err,
            formatMessage({
              id: getTrad('notification.error.unknown'),
              defaultMessage: 'Something went wrong. Please try again.',
            })
          ),
        }),
    }),
    [toggleNotification, formatMessage]
  );
};
