import * as React from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';

import { DataTable, type DataTableProps } from '../list/DataTable';

interface EditableTableProps<T> extends DataTableProps<T> {
  /** Shown instead of the table while there is no row. */
  emptyText: string;
  /** An error about the whole list (e.g. "add at least one"). */
  error?: string;
  /** The add buttons under the table. */
  buttons: React.ReactNode;
}

/** The rows of a form (subscriptions, field mappings) as a table of fields, with its add buttons. */
export const EditableTable = <T,>({ emptyText, error, buttons, ...table }: EditableTableProps<T>) => (
  <Flex direction="column" alignItems="stretch" gap={3}>
    {table.rows.length === 0 ? (
      <Box padding={4} background="neutral100" hasRadius>
        <Typography textColor="neutral600">{emptyText}</Typography>
      </Box>
    ) : (
      <DataTable {...table} />
    )}
    {error ? (
      <Typography variant="pi" textColor="danger600">
        {error}
      </Typography>
    ) : null}
    <Flex gap={2}>{buttons}</Flex>
  </Flex>
);
