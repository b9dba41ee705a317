import { Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import { useT } from '../hooks/useT';

interface DateTimeProps {
  value: string | null | undefined;
  /** Shown when there is no date, e.g. "Never". Defaults to a dash. */
  emptyLabel?: string;
}

/** A timestamp in the admin's locale, with the exact ISO time as a tooltip; a dash (or `emptyLabel`) without one. */
export const DateTime = ({ value, emptyLabel }: DateTimeProps) => {
  const { formatDate } = useIntl();
  const t = useT();
  if (!value) {
    return <Typography textColor="neutral500">{emptyLabel ?? t('common.none', '—')}</Typography>;
  }
  return <Typography title={value}>{formatDate(value, { dateStyle: 'medium', timeStyle: 'medium' })}</Typography>;
};

/** A timestamp of something that may not have happened yet ("Never"). */
export const NeverDateTime = ({ value }: { value: string | null }) => {
  const t = useT();
  return <DateTime value={value} emptyLabel={t('common.never', 'Never')} />;
};
