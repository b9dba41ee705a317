import * as React from 'react';
import { Button } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useT, type Message } from '../../hooks/useT';
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

/** The texts of a list page. */
export interface ListText {
  title: Message;
  /** May use `{total}` (the number of entries, when the page knows it). */
  subtitle: Message;
  /** The subtitle until `total` is known. */
  subtitleLoading?: Message;
  /** The empty state when there is nothing at all. */
  empty: Message;
}

interface ListLayoutProps {
  text: ListText;
  query: ListQueryState;
  /** What the page lists: none, the empty state. */
  items: unknown[];
  /** How many entries there are in all (paged lists). */
  total?: number;
  /** A filter is set: the empty state says that nothing matches. */
  filtered?: boolean;
  /** The header's main button; also the empty state's action. */
  primaryAction?: React.ReactNode;
  /** Filters above the list (`Layouts.Action`). */
  filters?: React.ReactNode;
  /** The list, shown once loaded and not empty. */
  children: React.ReactNode;
  /** Dialogs and modals of the page. */
  overlays?: React.ReactNode;
}

/**
 * The frame of the plugin's list pages: title, header with a Refresh button, filters, and the
 * loading / error (with Retry) / empty states around the list itself.
 */
export const ListLayout = ({ text, query, items, total, filtered, primaryAction, filters, children, overlays }: ListLayoutProps) => {
  const t = useT();
  const refetch = () => void query.refetch();
  const title = t(...text.title);
  const [subtitleKey, subtitle] = total === undefined ? (text.subtitleLoading ?? text.subtitle) : text.subtitle;
  const emptyText = filtered ? t('logs.emptyFiltered', 'No entry matches these filters.') : t(...text.empty);

  let body = children;
  if (query.isLoading) body = <LoadingState />;
  else if (query.error && !query.data) body = <ErrorState error={query.error} onRetry={refetch} />;
  else if (items.length === 0) body = <EmptyState content={emptyText} action={primaryAction} />;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        title={title}
        subtitle={t(subtitleKey, subtitle, { total: total ?? 0 })}
        primaryAction={primaryAction}
        secondaryAction={
          <Button variant="tertiary" startIcon={<ArrowClockwise />} loading={query.isFetching} onClick={refetch}>
            {t('common.refresh', 'Refresh')}
          </Button>
        }
      />
      {filters ? <Layouts.Action startActions={filters} /> : null}
      <Layouts.Content>{body}</Layouts.Content>
      {overlays}
    </Page.Main>
  );
};
