import * as React from 'react';
import { Badge, Flex, Typography } from '@strapi/design-system';
import { ArrowClockwise, Download, Pencil, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';

import { useProducersQuery, usePullProducerMutation } from '../../api/hooks';
import { BackfillModal } from '../../components/BackfillModal';
import { DateTime, NeverDateTime } from '../../components/DateTime';
import { DeleteProducerDialog } from '../../components/DeleteProducerDialog';
import { CreateLink } from '../../components/list/CreateLink';
import { DataTable, type Column } from '../../components/list/DataTable';
import { ListLayout, type ListText } from '../../components/list/ListLayout';
import { RowActions } from '../../components/list/RowActions';
import { SubscriptionStatusBadge } from '../../components/StatusBadges';
import { useNotify } from '../../hooks/useNotify';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useT } from '../../hooks/useT';

import { PushBadge } from '../../components/PushBadge';

import type { EventProducer, SubscriptionStatus } from '../../api/contracts';

const TEXT: ListText = {
  title: ['producers.title', 'Producers'],
  subtitle: ['producers.subtitle', 'Sites this site receives documents from, and how far behind it is.'],
  empty: ['producers.empty', 'This site receives nothing yet. Add a producer: another Strapi site whose content types you want here.'],
};

const STATUSES: SubscriptionStatus[] = ['Approved', 'Pending', 'Rejected'];

/** Subscription counts per status, e.g. "2 Approved · 1 Pending". */
const SubscriptionSummary = ({ producer }: { producer: EventProducer }) => {
  const t = useT();
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
          {t('producers.list.unsubscribedCount', '{count} unsubscribed', { count: unsubscribed })}
        </Typography>
      ) : null}
      {producer.subscriptions.length === 0 ? (
        <Typography textColor="neutral500">{t('producers.list.noSubscriptions', 'None')}</Typography>
      ) : null}
    </Flex>
  );
};

/** The producer's URL, delivery mode and the start of its site id. */
const ProducerName = ({ producer }: { producer: EventProducer }) => {
  const t = useT();
  return (
    <Flex direction="column" alignItems="flex-start" gap={1}>
      <Typography fontWeight="semiBold">{producer.producerUrl}</Typography>
      <Flex gap={2}>
        {producer.mode === 'push' ? (
          <PushBadge />
        ) : (
          <Badge size="S">
            {producer.pushEnabled ? t('producers.delivery.push', 'Push + pull') : t('producers.delivery.pull', 'Pull only')}
          </Badge>
        )}
        {producer.producerSiteId ? (
          <Typography variant="pi" textColor="neutral600" title={producer.producerSiteId}>
            {producer.producerSiteId.slice(0, 8)}
          </Typography>
        ) : null}
      </Flex>
    </Flex>
  );
};

/** The last error, cut to a fixed width (table cells are nowrap and would grow with it), and when it happened. */
const LastError = ({ producer }: { producer: EventProducer }) =>
  producer.lastError ? (
    <Flex direction="column" alignItems="stretch" gap={1} width="20rem">
      <Typography textColor="danger600" ellipsis title={producer.lastError}>
        {producer.lastError}
      </Typography>
      <Typography variant="pi" textColor="neutral600">
        <DateTime value={producer.lastErrorAt} />
      </Typography>
    </Flex>
  ) : (
    <DateTime value={null} />
  );

/** Producers this site subscribes to, with their health; create, edit, pull, back-fill, delete. */
export const ProducersPage = () => {
  const t = useT();
  const { formatNumber } = useIntl();
  const navigate = useNavigate();
  const notify = useNotify();
  const { canConfigureProducers, canResync } = usePluginPermissions();
  const query = useProducersQuery();
  const pull = usePullProducerMutation();
  const [toDelete, setToDelete] = React.useState<number | null>(null);
  const [toBackfill, setToBackfill] = React.useState<number | null>(null);
  const producers = query.data ?? [];
  const byId = (id: number | null) => producers.find((producer) => producer.id === id);

  const createButton = canConfigureProducers ? <CreateLink label={t('producers.create', 'Add producer')} /> : undefined;

  const columns: Array<Column<EventProducer>> = [
    { header: ['producers.list.producer', 'Producer'], cell: (producer) => <ProducerName producer={producer} /> },
    { header: ['producers.list.subscriptions', 'Subscriptions'], cell: (p) => <SubscriptionSummary producer={p} /> },
    {
      header: ['producers.list.lastPull', 'Last pull'],
      cell: (producer) => <NeverDateTime value={producer.lastPullAt} />,
    },
    { header: ['producers.list.lastSuccess', 'Last success'], cell: (p) => <NeverDateTime value={p.lastSuccessAt} /> },
    {
      header: ['producers.list.lag', 'Lag'],
      cell: (producer) => (
        <Typography
          fontWeight="semiBold"
          textColor={producer.lag > 0 ? 'warning600' : 'success600'}
          title={t('producers.list.lagTitle', 'Pulled up to #{pulled} of #{head}', {
            pulled: producer.lastPulledSeq,
            head: producer.producerHeadSeq,
          })}
        >
          {formatNumber(producer.lag)}
        </Typography>
      ),
    },
    { header: ['producers.list.lastError', 'Last error'], cell: (producer) => <LastError producer={producer} /> },
    {
      header: ['common.actions', 'Actions'],
      cell: (producer) => (
        <RowActions
          actions={[
            {
              label: t('producers.pull', 'Pull now'),
              icon: <ArrowClockwise />,
              disabled: !canResync || pull.isPending || producer.mode === 'push',
              onClick: () => pull.mutate(producer.id, { onSuccess: notify.pullResult, onError: notify.error }),
            },
            {
              label: t('producers.backfill', 'Back-fill'),
              icon: <Download />,
              disabled: !canResync || producer.mode === 'push',
              onClick: () => setToBackfill(producer.id),
            },
            { label: t('common.edit', 'Edit'), icon: <Pencil />, onClick: () => navigate(String(producer.id)) },
            {
              label: t('common.delete', 'Delete'),
              icon: <Trash />,
              visible: canConfigureProducers,
              onClick: () => setToDelete(producer.id),
            },
          ]}
        />
      ),
    },
  ];

  const deleting = byId(toDelete);
  const backfilling = byId(toBackfill);
  const overlays = (
    <>
      {deleting ? <DeleteProducerDialog producer={deleting} onClose={() => setToDelete(null)} /> : null}
      {backfilling ? <BackfillModal producer={backfilling} onClose={() => setToBackfill(null)} /> : null}
    </>
  );
  return (
    <ListLayout text={TEXT} query={query} items={producers} primaryAction={createButton} overlays={overlays}>
      <DataTable columns={columns} rows={producers} rowKey={(producer) => producer.id} />
    </ListLayout>
  );
};
