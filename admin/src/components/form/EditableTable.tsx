import * as React from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';
import { Trash } from '@strapi/icons';

import { useT, type Message } from '../../hooks/useT';
import { DataTable, type DataTableProps } from '../list/DataTable';
import { RowActions } from '../list/RowActions';

interface EditableTableProps<T> extends Omit<DataTableProps<T>, 'rowKey'> {
  /** Shown instead of the table while there is no row. */
  emptyText: string;
  /** An error about the whole list (e.g. "add at least one"). */
  error?: string;
  /** The label of each row's remove button. */
  removeLabel: Message;
  onRemove: (index: number) => void;
  disabled: boolean;
  /** The add buttons under the table. */
  buttons: React.ReactNode;
}

/** The rows of a form (subscriptions, field mappings; each with a client-side `key`) as a table of fields, each with a remove button, and the add buttons. */
export const EditableTable = <T extends { key: string }>({
  emptyText,
  error,
  removeLabel,
  onRemove,
  disabled,
  buttons,
  ...table
}: EditableTableProps<T>) => {
  const t = useT();
  const columns: DataTableProps<T>['columns'] = [
    ...table.columns,
    {
      header: ['common.actions', 'Actions'],
      cell: (_, index) => (
        <RowActions actions={[{ label: t(...removeLabel), icon: <Trash />, disabled, onClick: () => onRemove(index) }]} />
      ),
    },
  ];
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      {table.rows.length === 0 ? (
        <Box padding={4} background="neutral100" hasRadius>
          <Typography textColor="neutral600">{emptyText}</Typography>
        </Box>
      ) : (
        <DataTable {...table} columns={columns} rowKey={(row) => row.key} />
      )}
      {error ? (
        <Typography variant="pi" textColor="danger600">
          {error}
        </Typography>
      ) : null}
      <Flex gap={2}>{buttons}</Flex>
    </Flex>
  );
};
