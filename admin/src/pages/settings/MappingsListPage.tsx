import { Typography } from '@strapi/design-system';
import { Pencil, Trash } from '@strapi/icons';
import { useNavigate } from 'react-router-dom';

import { useDeleteMappingMutation, useMappingsQuery } from '../../api/hooks';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ContentTypeName } from '../../components/ContentTypeName';
import { DateTime } from '../../components/DateTime';
import { CreateLink } from '../../components/list/CreateLink';
import { DataTable, type Column } from '../../components/list/DataTable';
import { ListLayout, type ListText } from '../../components/list/ListLayout';
import { RowActions } from '../../components/list/RowActions';
import { useConfirmDelete } from '../../hooks/useConfirmDelete';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useT } from '../../hooks/useT';

import type { DocumentTypeMapping } from '../../api/contracts';

const TEXT: ListText = {
  title: ['mappings.title', 'Mappings'],
  subtitle: ['mappings.subtitle', 'How documents of a producer content type become documents of a local one.'],
  empty: ['mappings.empty', 'No mapping yet. A mapping translates a producer content type into a differently shaped local one.'],
};

/** Settings → Event Streaming → Mappings: the Document Type Mappings of this (consumer) site. */
export const MappingsListPage = () => {
  const t = useT();
  const navigate = useNavigate();
  const { canConfigureMappings } = usePluginPermissions();
  const query = useMappingsQuery();
  const mappings = query.data ?? [];
  const removal = useConfirmDelete(mappings, useDeleteMappingMutation(), t('mappings.delete.success', 'The mapping was deleted.'));

  const createButton = canConfigureMappings ? <CreateLink label={t('mappings.create', 'Add mapping')} /> : undefined;

  const columns: Array<Column<DocumentTypeMapping>> = [
    { header: ['mappings.list.name', 'Name'], cell: (m) => <Typography fontWeight="semiBold">{m.mappingName}</Typography> },
    { header: ['mappings.list.local', 'Local content type'], cell: (m) => <ContentTypeName uid={m.localContentType} /> },
    { header: ['mappings.list.remote', 'Remote content type'], cell: (m) => <Typography>{m.remoteContentType}</Typography> },
    { header: ['mappings.list.fields', 'Fields'], cell: (m) => <Typography>{m.fieldMappings.length}</Typography> },
    { header: ['mappings.list.updatedAt', 'Updated'], cell: (m) => <DateTime value={m.updatedAt} /> },
    {
      header: ['common.actions', 'Actions'],
      cell: (mapping) => (
        <RowActions
          actions={[
            { label: t('common.edit', 'Edit'), icon: <Pencil />, onClick: () => navigate(String(mapping.id)) },
            { label: t('common.delete', 'Delete'), icon: <Trash />, visible: canConfigureMappings, onClick: () => removal.ask(mapping) },
          ]}
        />
      ),
    },
  ];

  const overlays = (
    <ConfirmAction {...removal.dialog} variant="danger" title={t('mappings.delete.title', 'Delete mapping')}>
      {t('mappings.delete.body', 'Delete the mapping {name}? Subscriptions and mappings that use it must be changed first.', {
        name: removal.target?.mappingName ?? '',
      })}
    </ConfirmAction>
  );

  return (
    <ListLayout text={TEXT} query={query} items={mappings} primaryAction={createButton} overlays={overlays}>
      <DataTable columns={columns} rows={mappings} rowKey={(mapping) => mapping.id} />
    </ListLayout>
  );
};
