import * as React from 'react';
import { Flex, IconButton, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Eye } from '@strapi/icons';
import { Layouts, Page, Pagination } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { useApi, type UpdateLogEntry, type UpdateType } from '../api';
import { ContentTypeName } from '../components/ContentTypeName';
import { DateTime } from '../components/DateTime';
import { FilterSelect } from '../components/FilterSelect';
import { JsonModal } from '../components/JsonView';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { UpdateTypeBadge } from '../components/StatusBadges';
import { DEFAULT_PAGE_SIZE, PAGE_SIZES } from '../constants';
import { useContentTypes } from '../hooks/useContentTypes';
import { useListQuery } from '../hooks/useListQuery';
import { useRequest } from '../hooks/useRequest';
import { getTrad } from '../utils/getTrad';
import { ListHeader } from '../components/ListHeader';

const UPDATE_TYPES: UpdateType[] = ['Create', 'Update', 'Delete'];

const isUpdateType = (value: string | undefined): value is UpdateType => UPDATE_TYPES.includes(value as UpdateType);

/**
 * The producer's update log: every captured create / update / delete of a streamed content type,
 * filterable by content type and update type, with the JSON of each entry.
 */
export const UpdateLogPage = () => {
  const { formatMessage } = useIntl();
  const api = useApi();
  const { contentTypes, byUid } = useContentTypes();
  const { query, page, pageSize, setFilter } = useListQuery<'contentType' | 'updateType' | 'documentId'>();
  const contentType = query.contentType;
  const documentId = query.documentId;
  const [documentIdInput, setDocumentIdInput] = React.useState(documentId ?? '');
  React.useEffect(() => setDocumentIdInput(documentId ?? ''), [documentId]);
  const site = useRequest(() => api.getSite(), [api]);
  const thisSiteId = site.data?.siteId;
  const applyDocumentId = () => {
    const next = documentIdInput.trim() || undefined;
    if (next !== documentId) setFilter('documentId', next);
  };
  const updateType = isUpdateType(query.updateType) ? query.updateType : undefined;
  const [selected, setSelected] = React.useState<UpdateLogEntry | null>(null);

  const { data, error, isLoading, isFetching, refetch } = useRequest(
    () => api.listUpdateLogs({ contentType, updateType, documentId, page, pageSize }),
    [api, contentType, updateType, documentId, page, pageSize]
  );

  const title = formatMessage({ id: getTrad('updateLog.title'), defaultMessage: 'Update Log' });
  const entries = data?.data ?? [];
  const pagination = data?.meta.pagination;
  const filtered = Boolean(contentType || updateType || documentId);

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
                  id: getTrad('updateLog.empty'),
                  defaultMessage: 'No changes recorded yet. Changes are logged once a consumer has a content type approved.',
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
                <Typography variant="sigma">
                  {formatMessage({ id: getTrad('updateLog.updateType'), defaultMessage: 'Update type' })}
                </Typography>
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
                <Typography variant="sigma">{formatMessage({ id: getTrad('updateLog.origin'), defaultMessage: 'Origin' })}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{formatMessage({ id: getTrad('updateLog.createdAt'), defaultMessage: 'Recorded' })}</Typography>
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
                  <Typography fontWeight="semiBold">{entry.seq ?? '—'}</Typography>
                </Td>
                <Td>
                  <UpdateTypeBadge updateType={entry.updateType} />
                </Td>
                <Td>
                  <ContentTypeName uid={entry.contentType} byUid={byUid} />
                </Td>
                <Td>
                  <Flex direction="column" alignItems="flex-start">
                    <Typography>{entry.documentId}</Typography>
                    {entry.locale ? (
                      <Typography variant="pi" textColor="neutral600">
                        {entry.locale}
                      </Typography>
                    ) : null}
                  </Flex>
                </Td>
                <Td>
                  <Typography textColor="neutral600" title={entry.originSiteId ?? undefined}>
                    {entry.originSiteId && entry.originSiteId !== thisSiteId
                      ? formatMessage(
                          { id: getTrad('updateLog.originSynced'), defaultMessage: 'Synced from {site}' },
                          { site: entry.originSiteId.slice(0, 8) }
                        )
                      : formatMessage({ id: getTrad('updateLog.originLocal'), defaultMessage: 'This site' })}
                  </Typography>
                </Td>
                <Td>
                  <DateTime value={entry.createdAt} />
                </Td>
                <Td>
                  <IconButton
                    label={formatMessage({ id: getTrad('common.viewJson'), defaultMessage: 'View JSON' })}
                    variant="ghost"
                    onClick={() => setSelected(entry)}
                  >
                    <Eye />
                  </IconButton>
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

  return (
    <Page.Main>
      <ListHeader
        title={title}
        subtitle={
          pagination
            ? formatMessage(
                {
                  id: getTrad('updateLog.subtitle'),
                  defaultMessage:
                    '{total, plural, =0 {No entries} one {# entry} other {# entries}}: what this site sends to its consumers.',
                },
                { total: pagination.total }
              )
            : formatMessage({ id: getTrad('updateLog.subtitleLoading'), defaultMessage: 'What this site sends to its consumers.' })
        }
        isFetching={isFetching}
        onRefresh={refetch}
      />
      <Layouts.Action
        startActions={
          <Flex gap={2}>
            <FilterSelect
              label={formatMessage({ id: getTrad('filters.contentType'), defaultMessage: 'Content type' })}
              allLabel={formatMessage({ id: getTrad('filters.allContentTypes'), defaultMessage: 'All content types' })}
              value={contentType}
              options={contentTypes.map((ct) => ({ value: ct.uid, label: ct.displayName }))}
              onChange={(value) => setFilter('contentType', value)}
            />
            <FilterSelect
              label={formatMessage({ id: getTrad('updateLog.updateType'), defaultMessage: 'Update type' })}
              allLabel={formatMessage({ id: getTrad('filters.allUpdateTypes'), defaultMessage: 'All update types' })}
              value={updateType}
              width="18rem"
              options={UPDATE_TYPES.map((type) => ({
                value: type,
                label: formatMessage({ id: getTrad(`updateType.${type}`), defaultMessage: type }),
              }))}
              onChange={(value) => setFilter('updateType', value)}
            />
            <TextInput
              size="S"
              aria-label={formatMessage({ id: getTrad('filters.documentId'), defaultMessage: 'Document id' })}
              placeholder={formatMessage({ id: getTrad('filters.documentId'), defaultMessage: 'Document id' })}
              value={documentIdInput}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => setDocumentIdInput(e.target.value)}
              onBlur={applyDocumentId}
              onKeyDown={(e: React.KeyboardEvent<HTMLInputElement>) => {
                if (e.key === 'Enter') applyDocumentId();
              }}
            />
          </Flex>
        }
      />
      <Layouts.Content>{renderBody()}</Layouts.Content>
      {selected ? (
        <JsonModal
          title={formatMessage(
            { id: getTrad('updateLog.entryTitle'), defaultMessage: 'Update #{seq}' },
            { seq: selected.seq ?? selected.id }
          )}
          sections={[
            { label: formatMessage({ id: getTrad('updateLog.data'), defaultMessage: 'Data' }), value: selected.data },
            { label: formatMessage({ id: getTrad('updateLog.entry'), defaultMessage: 'Entry' }), value: selected },
          ]}
          onClose={() => setSelected(null)}
        />
      ) : null}
    </Page.Main>
  );
};
