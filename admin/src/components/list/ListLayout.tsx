import * as React from 'react';
import { Button } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { getTrad } from '../../utils/getTrad';
import { EmptyState, ErrorState, LoadingState } from '../States';

/** The parts of a TanStack Query result a list page shows. */
export interface ListQueryState {
  data: unknown;
  error: unknown;
  /** No data yet: the spinner. */
  isLoading: boolean;
  /** Any request in flight: the Refresh button spins. */
  isFetching: boolean;
  refetch: () => unknown;
}

interface ListLayoutProps {
  title: string;
  subtitle: string;
  primaryAction?: React.ReactNode;
  /** Filters above the list (`Layouts.Action`). */
  filters?: React.ReactNode;
  query: ListQueryState;
  /** Set when there is nothing to list: the empty state's text and optional action. */
  empty?: { content: string; action?: React.ReactNode } | false;
  /** The list, shown once loaded and not empty. */
  children: React.ReactNode;
  /** Dialogs and modals of the page. */
  overlays?: React.ReactNode;
}

/**
 * The frame of the plugin's list pages: title, header with a Refresh button, filters, and the
 * loading / error (with Retry) / empty states around the list itself.
 */
export const ListLayout = ({ title, subtitle, primaryAction, filters, query, empty, children, overlays }: ListLayoutProps) => {
  const { formatMessage } = useIntl();
  const refetch = () => void query.refetch();

  let body = children;
  if (query.isLoading) body = <LoadingState />;
  else if (query.error && !query.data) body = <ErrorState error={query.error} onRetry={refetch} />;
  else if (empty) body = <EmptyState content={empty.content} action={empty.action} />;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={subtitle}
        primaryAction={primaryAction}
        secondaryAction={
          <Button variant="tertiary" startIcon={<ArrowClockwise />} loading={query.isFetching} onClick={refetch}>
            {formatMessage({ id: getTrad('common.refresh'), defaultMessage: 'Refresh' })}
          </Button>
        }
      />
      {filters ? <Layouts.Action startActions={filters} /> : null}
      <Layouts.Content>{body}</Layouts.Content>
      {overlays}
    </Page.Main>
  );
};
