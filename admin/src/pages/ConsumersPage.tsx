import * as React from 'react';
import { Badge, Box, Button, Dialog, Flex, Grid, IconButton, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Check, Cross, Trash, WarningCircle } from '@strapi/icons';
import { ConfirmDialog, Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { useApi, type EventConsumer, type SubscriptionStatus } from '../api';
import { ContentTypeName } from '../components/ContentTypeName';
import { DateTime } from '../components/DateTime';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { SubscriptionStatusBadge } from '../components/StatusBadges';
import { useContentTypes } from '../hooks/useContentTypes';
import { useNotify } from '../hooks/useNotify';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { useRequest } from '../hooks/useRequest';
import { getTrad } from '../utils/getTrad';

import type { StreamableContentType } from '../api';
import { ListHeader } from '../components/ListHeader';

interface ConsumerCardProps {
  consumer: EventConsumer;
  byUid: Map<string, StreamableContentType>;
  canApprove: boolean;
  onChanged: (consumer: EventConsumer) => void;
  onDelete: (consumer: EventConsumer) => void;
}

/** One consumer site: who it is, how far it has read, and its subscriptions to approve or reject. */
const ConsumerCard = ({ consumer, byUid, canApprove, onChanged, onDelete }: ConsumerCardProps) => {
  const { formatMessage, formatNumber } = useIntl();
  const api = useApi();
  const notify = useNotify();
  const [busy, setBusy] = React.useState<string | null>(null);

  const lag = Math.max(0, consumer.headSeq - consumer.ackSeq);
  const pending = consumer.subscriptions.filter((s) => s.status === 'Pending' && !s.unsubscribed);

  /** Sends every subscription with the changed ones, so the result is the same whether the server patches or replaces. */
  const setStatus = async (contentTypes: string[], status: SubscriptionStatus, busyKey: string) => {
    setBusy(busyKey);
    try {
      const updated = await api.setConsumerSubscriptions(consumer.id, {
        subscriptions: consumer.subscriptions.map((s) => ({
          contentType: s.contentType,
          status: contentTypes.includes(s.contentType) ? status : s.status,
        })),
      });
      notify.success(
        formatMessage(
          {
            id: getTrad('consumers.statusChanged'),
            defaultMessage:
              '{count, plural, one {# content type} other {# content types}} {status, select, Approved {approved} Rejected {rejected} other {updated}} for {name}.',
          },
          { count: contentTypes.length, status, name: consumer.consumerName }
        )
      );
      onChanged(updated);
    } catch (err) {
      notify.error(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="flex-start" gap={4}>
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Flex gap={2}>
              <Typography variant="delta" tag="h2">
                {consumer.consumerName}
              </Typography>
              {pending.length > 0 ? (
                <Badge textColor="warning600" backgroundColor="warning100">
                  {formatMessage({ id: getTrad('consumers.pendingCount'), defaultMessage: '{count} pending' }, { count: pending.length })}
                </Badge>
              ) : null}
            </Flex>
            <Typography variant="pi" textColor="neutral600">
              {formatMessage({ id: getTrad('consumers.siteId'), defaultMessage: 'Site id {siteId}' }, { siteId: consumer.consumerSiteId })}
            </Typography>
          </Flex>
          <Flex gap={2}>
            {canApprove && pending.length > 0 ? (
              <Button
                variant="success-light"
                startIcon={<Check />}
                loading={busy === 'all'}
                disabled={busy !== null}
                onClick={() =>
                  setStatus(
                    pending.map((s) => s.contentType),
                    'Approved',
                    'all'
                  )
                }
              >
                {formatMessage({ id: getTrad('consumers.approveAll'), defaultMessage: 'Approve all pending' })}
              </Button>
            ) : null}
            {canApprove ? (
              <IconButton
                label={formatMessage({ id: getTrad('consumers.delete'), defaultMessage: 'Remove consumer' })}
                variant="ghost"
                onClick={() => onDelete(consumer)}
              >
                <Trash />
              </IconButton>
            ) : null}
          </Flex>
        </Flex>

        <Grid.Root gap={4}>
          <Grid.Item col={3} s={6} xs={12} direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="sigma" textColor="neutral600">
              {formatMessage({ id: getTrad('consumers.callback'), defaultMessage: 'Notifications' })}
            </Typography>
            <Typography ellipsis title={consumer.callbackUrl ?? undefined}>
              {consumer.callbackUrl ?? formatMessage({ id: getTrad('consumers.pullOnly'), defaultMessage: 'None (pull only)' })}
            </Typography>
          </Grid.Item>
          <Grid.Item col={3} s={6} xs={12} direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="sigma" textColor="neutral600">
              {formatMessage({ id: getTrad('consumers.lastSeen'), defaultMessage: 'Last seen' })}
            </Typography>
            <DateTime value={consumer.lastSeenAt} emptyLabel={formatMessage({ id: getTrad('common.never'), defaultMessage: 'Never' })} />
          </Grid.Item>
          <Grid.Item col={3} s={6} xs={12} direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="sigma" textColor="neutral600">
              {formatMessage({ id: getTrad('consumers.acknowledged'), defaultMessage: 'Acknowledged' })}
            </Typography>
            <Typography>
              {formatMessage(
                { id: getTrad('producers.health.cursorValue'), defaultMessage: '#{pulled} of #{head}' },
                { pulled: consumer.ackSeq, head: consumer.headSeq }
              )}
            </Typography>
          </Grid.Item>
          <Grid.Item col={3} s={6} xs={12} direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="sigma" textColor="neutral600">
              {formatMessage({ id: getTrad('producers.list.lag'), defaultMessage: 'Lag' })}
            </Typography>
            <Typography fontWeight="bold" textColor={lag > 0 ? 'warning600' : 'success600'}>
              {formatMessage(
                { id: getTrad('producers.health.lagValue'), defaultMessage: '{lag, plural, one {# event} other {# events}}' },
                { lag: formatNumber(lag) }
              )}
            </Typography>
          </Grid.Item>
        </Grid.Root>

        {consumer.subscriptions.length === 0 ? (
          <Typography textColor="neutral600">
            {formatMessage({ id: getTrad('consumers.noSubscriptions'), defaultMessage: 'This consumer subscribes to nothing.' })}
          </Typography>
        ) : (
          <Table colCount={4} rowCount={consumer.subscriptions.length + 1}>
            <Thead>
              <Tr>
                <Th>
                  <Typography variant="sigma">
                    {formatMessage({ id: getTrad('consumers.contentType'), defaultMessage: 'Content type' })}
                  </Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">
                    {formatMessage({ id: getTrad('producers.form.subscriptions.status'), defaultMessage: 'Status' })}
                  </Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">
                    {formatMessage({ id: getTrad('consumers.since'), defaultMessage: 'Streams from' })}
                  </Typography>
                </Th>
                <Th>
                  <Typography variant="sigma">{formatMessage({ id: getTrad('common.actions'), defaultMessage: 'Actions' })}</Typography>
                </Th>
              </Tr>
            </Thead>
            <Tbody>
              {consumer.subscriptions.map((subscription) => (
                <Tr key={subscription.contentType}>
                  <Td>
                    <ContentTypeName uid={subscription.contentType} byUid={byUid} />
                  </Td>
                  <Td>
                    <Flex gap={2}>
                      <SubscriptionStatusBadge status={subscription.status} />
                      {subscription.unsubscribed ? (
                        <Badge>{formatMessage({ id: getTrad('consumers.unsubscribed'), defaultMessage: 'Unsubscribed' })}</Badge>
                      ) : null}
                    </Flex>
                  </Td>
                  <Td>
                    <Typography textColor="neutral600">
                      {subscription.approvedAtSeq !== null && subscription.status === 'Approved'
                        ? formatMessage(
                            { id: getTrad('consumers.sinceValue'), defaultMessage: 'after #{seq}' },
                            { seq: subscription.approvedAtSeq }
                          )
                        : '—'}
                    </Typography>
                  </Td>
                  <Td>
                    {canApprove ? (
                      <Flex gap={2}>
                        <Button
                          size="S"
                          variant="success-light"
                          startIcon={<Check />}
                          disabled={busy !== null || subscription.status === 'Approved'}
                          loading={busy === `approve:${subscription.contentType}`}
                          onClick={() => setStatus([subscription.contentType], 'Approved', `approve:${subscription.contentType}`)}
                        >
                          {formatMessage({ id: getTrad('consumers.approve'), defaultMessage: 'Approve' })}
                        </Button>
                        <Button
                          size="S"
                          variant="danger-light"
                          startIcon={<Cross />}
                          disabled={busy !== null || subscription.status === 'Rejected'}
                          loading={busy === `reject:${subscription.contentType}`}
                          onClick={() => setStatus([subscription.contentType], 'Rejected', `reject:${subscription.contentType}`)}
                        >
                          {formatMessage({ id: getTrad('consumers.reject'), defaultMessage: 'Reject' })}
                        </Button>
                      </Flex>
                    ) : (
                      <Typography variant="pi" textColor="neutral500">
                        {formatMessage({ id: getTrad('consumers.noApprovePermission'), defaultMessage: 'You may not approve' })}
                      </Typography>
                    )}
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </Flex>
    </Box>
  );
};

/**
 * Consumers of this site (it is their producer): each consumer's subscriptions with
 * Approve / Reject. This is the page a content editor uses to decide what leaves the site.
 */
export const ConsumersPage = () => {
  const { formatMessage } = useIntl();
  const api = useApi();
  const notify = useNotify();
  const { canApprove } = usePluginPermissions();
  const { data, error, isLoading, isFetching, refetch } = useRequest(() => api.listConsumers(), [api]);
  const { byUid } = useContentTypes();
  const [consumers, setConsumers] = React.useState<EventConsumer[]>([]);
  const [toDelete, setToDelete] = React.useState<EventConsumer | null>(null);

  React.useEffect(() => {
    if (data) setConsumers(data);
  }, [data]);

  const title = formatMessage({ id: getTrad('consumers.title'), defaultMessage: 'Consumers' });

  const handleChanged = (updated: EventConsumer) =>
    setConsumers((prev) => prev.map((c) => (c.id === updated.id && updated.subscriptions ? updated : c)));

  const handleDelete = async () => {
    if (!toDelete) return;
    try {
      await api.deleteConsumer(toDelete.id);
      notify.success(formatMessage({ id: getTrad('consumers.delete.success'), defaultMessage: 'The consumer was removed.' }));
      setToDelete(null);
      await refetch();
    } catch (err) {
      notify.error(err);
    }
  };

  const renderBody = () => {
    if (isLoading) return <LoadingState />;
    if (error && !data) return <ErrorState error={error} onRetry={refetch} />;
    if (consumers.length === 0) {
      return (
        <EmptyState
          content={formatMessage({
            id: getTrad('consumers.empty'),
            defaultMessage: 'No site consumes from this one yet. A consumer appears here when another site adds this one as a producer.',
          })}
        />
      );
    }
    return (
      <Flex direction="column" alignItems="stretch" gap={6}>
        {consumers.map((consumer) => (
          <ConsumerCard
            key={consumer.id}
            consumer={consumer}
            byUid={byUid}
            canApprove={canApprove}
            onChanged={handleChanged}
            onDelete={setToDelete}
          />
        ))}
      </Flex>
    );
  };

  return (
    <Page.Main>
      <ListHeader
        title={title}
        subtitle={formatMessage({
          id: getTrad('consumers.subtitle'),
          defaultMessage: 'Sites that receive documents from this one. Nothing of a content type leaves until it is approved.',
        })}
        isFetching={isFetching}
        onRefresh={refetch}
      />
      <Layouts.Content>{renderBody()}</Layouts.Content>
      <Dialog.Root open={toDelete !== null} onOpenChange={(open: boolean) => !open && setToDelete(null)}>
        <ConfirmDialog
          title={formatMessage({ id: getTrad('consumers.delete'), defaultMessage: 'Remove consumer' })}
          icon={<WarningCircle fill="danger600" />}
          variant="danger"
          onConfirm={handleDelete}
        >
          {formatMessage(
            {
              id: getTrad('consumers.delete.body'),
              defaultMessage: '{name} is removed and stops receiving documents. It can register again by saving its producer on that site.',
            },
            { name: toDelete?.consumerName ?? '' }
          )}
        </ConfirmDialog>
      </Dialog.Root>
    </Page.Main>
  );
};
