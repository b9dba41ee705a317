import * as React from 'react';
import { useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { getErrorMessage } from '../utils/errors';
import { getTrad } from '../utils/getTrad';

/** Notification helpers: `success(message)` and `error(err)` (shows the server's `error.message`). */
export const useNotify = () => {
  const { toggleNotification } = useNotification();
  const { formatMessage } = useIntl();

  return React.useMemo(
    () => ({
      success: (message: string) => toggleNotification({ type: 'success', message }),
      warning: (message: string) => toggleNotification({ type: 'warning', message }),
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
