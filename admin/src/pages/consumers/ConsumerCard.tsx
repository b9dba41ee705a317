import * as React from 'react';
import { Badge, Box, Button, Flex, Grid, IconButton, Typography } from '@strapi/design-system';
import { Check, Cross, Filter, Trash } from '@strapi/icons';

import { useSetConsumerSubscriptionsMutation } from '../../api/hooks';
import { ContentTypeName } from '../../components/ContentTypeName';
import { PushBadge } from '../../components/PushBadge';
import { NeverDateTime } from '../../components/DateTime';
import { CursorValue, InfoItem, LagValue } from '../../components/InfoItem';
import { DataTable, type Column } from '../../components/list/DataTable';
import { SubscriptionStatusBadge } from '../../components/StatusBadges';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';

import { StreamCharts } from '../../components/charts/StreamCharts';
import { CallbackChange } from './CallbackChange';
import { PushNowButton } from './PushNow';
import { ConditionModal } from '../../components/condition/ConditionModal';
import { ConditionSummary } from '../../components/condition/ConditionSummary';

import type { ConsumerSubscription, EventConsumer, SubscriptionStatus } from '../../api/contracts';

interface ConsumerCardProps {
  consumer: EventConsumer;
  canApprove: boolean;
  onDelete: () => void;
}

/** One consumer site: who it is, how far it has read, and its subscriptions to approve or reject. */
export const ConsumerCard = ({ consumer, canApprove, onDelete }: ConsumerCardProps) => {
  const t = useT();
  const notify = useNotify();
  const setSubscriptions = useSetConsumerSubscriptionsMutation();
  /** Which button started the running request (`all`, `approve:<uid>`, `reject:<uid>`). */
  const [busy, setBusy] = React.useState<string | null>(null);
  const isBusy = setSubscriptions.isPending;

  /** The subscription whose condition is being edited (conditions, issue 14). */
  const [editing, setEditing] = React.useState<ConsumerSubscription | null>(null);

  const saveCondition = (contentType: string, condition: Record<string, unknown> | null) => {
    const subscriptions = consumer.subscriptions.map((s) => ({
      contentType: s.contentType,
      status: s.status,
      ...(s.contentType === contentType ? { condition } : {}),
    }));
    setSubscriptions.mutate(
      { id: consumer.id, body: { subscriptions } },
      {
        onSuccess: () => {
          notify.success(t('conditions.saved', 'Condition saved for {name}.', { name: consumer.consumerName }));
          setEditing(null);
        },
        onError: notify.error,
      }
    );
  };

  const pending = consumer.subscriptions.filter((s) => s.status === 'Pending' && !s.unsubscribed);

  /** Sends every subscription with the changed ones, so the result is the same whether the server patches or replaces. */
  const setStatus = (contentTypes: string[], status: SubscriptionStatus, busyKey: string) => {
    setBusy(busyKey);
    const subscriptions = consumer.subscriptions.map((s) => ({
      contentType: s.contentType,
      status: contentTypes.includes(s.contentType) ? status : s.status,
    }));
    setSubscriptions.mutate(
      { id: consumer.id, body: { subscriptions } },
      {
        onSuccess: () =>
          notify.success(
            t(
              'consumers.statusChanged',
              '{count, plural, one {# content type} other {# content types}} {status, select, Approved {approved} Rejected {rejected} other {updated}} for {name}.',
              { count: contentTypes.length, status, name: consumer.consumerName }
            )
          ),
        onError: notify.error,
      }
    );
  };

  const decide = (subscription: ConsumerSubscription, status: SubscriptionStatus) => {
    const key = `${status}:${subscription.contentType}`;
    return {
      disabled: isBusy || subscription.status === status,
      loading: isBusy && busy === key,
      onClick: () => setStatus([subscription.contentType], status, key),
    };
  };

  const columns: Array<Column<ConsumerSubscription>> = [
    { header: ['consumers.contentType', 'Content type'], cell: (s) => <ContentTypeName uid={s.contentType} /> },
    {
      header: ['producers.form.subscriptions.status', 'Status'],
      cell: (s) => (
        <Flex gap={2}>
          <SubscriptionStatusBadge status={s.status} />
          {s.unsubscribed ? <Badge>{t('consumers.unsubscribed', 'Unsubscribed')}</Badge> : null}
        </Flex>
      ),
    },
    {
      header: ['consumers.since', 'Streams from'],
      cell: (s) => (
        <Typography textColor="neutral600">
          {s.approvedAtSeq !== null && s.status === 'Approved' ? t('consumers.sinceValue', 'after #{seq}', { seq: s.approvedAtSeq }) : '—'}
        </Typography>
      ),
    },
    {
      header: ['conditions.column', 'Condition'],
      cell: (s) => (
        <Flex gap={2}>
          <ConditionSummary subscription={s} />
          {canApprove ? (
            <Button size="S" variant="tertiary" startIcon={<Filter />} onClick={() => setEditing(s)}>
              {t('conditions.edit', 'Edit condition')}
            </Button>
          ) : null}
        </Flex>
      ),
    },
    {
      header: ['common.actions', 'Actions'],
      cell: (s) =>
        canApprove ? (
          <Flex gap={2}>
            <Button size="S" variant="success-light" startIcon={<Check />} {...decide(s, 'Approved')}>
              {t('consumers.approve', 'Approve')}
            </Button>
            <Button size="S" variant="danger-light" startIcon={<Cross />} {...decide(s, 'Rejected')}>
              {t('consumers.reject', 'Reject')}
            </Button>
          </Flex>
        ) : (
          <Typography variant="pi" textColor="neutral500">
            {t('consumers.noApprovePermission', 'You may not approve')}
          </Typography>
        ),
    },
  ];

  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="flex-start" gap={4}>
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Flex gap={2}>
              <Typography variant="delta" tag="h2">
                {consumer.consumerName}
              </Typography>
              {consumer.mode === 'push' ? <PushBadge /> : null}
              {pending.length > 0 ? (
                <Badge textColor="warning600" backgroundColor="warning100">
                  {t('consumers.pendingCount', '{count} pending', { count: pending.length })}
                </Badge>
              ) : null}
            </Flex>
            <Typography variant="pi" textColor="neutral600">
              {t('consumers.siteId', 'Site id {siteId}', { siteId: consumer.consumerSiteId })}
            </Typography>
          </Flex>
          {canApprove ? (
            <Flex gap={2}>
              {consumer.mode === 'push' ? <PushNowButton consumer={consumer} /> : null}
              {pending.length > 0 ? (
                <Button
                  variant="success-light"
                  startIcon={<Check />}
                  loading={isBusy && busy === 'all'}
                  disabled={isBusy}
                  onClick={() =>
                    setStatus(
                      pending.map((s) => s.contentType),
                      'Approved',
                      'all'
                    )
                  }
                >
                  {t('consumers.approveAll', 'Approve all pending')}
                </Button>
              ) : null}
              <IconButton label={t('consumers.delete', 'Remove consumer')} variant="ghost" onClick={onDelete}>
                <Trash />
              </IconButton>
            </Flex>
          ) : null}
        </Flex>
        <CallbackChange consumer={consumer} canApprove={canApprove} />
        <Grid.Root gap={4}>
          <InfoItem
            col={3}
            label={consumer.mode === 'push' ? t('consumers.push.target', 'Pushes to') : t('consumers.callback', 'Notifications')}
          >
            <Typography ellipsis title={consumer.callbackUrl ?? undefined}>
              {consumer.callbackUrl ?? t('consumers.pullOnly', 'None (pull only)')}
            </Typography>
          </InfoItem>
          <InfoItem col={3} label={t('consumers.lastSeen', 'Last seen')}>
            {consumer.stale ? (
              <Flex gap={1} wrap="wrap">
                <Badge textColor="danger600" backgroundColor="danger100">
                  {t('consumers.stale', 'Not pulling since')}
                </Badge>
                <NeverDateTime value={consumer.lastSeenAt} />
              </Flex>
            ) : (
              <NeverDateTime value={consumer.lastSeenAt} />
            )}
          </InfoItem>
          <InfoItem col={3} label={t('consumers.acknowledged', 'Acknowledged')}>
            <CursorValue at={consumer.ackSeq} head={consumer.headSeq} />
          </InfoItem>
          <InfoItem col={3} label={t('producers.list.lag', 'Lag')}>
            <LagValue lag={Math.max(0, consumer.headSeq - consumer.ackSeq)} />
          </InfoItem>
        </Grid.Root>
        {consumer.subscriptions.length === 0 ? (
          <Typography textColor="neutral600">{t('consumers.noSubscriptions', 'This consumer subscribes to nothing.')}</Typography>
        ) : (
          <DataTable columns={columns} rows={consumer.subscriptions} rowKey={(s) => s.contentType} />
        )}
        <StreamCharts peer="consumer" id={consumer.id} embedded />
        {editing ? (
          <ConditionModal
            contentType={editing.contentType}
            condition={editing.condition}
            saving={isBusy}
            onSave={(condition) => saveCondition(editing.contentType, condition)}
            onClose={() => setEditing(null)}
          />
        ) : null}
      </Flex>
    </Box>
  );
};
