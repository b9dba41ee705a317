import * as React from 'react';
import { Typography } from '@strapi/design-system';
import { Eye } from '@strapi/icons';

import { useSiteQuery, useUpdateLogsQuery } from '../../api/hooks';
import { ContentTypeName } from '../../components/ContentTypeName';
import { DateTime } from '../../components/DateTime';
import { JsonModal } from '../../components/JsonView';
import { DataTable, type Column } from '../../components/list/DataTable';
import { ListFilters, useContentTypeFilter } from '../../components/list/ListFilters';
import { ListLayout, type ListText } from '../../components/list/ListLayout';
import { RowActions } from '../../components/list/RowActions';
import { UpdateTypeBadge } from '../../components/StatusBadges';
import { useListQuery } from '../../hooks/useListQuery';
import { useT } from '../../hooks/useT';

import { DocumentCell, DocumentIdFilter } from './LogCells';

import type { UpdateLogEntry, UpdateType } from '../../api/contracts';

const TEXT: ListText = {
  title: ['updateLog.title', 'Update Log'],
  subtitle: [
    'updateLog.subtitle',
    '{total, plural, =0 {No entries} one {# entry} other {# entries}}: what this site sends to its consumers.',
  ],
  subtitleLoading: ['updateLog.subtitleLoading', 'What this site sends to its consumers.'],
  empty: ['updateLog.empty', 'No changes recorded yet. Changes are logged once a consumer has a content type approved.'],
};

const UPDATE_TYPES: UpdateType[] = ['Create', 'Update', 'Delete'];

const isUpdateType = (value: string | undefined): value is UpdateType => UPDATE_TYPES.some((type) => type === value);

/**
 * The producer's update log: every captured create / update / delete of a streamed content type,
 * filterable by content type, update type and document, with the JSON of each entry.
 */
export const UpdateLogPage = () => {
  const t = useT();
  const { query, page, pageSize, setFilter } = useListQuery<'contentType' | 'updateType' | 'documentId'>();
  const { contentType, documentId } = query;
  const updateType = isUpdateType(query.updateType) ? query.updateType : undefined;
  const logs = useUpdateLogsQuery({ contentType, updateType, documentId, page, pageSize });
  const thisSiteId = useSiteQuery().data?.siteId;
  const [selectedId, setSelectedId] = React.useState<number | null>(null);
  const contentTypeFilter = useContentTypeFilter(contentType);

  const entries = logs.data?.data ?? [];
  const pagination = logs.data?.meta.pagination;
  const selected = entries.find((entry) => entry.id === selectedId);

  const columns: Array<Column<UpdateLogEntry>> = [
    { header: ['updateLog.seq', 'Seq'], cell: (entry) => <Typography fontWeight="semiBold">{entry.seq ?? '—'}</Typography> },
    {
      header: ['updateLog.updateType', 'Update type'],
      cell: (entry) => <UpdateTypeBadge updateType={entry.updateType} />,
    },
    { header: ['consumers.contentType', 'Content type'], cell: (entry) => <ContentTypeName uid={entry.contentType} /> },
    {
      header: ['updateLog.document', 'Document'],
      cell: (entry) => <DocumentCell documentId={entry.documentId} locale={entry.locale} />,
    },
    {
      header: ['updateLog.origin', 'Origin'],
      cell: ({ originSiteId }) => (
        <Typography textColor="neutral600" title={originSiteId ?? undefined}>
          {originSiteId && originSiteId !== thisSiteId
            ? t('updateLog.originSynced', 'Synced from {site}', { site: originSiteId.slice(0, 8) })
            : t('updateLog.originLocal', 'This site')}
        </Typography>
      ),
    },
    { header: ['updateLog.createdAt', 'Recorded'], cell: (entry) => <DateTime value={entry.createdAt} /> },
    {
      header: ['common.actions', 'Actions'],
      cell: (entry) => (
        <RowActions actions={[{ label: t('common.viewJson', 'View JSON'), icon: <Eye />, onClick: () => setSelectedId(entry.id) }]} />
      ),
    },
  ];

  const filterBar = (
    <ListFilters
      filters={[
        contentTypeFilter,
        {
          name: 'updateType',
          label: t('updateLog.updateType', 'Update type'),
          allLabel: t('filters.allUpdateTypes', 'All update types'),
          value: updateType,
          width: '18rem',
          options: UPDATE_TYPES.map((type) => ({ value: type, label: t(`updateType.${type}`, type) })),
        },
      ]}
      onChange={setFilter}
    >
      <DocumentIdFilter key={documentId ?? ''} value={documentId} onApply={(value) => setFilter('documentId', value)} />
    </ListFilters>
  );
  const overlays = selected ? (
    <JsonModal
      title={t('updateLog.entryTitle', 'Update #{seq}', { seq: selected.seq ?? selected.id })}
      sections={[
        { label: t('updateLog.data', 'Data'), value: selected.data },
        { label: t('logs.entry', 'Entry'), value: selected },
      ]}
      onClose={() => setSelectedId(null)}
    />
  ) : null;
  const list = { query: logs, items: entries, total: pagination?.total, filtered: Boolean(contentType || updateType || documentId) };
  return (
    <ListLayout text={TEXT} {...list} filters={filterBar} overlays={overlays}>
      <DataTable columns={columns} rows={entries} rowKey={(entry) => entry.id} pagination={pagination} />
    </ListLayout>
  );
};
