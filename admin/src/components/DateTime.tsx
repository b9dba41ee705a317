import { Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import { getTrad } from '../utils/getTrad';

interface DateTimeProps {
  value: string | null | undefined;
  /** Shown when there is no date, e.g. "Never". Defaults to a dash. */
  emptyLabel?: string;
}

/** A timestamp in the admin's locale, with the exact ISO time as a tooltip. */
export const DateTime = ({ value, emptyLabel }: DateTimeProps) => {
  const { formatDate, formatMessage } = useIntl();
  if (!value) {
    return (
      <Typography textColor="neutral500">{emptyLabel ?? formatMessage({ id: getTrad('common.none'), defaultMessage: '—' })}</Typography>
    );
  }
  return <Typography title={value}>{formatDate(value, { dateStyle: 'medium', timeStyle: 'medium' })}</Typography>;
};
