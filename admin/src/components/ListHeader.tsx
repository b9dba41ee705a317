import * as React from 'react';
import { Button } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { getTrad } from '../utils/getTrad';

interface ListHeaderProps {
  title: string;
  subtitle: string;
  primaryAction?: React.ReactNode;
  /** A request is in flight: the Refresh button spins. */
  isFetching: boolean;
  onRefresh: () => void;
}

/** Page title and header of the plugin's list pages, with their Refresh button. */
export const ListHeader = ({ title, subtitle, primaryAction, isFetching, onRefresh }: ListHeaderProps) => {
  const { formatMessage } = useIntl();
  return (
    <>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={subtitle}
        primaryAction={primaryAction}
        secondaryAction={
          <Button variant="tertiary" startIcon={<ArrowClockwise />} loading={isFetching} onClick={onRefresh}>
            {formatMessage({ id: getTrad('common.refresh'), defaultMessage: 'Refresh' })}
          </Button>
        }
      />
    </>
  );
};
