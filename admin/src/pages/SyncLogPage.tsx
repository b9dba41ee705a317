import * as React from 'react';
import { Box, Button, Dialog, Flex, IconButton, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowsCounterClockwise, Eye, WarningCircle } from '@strapi/icons';
import { ConfirmDialog, Layouts, Page, Pagination } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { useApi, type SyncLogEntry, type SyncStatus } from '../api';
import { ContentTypeName } from '../components/ContentTypeName';
import { DateTime } from '../components/DateTime';
import { FilterSelect } from '../components/FilterSelect';
import { JsonModal } from '../components/JsonView';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { SyncStatusBadge, UpdateTypeBadge } from '../components/StatusBadges';
import { DEFAULT_PAGE_SIZE, PAGE_SIZES } from '../constants';
import { useContentTypes } from '../hooks/useContentTypes';
import { useListQuery } from '../hooks/useListQuery';
import { useNotify } from '../hooks/useNotify';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { useRequest } from '../hooks/useRequest';
import { getTrad } from '../utils/getTrad';
import { ListHeader } from '../components/ListHeader';

const STATUSES: SyncStatus[] = ['Synced', 'Failed', 'Blocked'];

const isSyncStatus = (value: string | undefined): value is SyncStatus => STATUSES.includes(value as SyncStatus);

/** Failed and Blocked entries can be retried; a Synced one has nothing to retry. */
const canBeResynced = (entry: SyncLogEntry) => entry.status !== 'Synced';

/**
 * The consumer's sync log: every event applied or failed, filterable by status, content type and
 * producer; the error of each failure; Resync one entry or all failed ones.
 */
export const SyncLogPage = () => {
  const { formatMessage, formatDate } = useIntl();
  const api = useApi();
  const notify = useNotify();
  const { canResync } = usePluginPermissions();
  const { contentTypes, byUid } = useContentTypes();
  const producers = useRequest(() => api.listProducers(), [api]);
  const { query, page, pageSize, setFilter } = useListQuery<'status' | 'contentType' | 'producerId'>();
  const status = isSyncStatus(query.status) ? query.status : undefined;
  const contentType = query.contentType;
  const producerId = query.producerId;

  const [selected, setSelected] = React.useState<SyncLogEntry | null>(null);
  const [resyncing, setResyncing] = React.useState<number | null>(null);
  const [confirmAll, setConfirmAll] = React.useState(false);

  const { data, error, isLoading, isFetching, refetch } = useRequest(
    () => api.listSyncLogs({ status, contentType, producerId, page, pageSize }),
    [api, status, contentType, producerId, page, pageSize]
  );

  const title = formatMessage({ id: getTrad('syncLog.title'), defaultMessage: 'Sync Log' });
  const entries = data?.data ?? [];
  const pagination = data?.meta.pagination;
  const filtered = Boolean(status || contentType || producerId);

  const handleResync = async (entry: SyncLogEntry) => {
    setResyncing(entry.id);
    try {
      const result = await api.resyncSyncLog(entry.id);
      if (result.status === 'Synced') {
        notify.success(formatMessage({ id: getTrad('syncLog.resync.success'), defaultMessage: 'Resynced.' }));
      } else {
        notify.warning(
          formatMessage(
            { id: getTrad('syncLog.resync.stillFailing'), defaultMessage: 'Still {status}: {error}' },
            {
              status: formatMessage({ id: getTrad(`syncStatus.${result.status}`), defaultMessage: result.status }),
              error: result.error ?? '',
            }
          )
        );
      }
      if (selected?.id === entry.id) setSelected(result);
    } catch (err) {
      notify.error(err);
    } finally {
      setResyncing(null);
      await refetch();
    }
  };

  const handleResyncAll = async () => {
    try {
      const result = await api.resyncFailed(producerId);
      const message = formatMessage(
        {
          id: getTrad('syncLog.resyncAll.result'),
          defaultMessage:
            '{resynced, plural, =0 {Nothing resynced} one {# event resynced} other {# events resynced}}, {failed} still failing.',
        },
        { resynced: result.resynced, failed: result.failed }
      );
      if (result.failed > 0) notify.warning(message);
      else notify.success(message);
      setConfirmAll(false);
    } catch (err) {
      notify.error(err);
    } finally {
      await refetch();
    }
  };

  const renderBody = () => {
    if (isLoading) return <LoadingState />;
    if (error && !data) return <ErrorState error={error} onRetry={refetch} />;
    if (entries.length === 0) {
      return (
        <EmptyState
          content={
            filtered
              ? formatMessage({ id: getTrad('updateLog.emptyFiltered'), defaultMessage: 'No entry matches these filters.' })
              : formatMessage({
                  id: getTrad('syncLog.empty'),
                  defaultMessage: 'Nothing synced yet. Entries appear here as events from producers are applied.',
                })
          }
        />
      );
    }
    return (
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Table colCount={7} rowCount={entries.length + 1}>
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">{formatMessage({ id: getTrad('updateLog.seq'), defaultMessage: 'Seq' })}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{formatMessage({ id: getTrad('syncLog.status'), defaultMessage: 'Status' })}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">
                  {formatMessage({ id: getTrad('consumers.contentType'), defaultMessage: 'Content type' })}
                </Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{formatMessage({ id: getTrad('updateLog.document'), defaultMessage: 'Document' })}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{formatMessage({ id: getTrad('syncLog.error'), defaultMessage: 'Error' })}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">
                  {formatMessage({ id: getTrad('syncLog.updatedAt'), defaultMessage: 'Last attempt' })}
                </Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{formatMessage({ id: getTrad('common.actions'), defaultMessage: 'Actions' })}</Typography>
              </Th>
            </Tr>
          </Thead>
          <Tbody>
            {entries.map((entry) => (
              <Tr key={entry.id}>
                <Td>
                  <Typography fontWeight="semiBold">{entry.seq}</Typography>
                </Td>
                <Td>
                  <Flex direction="column" alignItems="flex-start" gap={1}>
                    <SyncStatusBadge status={entry.status} />
                    <UpdateTypeBadge updateType={entry.updateType} />
                  </Flex>
                </Td>
                <Td>
                  <Flex direction="column" alignItems="flex-start">
                    <ContentTypeName uid={entry.contentType} byUid={byUid} />
                    {entry.remoteContentType && entry.remoteContentType !== entry.contentType ? (
                      <Typography variant="pi" textColor="neutral600">
                        {formatMessage(
                          { id: getTrad('syncLog.fromRemoteType'), defaultMessage: 'from {uid}' },
                          { uid: entry.remoteContentType }
                        )}
                      </Typography>
                    ) : null}
                  </Flex>
                </Td>
                <Td>
                  <Flex direction="column" alignItems="flex-start">
                    <Typography>{entry.documentId ?? '—'}</Typography>
                    {entry.documentId !== entry.remoteDocumentId ? (
                      <Typography variant="pi" textColor="neutral600">
                        {formatMessage(
                          { id: getTrad('syncLog.remoteDocument'), defaultMessage: 'remote {documentId}' },
                          { documentId: entry.remoteDocumentId }
                        )}
                      </Typography>
                    ) : null}
                    {entry.locale ? (
                      <Typography variant="pi" textColor="neutral600">
                        {entry.locale}
                      </Typography>
                    ) : null}
                    {/* The producer under the document (one column less: the actions stay on screen at 1440 px).
                        Cells are nowrap and size to their text: bound the content, not the Td, so ellipsis applies. */}
                    <Box maxWidth="16rem">
                      <Typography variant="pi" textColor="neutral600" ellipsis title={entry.eventProducer?.producerUrl}>
                        {formatMessage(
                          { id: getTrad('syncLog.fromProducer'), defaultMessage: 'from {producer}' },
                          { producer: entry.eventProducer?.producerUrl ?? '—' }
                        )}
                      </Typography>
                    </Box>
                  </Flex>
                </Td>
                <Td>
                  {/* A fixed width: the cell neither grows with a long error nor shrinks under the table's squeeze. */}
                  {entry.error ? (
                    <Flex direction="column" alignItems="stretch" gap={1} width="16rem">
                      {/* On a Synced entry the text is a note (e.g. "resynced from ..."), not an error. */}
                      <Typography textColor={entry.status === 'Synced' ? 'neutral600' : 'danger600'} ellipsis title={entry.error}>
                        {entry.error}
                      </Typography>
                      <Typography variant="pi" textColor="neutral600" ellipsis>
                        {formatMessage(
                          {
                            id: getTrad('syncLog.attempts'),
                            defaultMessage: '{attempts, plural, one {# attempt} other {# attempts}}',
                          },
                          { attempts: entry.attempts }
                        )}
                        {entry.nextRetryAt
                          ? ` · ${formatMessage(
                              { id: getTrad('syncLog.nextRetry'), defaultMessage: 'next retry {date}' },
                              { date: formatDate(entry.nextRetryAt, { dateStyle: 'short', timeStyle: 'medium' }) }
                            )}`
                          : ''}
                      </Typography>
                    </Flex>
                  ) : (
                    <Typography textColor="neutral500">—</Typography>
                  )}
                </Td>
                <Td>
                  <DateTime value={entry.updatedAt} />
                </Td>
                <Td>
                  <Flex gap={1}>
                    <IconButton
                      label={formatMessage({ id: getTrad('common.viewJson'), defaultMessage: 'View JSON' })}
                      variant="ghost"
                      onClick={() => setSelected(entry)}
                    >
                      <Eye />
                    </IconButton>
                    {canResync && canBeResynced(entry) ? (
                      <IconButton
                        label={formatMessage({ id: getTrad('syncLog.resync'), defaultMessage: 'Resync' })}
                        variant="ghost"
                        disabled={resyncing !== null}
                        onClick={() => handleResync(entry)}
                      >
                        <ArrowsCounterClockwise />
                      </IconButton>
                    ) : null}
                  </Flex>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
        {pagination ? (
          <Pagination.Root pageCount={pagination.pageCount} total={pagination.total} defaultPageSize={DEFAULT_PAGE_SIZE}>
            <Pagination.PageSize options={PAGE_SIZES} />
            <Pagination.Links />
          </Pagination.Root>
        ) : null}
      </Flex>
    );
  };

  const producerUrl = producers.data?.find((p) => String(p.id) === producerId)?.producerUrl;

  return (
    <Page.Main>
      <ListHeader
        title={title}
        subtitle={
          pagination
            ? formatMessage(
                {
                  id: getTrad('syncLog.subtitle'),
                  defaultMessage: '{total, plural, =0 {No entries} one {# entry} other {# entries}}: what this site received and applied.',
                },
                { total: pagination.total }
              )
            : formatMessage({ id: getTrad('syncLog.subtitleLoading'), defaultMessage: 'What this site received and applied.' })
        }
        primaryAction={
          canResync ? (
            <Button startIcon={<ArrowsCounterClockwise />} onClick={() => setConfirmAll(true)}>
              {formatMessage({ id: getTrad('syncLog.resyncAll'), defaultMessage: 'Resync all failed' })}
            </Button>
          ) : undefined
        }
        isFetching={isFetching}
        onRefresh={refetch}
      />
      <Layouts.Action
        startActions={
          <Flex gap={2} wrap="wrap">
            <FilterSelect
              label={formatMessage({ id: getTrad('syncLog.status'), defaultMessage: 'Status' })}
              allLabel={formatMessage({ id: getTrad('filters.allStatuses'), defaultMessage: 'All statuses' })}
              value={status}
              width="16rem"
              options={STATUSES.map((s) => ({
                value: s,
                label: formatMessage({ id: getTrad(`syncStatus.${s}`), defaultMessage: s }),
              }))}
              onChange={(value) => setFilter('status', value)}
            />
            <FilterSelect
              label={formatMessage({ id: getTrad('filters.contentType'), defaultMessage: 'Content type' })}
              allLabel={formatMessage({ id: getTrad('filters.allContentTypes'), defaultMessage: 'All content types' })}
              value={contentType}
              options={contentTypes.map((ct) => ({ value: ct.uid, label: ct.displayName }))}
              onChange={(value) => setFilter('contentType', value)}
            />
            <FilterSelect
              label={formatMessage({ id: getTrad('syncLog.producer'), defaultMessage: 'Producer' })}
              allLabel={formatMessage({ id: getTrad('filters.allProducers'), defaultMessage: 'All producers' })}
              value={producerId}
              width="28rem"
              options={(producers.data ?? []).map((p) => ({ value: String(p.id), label: p.producerUrl }))}
              onChange={(value) => setFilter('producerId', value)}
            />
          </Flex>
        }
      />
      <Layouts.Content>{renderBody()}</Layouts.Content>
      {selected ? (
        <JsonModal
          title={formatMessage({ id: getTrad('syncLog.entryTitle'), defaultMessage: 'Sync of event #{seq}' }, { seq: selected.seq })}
          sections={[
            { label: formatMessage({ id: getTrad('syncLog.data'), defaultMessage: 'Data (as applied)' }), value: selected.data },
            { label: formatMessage({ id: getTrad('updateLog.entry'), defaultMessage: 'Entry' }), value: selected },
          ]}
          onClose={() => setSelected(null)}
        >
          <Flex gap={4} justifyContent="space-between" alignItems="flex-start">
            <Flex gap={2}>
              <SyncStatusBadge status={selected.status} />
              <UpdateTypeBadge updateType={selected.updateType} />
            </Flex>
            {canResync && canBeResynced(selected) ? (
              <Button
                variant="secondary"
                startIcon={<ArrowsCounterClockwise />}
                loading={resyncing === selected.id}
                onClick={() => handleResync(selected)}
              >
                {formatMessage({ id: getTrad('syncLog.resync'), defaultMessage: 'Resync' })}
              </Button>
            ) : null}
          </Flex>
          {selected.error ? (
            <Box padding={4} background={selected.status === 'Synced' ? 'neutral100' : 'danger100'} hasRadius>
              <Typography textColor={selected.status === 'Synced' ? 'neutral700' : 'danger700'}>{selected.error}</Typography>
            </Box>
          ) : null}
        </JsonModal>
      ) : null}
      <Dialog.Root open={confirmAll} onOpenChange={setConfirmAll}>
        <ConfirmDialog
          title={formatMessage({ id: getTrad('syncLog.resyncAll'), defaultMessage: 'Resync all failed' })}
          icon={<WarningCircle fill="warning600" />}
          onConfirm={handleResyncAll}
        >
          {producerUrl
            ? formatMessage(
                {
                  id: getTrad('syncLog.resyncAll.bodyProducer'),
                  defaultMessage: 'Retry every failed or blocked event from {url} now?',
                },
                { url: producerUrl }
              )
            : formatMessage({
                id: getTrad('syncLog.resyncAll.body'),
                defaultMessage: 'Retry every failed or blocked event, from all producers, now?',
              })}
        </ConfirmDialog>
      </Dialog.Root>
    </Page.Main>
  );
};
