import * as React from 'react';
import { Dialog, Flex, IconButton, LinkButton, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Pencil, Plus, Trash, WarningCircle } from '@strapi/icons';
import { ConfirmDialog, Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { Link as RouterLink, useNavigate } from 'react-router-dom';

import { useApi, type DocumentTypeMapping } from '../../api';
import { ContentTypeName } from '../../components/ContentTypeName';
import { DateTime } from '../../components/DateTime';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { useContentTypes } from '../../hooks/useContentTypes';
import { useNotify } from '../../hooks/useNotify';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useRequest } from '../../hooks/useRequest';
import { getTrad } from '../../utils/getTrad';
import { ListHeader } from '../../components/ListHeader';

/** Settings → Event Streaming → Mappings: the Document Type Mappings of this (consumer) site. */
export const MappingsListPage = () => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const api = useApi();
  const notify = useNotify();
  const { canConfigureMappings } = usePluginPermissions();
  const { byUid } = useContentTypes();
  const { data, error, isLoading, isFetching, refetch } = useRequest(() => api.listMappings(), [api]);
  const [toDelete, setToDelete] = React.useState<DocumentTypeMapping | null>(null);

  const title = formatMessage({ id: getTrad('mappings.title'), defaultMessage: 'Mappings' });

  const handleDelete = async () => {
    if (!toDelete) return;
    try {
      await api.deleteMapping(toDelete.id);
      notify.success(formatMessage({ id: getTrad('mappings.delete.success'), defaultMessage: 'The mapping was deleted.' }));
      setToDelete(null);
      await refetch();
    } catch (err) {
      notify.error(err);
    }
  };

  const createButton = canConfigureMappings ? (
    <LinkButton tag={RouterLink} to="create" startIcon={<Plus />}>
      {formatMessage({ id: getTrad('mappings.create'), defaultMessage: 'Add mapping' })}
    </LinkButton>
  ) : undefined;

  const renderBody = () => {
    if (isLoading) return <LoadingState />;
    if (error && !data) return <ErrorState error={error} onRetry={refetch} />;
    const mappings = data ?? [];
    if (mappings.length === 0) {
      return (
        <EmptyState
          content={formatMessage({
            id: getTrad('mappings.empty'),
            defaultMessage: 'No mapping yet. A mapping translates a producer content type into a differently shaped local one.',
          })}
          action={createButton}
        />
      );
    }
    return (
      <Table colCount={5} rowCount={mappings.length + 1}>
        <Thead>
          <Tr>
            <Th>
              <Typography variant="sigma">{formatMessage({ id: getTrad('mappings.list.name'), defaultMessage: 'Name' })}</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">
                {formatMessage({ id: getTrad('mappings.list.local'), defaultMessage: 'Local content type' })}
              </Typography>
            </Th>
            <Th>
              <Typography variant="sigma">
                {formatMessage({ id: getTrad('mappings.list.remote'), defaultMessage: 'Remote content type' })}
              </Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{formatMessage({ id: getTrad('mappings.list.fields'), defaultMessage: 'Fields' })}</Typography>
            </Th>
            <Th>
              <Typography variant="sigma">
                {formatMessage({ id: getTrad('mappings.list.updatedAt'), defaultMessage: 'Updated' })}
              </Typography>
            </Th>
            <Th>
              <Typography variant="sigma">{formatMessage({ id: getTrad('common.actions'), defaultMessage: 'Actions' })}</Typography>
            </Th>
          </Tr>
        </Thead>
        <Tbody>
          {mappings.map((mapping) => (
            <Tr key={mapping.id}>
              <Td>
                <Typography fontWeight="semiBold">{mapping.mappingName}</Typography>
              </Td>
              <Td>
                <ContentTypeName uid={mapping.localContentType} byUid={byUid} />
              </Td>
              <Td>
                <Typography>{mapping.remoteContentType}</Typography>
              </Td>
              <Td>
                <Typography>{mapping.fieldMappings.length}</Typography>
              </Td>
              <Td>
                <DateTime value={mapping.updatedAt} />
              </Td>
              <Td>
                <Flex gap={1}>
                  <IconButton
                    label={formatMessage({ id: getTrad('common.edit'), defaultMessage: 'Edit' })}
                    variant="ghost"
                    onClick={() => navigate(String(mapping.id))}
                  >
                    <Pencil />
                  </IconButton>
                  {canConfigureMappings ? (
                    <IconButton
                      label={formatMessage({ id: getTrad('common.delete'), defaultMessage: 'Delete' })}
                      variant="ghost"
                      onClick={() => setToDelete(mapping)}
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
          id: getTrad('mappings.subtitle'),
          defaultMessage: 'How documents of a producer content type become documents of a local one.',
        })}
        primaryAction={createButton}
        isFetching={isFetching}
        onRefresh={refetch}
      />
      <Layouts.Content>{renderBody()}</Layouts.Content>
      <Dialog.Root open={toDelete !== null} onOpenChange={(open: boolean) => !open && setToDelete(null)}>
        <ConfirmDialog
          title={formatMessage({ id: getTrad('mappings.delete.title'), defaultMessage: 'Delete mapping' })}
          icon={<WarningCircle fill="danger600" />}
          variant="danger"
          onConfirm={handleDelete}
        >
          {formatMessage(
            {
              id: getTrad('mappings.delete.body'),
              defaultMessage: 'Delete the mapping {name}? Subscriptions and mappings that use it must be changed first.',
            },
            { name: toDelete?.mappingName ?? '' }
          )}
        </ConfirmDialog>
      </Dialog.Root>
    </Page.Main>
  );
};
