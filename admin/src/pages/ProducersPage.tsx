import * as React from 'react';
import { Badge, Flex, IconButton, LinkButton, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowClockwise, Download, Pencil, Plus, Trash } from '@strapi/icons';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { Link as RouterLink, useNavigate } from 'react-router-dom';

import { useApi, type EventProducer, type SubscriptionStatus } from '../api';
import { BackfillModal } from '../components/BackfillModal';
import { DateTime } from '../components/DateTime';
import { DeleteProducerDialog } from '../components/DeleteProducerDialog';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { SubscriptionStatusBadge } from '../components/StatusBadges';
import { useNotify } from '../hooks/useNotify';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { useRequest } from '../hooks/useRequest';
import { getTrad } from '../utils/getTrad';
import { ListHeader } from '../components/ListHeader';

const STATUSES: SubscriptionStatus[] = ['Approved', 'Pending', 'Rejected'];

/** Subscription counts per status, e.g. "2 Approved · 1 Pending". */
const SubscriptionSummary = ({ producer }: { producer: EventProducer }) => {
  const { formatMessage } = useIntl();
  const active = producer.subscriptions.filter((subscription) => !subscription.unsubscribed);
  const unsubscribed = producer.subscriptions.length - active.length;
  return (
    <Flex gap={2} wrap="wrap">
      {STATUSES.map((status) => {
        const count = active.filter((subscription) => subscription.status === status).length;
        return count > 0 ? (
          <Flex key={status} gap={1}>
            <Typography fontWeight="bold">{count}</Typography>
            <SubscriptionStatusBadge status={status} />
          </Flex>
        ) : null;
      })}
      {unsubscribed > 0 ? (
        <Typography variant="pi" textColor="neutral600">
          {formatMessage(
            { id: getTrad('producers.list.unsubscribedCount'), defaultMessage: '{count} unsubscribed' },
            { count: unsubscribed }
          )}
        </Typography>
      ) : null}
      {producer.subscriptions.length === 0 ? (
        <Typography textColor="neutral500">
          {formatMessage({ id: getTrad('producers.list.noSubscriptions'), defaultMessage: 'None' })}
        </Typography>
      ) : null}
    </Flex>
  );
};

/** Producers this site subscribes to, with their health; create, edit, pull, back-fill, delete. */
export const ProducersPage = () => {
  const { formatMessage, formatNumber } = useIntl();
  const navigate = useNavigate();
  const api = useApi();
  const notify = useNotify();
  const { canConfigureProducers, canResync } = usePluginPermissions();
  const { data, error, isLoading, isFetching, refetch } = useRequest(() => api.listProducers(), [api]);
  const [pulling, setPulling] = React.useState<number | null>(null);
  const [toDelete, setToDelete] = React.useState<EventProducer | null>(null);
  const [toBackfill, setToBackfill] = React.useState<EventProducer | null>(null);

  const title = formatMessage({ id: getTrad('producers.title'), defaultMessage: 'Producers' });

  const handlePull = async (producer: EventProducer) => {
    setPulling(producer.id);
    try {
      notify.pullResult(await api.pullProducer(producer.id));
    } catch (err) {
      notify.error(err);
    } finally {
      setPulling(null);
      await refetch();
    }
  };

  const createButton = canConfigureProducers ? (
    <LinkButton tag={RouterLink} to="create" startIcon={<Plus />}>
      {formatMessage({ id: getTrad('producers.create'), defaultMessage: 'Add producer' })}
    </LinkButton>
  ) : undefined;

  const renderBody = () => {
    if (isLoading) return <LoadingState />;
    if (error && !data) return <ErrorState error={error} onRetry={refetch} />;
    const producers = data ?? [];
    if (producers.length === 0) {
      return (
        <EmptyState
          content={formatMessage({
            id: getTrad('producers.empty'),
            defaultMessage: 'This site receives nothing yet. Add a producer: another Strapi site whose content types you want here.',
          })}
          action={createButton}
        />
      );
    }
    return (
      <Table colCount={7} rowCount={producers.length + 1}>
        <Thead>
          <Tr>
            <Th>
              <Typography variant="sigma">
                {formatMessage({ id: getTrad('producers.list.producer'), defaultMessage: 'Producer' })}
              </Typography>
            </Th>
            <Th>
              <Typography variant="sigma">
                {formatMessage({ id: getTrad('producers.list.subscriptions'), defaultMessage: 'Subscriptions' })}
              </Typography>
            </Th>
            <Th>
              <Typography variant="sigma">
                {formatMessage({ id: getTrad('producers.list.lastPull'), defaultMessage: 'Last pull' })}
              </Typography>
            </Th>
            <Th>
              <Typography variant="sigma">
                {formatMessage({ id: getTrad('producers.list.lastSuccess'), defaultMessage: 'Last success' })}
              </Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{formatMessage({ id: getTrad('producers.list.lag'), defaultMessage: 'Lag' })}</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">
                {formatMessage({ id: getTrad('producers.list.lastError'), defaultMessage: 'Last error' })}
              </Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{formatMessage({ id: getTrad('common.actions'), defaultMessage: 'Actions' })}</Typography>
            </Th>
          </Tr>
        </Thead>
        <Tbody>
          {producers.map((producer) => (
            <Tr key={producer.id}>
              <Td>
                <Flex direction="column" alignItems="flex-start" gap={1}>
                  <Typography fontWeight="semiBold">{producer.producerUrl}</Typography>
                  <Flex gap={2}>
                    <Badge size="S">
                      {producer.pushEnabled
                        ? formatMessage({ id: getTrad('producers.delivery.push'), defaultMessage: 'Push + pull' })
                        : formatMessage({ id: getTrad('producers.delivery.pull'), defaultMessage: 'Pull only' })}
                    </Badge>
                    {producer.producerSiteId ? (
                      <Typography variant="pi" textColor="neutral600" title={producer.producerSiteId}>
                        {producer.producerSiteId.slice(0, 8)}
                      </Typography>
                    ) : null}
                  </Flex>
                </Flex>
              </Td>
              <Td>
                <SubscriptionSummary producer={producer} />
              </Td>
              <Td>
                <DateTime
                  value={producer.lastPullAt}
                  emptyLabel={formatMessage({ id: getTrad('common.never'), defaultMessage: 'Never' })}
                />
              </Td>
              <Td>
                <DateTime
                  value={producer.lastSuccessAt}
                  emptyLabel={formatMessage({ id: getTrad('common.never'), defaultMessage: 'Never' })}
                />
              </Td>
              <Td>
                <Typography
                  fontWeight="semiBold"
                  textColor={producer.lag > 0 ? 'warning600' : 'success600'}
                  title={formatMessage(
                    {
                      id: getTrad('producers.list.lagTitle'),
                      defaultMessage: 'Pulled up to #{pulled} of #{head}',
                    },
                    { pulled: producer.lastPulledSeq, head: producer.producerHeadSeq }
                  )}
                >
                  {formatNumber(producer.lag)}
                </Typography>
              </Td>
              <Td>
                {producer.lastError ? (
                  // A fixed width: table cells are nowrap and would otherwise grow with a long error.
                  <Flex direction="column" alignItems="stretch" gap={1} width="20rem">
                    <Typography textColor="danger600" ellipsis title={producer.lastError}>
                      {producer.lastError}
                    </Typography>
                    <Typography variant="pi" textColor="neutral600">
                      <DateTime value={producer.lastErrorAt} />
                    </Typography>
                  </Flex>
                ) : (
                  <Typography textColor="neutral500">{formatMessage({ id: getTrad('common.none'), defaultMessage: '—' })}</Typography>
                )}
              </Td>
              <Td>
                <Flex gap={1}>
                  <IconButton
                    label={formatMessage({ id: getTrad('producers.pull'), defaultMessage: 'Pull now' })}
                    variant="ghost"
                    disabled={!canResync || pulling !== null}
                    onClick={() => handlePull(producer)}
                  >
                    <ArrowClockwise />
                  </IconButton>
                  <IconButton
                    label={formatMessage({ id: getTrad('producers.backfill'), defaultMessage: 'Back-fill' })}
                    variant="ghost"
                    disabled={!canResync}
                    onClick={() => setToBackfill(producer)}
                  >
                    <Download />
                  </IconButton>
                  <IconButton
                    label={formatMessage({ id: getTrad('common.edit'), defaultMessage: 'Edit' })}
                    variant="ghost"
                    onClick={() => navigate(String(producer.id))}
                  >
                    <Pencil />
                  </IconButton>
                  {canConfigureProducers ? (
                    <IconButton
                      label={formatMessage({ id: getTrad('common.delete'), defaultMessage: 'Delete' })}
                      variant="ghost"
                      onClick={() => setToDelete(producer)}
                    >
                      <Trash />
                    </IconButton>
                  ) : null}
                </Flex>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    );
  };

  return (
    <Page.Main>
      <ListHeader
        title={title}
        subtitle={formatMessage({
          id: getTrad('producers.subtitle'),
          defaultMessage: 'Sites this site receives documents from, and how far behind it is.',
        })}
        primaryAction={createButton}
        isFetching={isFetching}
        onRefresh={refetch}
      />
      <Layouts.Content>{renderBody()}</Layouts.Content>
      <DeleteProducerDialog producer={toDelete} onClose={() => setToDelete(null)} onDeleted={refetch} />
      <BackfillModal producer={toBackfill} onClose={() => setToBackfill(null)} onDone={refetch} />
    </Page.Main>
  );
};
