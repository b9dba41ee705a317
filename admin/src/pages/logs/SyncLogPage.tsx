import * as React from 'react';
import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { ArrowsCounterClockwise, Eye } from '@strapi/icons';
import { useIntl } from 'react-intl';

import { useProducersQuery, useResyncFailedMutation, useResyncSyncLogMutation, useSyncLogsQuery } from '../../api/hooks';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ContentTypeName } from '../../components/ContentTypeName';
import { DateTime } from '../../components/DateTime';
import { DataTable, type Column } from '../../components/list/DataTable';
import { ListFilters, useContentTypeFilter, useProducerFilter } from '../../components/list/ListFilters';
import { ListLayout, type ListText } from '../../components/list/ListLayout';
import { RowActions } from '../../components/list/RowActions';
import { SyncStatusBadge, UpdateTypeBadge } from '../../components/StatusBadges';
import { useListQuery } from '../../hooks/useListQuery';
import { useNotify } from '../../hooks/useNotify';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useT } from '../../hooks/useT';

import { DocumentCell, GaveUpBadge } from './LogCells';
import { SyncLogEntryModal } from './SyncLogEntryModal';

import type { SyncLogEntry, SyncStatus } from '../../api/contracts';

const TEXT: ListText = {
  title: ['syncLog.title', 'Sync Log'],
  subtitle: ['syncLog.subtitle', '{total, plural, =0 {No entries} one {# entry} other {# entries}}: what this site received and applied.'],
  subtitleLoading: ['syncLog.subtitleLoading', 'What this site received and applied.'],
  empty: ['syncLog.empty', 'Nothing synced yet. Entries appear here as events from producers are applied.'],
};

const STATUSES: SyncStatus[] = ['Synced', 'Failed', 'Blocked', 'AwaitingReview', 'Rejected'];

const isSyncStatus = (value: string | undefined): value is SyncStatus => STATUSES.some((status) => status === value);

/** A fixed width: the cell neither grows with a long error nor shrinks under the table's squeeze. */
const ErrorCell = ({ entry }: { entry: SyncLogEntry }) => {
  const t = useT();
  const { formatDate } = useIntl();
  if (!entry.error) return <Typography textColor="neutral500">—</Typography>;
  const nextRetry = entry.nextRetryAt ? formatDate(entry.nextRetryAt, { dateStyle: 'short', timeStyle: 'medium' }) : null;
  return (
    <Flex direction="column" alignItems="stretch" gap={1} width="16rem">
      {/* On a Synced entry the text is a note (e.g. "resynced from ..."), not an error. */}
      <Typography textColor={entry.status === 'Synced' ? 'neutral600' : 'danger600'} ellipsis title={entry.error}>
        {entry.error}
      </Typography>
      <Typography variant="pi" textColor="neutral600" ellipsis>
        {t('syncLog.attempts', '{attempts, plural, one {# attempt} other {# attempts}}', { attempts: entry.attempts })}
        {nextRetry ? ` · ${t('syncLog.nextRetry', 'next retry {date}', { date: nextRetry })}` : ''}
      </Typography>
    </Flex>
  );
};

/** The local document, the remote one when it differs, the locale, and the producer it came from. */
const SyncedDocumentCell = ({ entry }: { entry: SyncLogEntry }) => {
  const t = useT();
  return (
    <DocumentCell
      documentId={entry.documentId}
      locale={entry.locale}
      note={
        entry.documentId !== entry.remoteDocumentId
          ? t('syncLog.remoteDocument', 'remote {documentId}', { documentId: entry.remoteDocumentId })
          : null
      }
      footer={
        // Under the document, not a column of its own, so the actions stay on screen at 1440 px.
        // Cells are nowrap and size to their text: bound the content, not the Td, so ellipsis applies.
        <Box maxWidth="16rem">
          <Typography variant="pi" textColor="neutral600" ellipsis title={entry.eventProducer?.producerUrl}>
            {t('syncLog.fromProducer', 'from {producer}', { producer: entry.eventProducer?.producerUrl ?? '—' })}
          </Typography>
        </Box>
      }
    />
  );
};

/**
 * The consumer's sync log: every event applied or failed, filterable by status, content type and
 * producer; the error of each failure; Resync one entry or all failed ones.
 */
export const SyncLogPage = () => {
  const t = useT();
  const notify = useNotify();
  const { canResync } = usePluginPermissions();
  const producers = useProducersQuery();
  const { query, page, pageSize, setFilter } = useListQuery<'status' | 'contentType' | 'producerId'>();
  const { contentType, producerId } = query;
  const status = isSyncStatus(query.status) ? query.status : undefined;
  const logs = useSyncLogsQuery({ status, contentType, producerId, page, pageSize });
  const resync = useResyncSyncLogMutation();
  const resyncFailed = useResyncFailedMutation();
  const [selectedId, setSelectedId] = React.useState<number | null>(null);
  const [confirmAll, setConfirmAll] = React.useState(false);
  const contentTypeFilter = useContentTypeFilter(contentType);
  const producerFilter = useProducerFilter(producerId);

  const entries = logs.data?.data ?? [];
  const pagination = logs.data?.meta.pagination;
  const resyncingId = resync.isPending ? resync.variables : null;
  const producerUrl = producers.data?.find((p) => String(p.id) === producerId)?.producerUrl;

  const handleResync = (entry: SyncLogEntry) =>
    resync.mutate(entry.id, {
      onSuccess: (result) => {
        if (result.status === 'Synced') notify.success(t('syncLog.resync.success', 'Resynced.'));
        else {
          const resultStatus = t(`syncStatus.${result.status}`, result.status);
          notify.warning(t('syncLog.resync.stillFailing', 'Still {status}: {error}', { status: resultStatus, error: result.error ?? '' }));
        }
      },
      onError: notify.error,
    });

  const handleResyncAll = async () => {
    try {
      const result = await resyncFailed.mutateAsync(producerId);
      const message = t(
        'syncLog.resyncAll.result',
        '{resynced, plural, =0 {Nothing resynced} one {# event resynced} other {# events resynced}}, {failed} still failing.',
        { resynced: result.resynced, failed: result.failed }
      );
      if (result.failed > 0) notify.warning(message);
      else notify.success(message);
      setConfirmAll(false);
    } catch (err) {
      notify.error(err);
    }
  };

  const columns: Array<Column<SyncLogEntry>> = [
    { header: ['updateLog.seq', 'Seq'], cell: (entry) => <Typography fontWeight="semiBold">{entry.seq}</Typography> },
    {
      header: ['syncLog.status', 'Status'],
      cell: (entry) => (
        <Flex direction="column" alignItems="flex-start" gap={1}>
          <SyncStatusBadge status={entry.status} />
          <GaveUpBadge entry={entry} />
          <UpdateTypeBadge updateType={entry.updateType} />
        </Flex>
      ),
    },
    {
      header: ['consumers.contentType', 'Content type'],
      cell: ({ contentType: uid, remoteContentType: remote }) => (
        <Flex direction="column" alignItems="flex-start">
          <ContentTypeName uid={uid} />
          {remote && remote !== uid ? (
            <Typography variant="pi" textColor="neutral600">
              {t('syncLog.fromRemoteType', 'from {uid}', { uid: remote })}
            </Typography>
          ) : null}
        </Flex>
      ),
    },
    { header: ['updateLog.document', 'Document'], cell: (entry) => <SyncedDocumentCell entry={entry} /> },
    { header: ['syncLog.error', 'Error'], cell: (entry) => <ErrorCell entry={entry} /> },
    { header: ['syncLog.updatedAt', 'Last attempt'], cell: (entry) => <DateTime value={entry.updatedAt} /> },
    {
      header: ['common.actions', 'Actions'],
      cell: (entry) => (
        <RowActions
          actions={[
            { label: t('common.viewJson', 'View JSON'), icon: <Eye />, onClick: () => setSelectedId(entry.id) },
            {
              label: t('syncLog.resync', 'Resync'),
              icon: <ArrowsCounterClockwise />,
              // Failed and Blocked entries can be retried; a Synced one has nothing to retry.
              // (Held and rejected changes are decided on the Review page.)
              visible: canResync && (entry.status === 'Failed' || entry.status === 'Blocked'),
              disabled: resync.isPending,
              onClick: () => handleResync(entry),
            },
          ]}
        />
      ),
    },
  ];

  const selected = entries.find((entry) => entry.id === selectedId);
  const filterBar = (
    <ListFilters
      filters={[
        {
          name: 'status',
          label: t('syncLog.status', 'Status'),
          allLabel: t('filters.allStatuses', 'All statuses'),
          value: status,
          width: '16rem',
          options: STATUSES.map((s) => ({ value: s, label: t(`syncStatus.${s}`, s) })),
        },
        contentTypeFilter,
        producerFilter,
      ]}
      onChange={setFilter}
    />
  );
  const overlays = (
    <>
      {selectedId !== null ? (
        <SyncLogEntryModal
          id={selectedId}
          listed={selected}
          onResync={canResync ? handleResync : undefined}
          isResyncing={resyncingId === selectedId}
          onClose={() => setSelectedId(null)}
        />
      ) : null}
      <ConfirmAction
        open={confirmAll}
        title={t('syncLog.resyncAll', 'Resync all failed')}
        onConfirm={handleResyncAll}
        onClose={() => setConfirmAll(false)}
      >
        {producerUrl
          ? t('syncLog.resyncAll.bodyProducer', 'Retry every failed or blocked event from {url} now?', { url: producerUrl })
          : t('syncLog.resyncAll.body', 'Retry every failed or blocked event, from all producers, now?')}
      </ConfirmAction>
    </>
  );
  const resyncAllButton = canResync ? (
    <Button startIcon={<ArrowsCounterClockwise />} onClick={() => setConfirmAll(true)}>
      {t('syncLog.resyncAll', 'Resync all failed')}
    </Button>
  ) : undefined;
  const list = { query: logs, items: entries, total: pagination?.total, filtered: Boolean(status || contentType || producerId) };
  return (
    <ListLayout text={TEXT} {...list} primaryAction={resyncAllButton} filters={filterBar} overlays={overlays}>
      <DataTable columns={columns} rows={entries} rowKey={(entry) => entry.id} pagination={pagination} />
    </ListLayout>
  );
};
