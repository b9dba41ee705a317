import * as React from 'react';
import { LinkButton, Typography } from '@strapi/design-system';
import { Pencil, Plus, Trash } from '@strapi/icons';
import { Link as RouterLink, useNavigate } from 'react-router-dom';

import { useDeleteMappingMutation, useMappingsQuery } from '../../api/hooks';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ContentTypeName } from '../../components/ContentTypeName';
import { DateTime } from '../../components/DateTime';
import { DataTable, type Column } from '../../components/list/DataTable';
import { ListLayout } from '../../components/list/ListLayout';
import { RowActions } from '../../components/list/RowActions';
import { useNotify } from '../../hooks/useNotify';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useT } from '../../hooks/useT';

import type { DocumentTypeMapping } from '../../api/contracts';

/** Settings → Event Streaming → Mappings: the Document Type Mappings of this (consumer) site. */
export const MappingsListPage = () => {
  const t = useT();
  const navigate = useNavigate();
  const notify = useNotify();
  const { canConfigureMappings } = usePluginPermissions();
  const query = useMappingsQuery();
  const remove = useDeleteMappingMutation();
  const [toDelete, setToDelete] = React.useState<number | null>(null);
  const mappings = query.data ?? [];
  const deleting = mappings.find((mapping) => mapping.id === toDelete);

  const handleDelete = async () => {
    if (!deleting) return;
    try {
      await remove.mutateAsync(deleting.id);
      notify.success(t('mappings.delete.success', 'The mapping was deleted.'));
      setToDelete(null);
    } catch (err) {
      notify.error(err);
    }
  };

  const createButton = canConfigureMappings ? (
    <LinkButton tag={RouterLink} to="create" startIcon={<Plus />}>
      {t('mappings.create', 'Add mapping')}
    </LinkButton>
  ) : undefined;

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
            { label: t('common.delete', 'Delete'), icon: <Trash />, visible: canConfigureMappings, onClick: () => setToDelete(mapping.id) },
          ]}
        />
      ),
    },
  ];

  return (
    <ListLayout
      title={t('mappings.title', 'Mappings')}
      subtitle={t('mappings.subtitle', 'How documents of a producer content type become documents of a local one.')}
      primaryAction={createButton}
      query={query}
      empty={
        mappings.length === 0 && {
          content: t('mappings.empty', 'No mapping yet. A mapping translates a producer content type into a differently shaped local one.'),
          action: createButton,
        }
      }
      overlays={
        <ConfirmAction
          open={deleting !== undefined}
          variant="danger"
          title={t('mappings.delete.title', 'Delete mapping')}
          onConfirm={handleDelete}
          onClose={() => setToDelete(null)}
        >
          {t('mappings.delete.body', 'Delete the mapping {name}? Subscriptions and mappings that use it must be changed first.', {
            name: deleting?.mappingName ?? '',
          })}
        </ConfirmAction>
      }
    >
      <DataTable columns={columns} rows={mappings} rowKey={(mapping) => mapping.id} />
    </ListLayout>
  );
};
