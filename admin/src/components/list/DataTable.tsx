import * as React from 'react';
import { Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Pagination } from '@strapi/strapi/admin';

import { DEFAULT_PAGE_SIZE, PAGE_SIZES } from '../../constants';

import type { Paged } from '../../api/contracts';

/** One column: its header and how a row fills its cell. */
export interface Column<T> {
  id: string;
  header: string;
  cell: (row: T, index: number) => React.ReactNode;
  /** Props of every cell of the column (e.g. `minWidth`). */
  cellProps?: Omit<React.ComponentProps<typeof Td>, 'children'>;
}

export interface DataTableProps<T> {
  columns: Array<Column<T>>;
  rows: T[];
  rowKey: (row: T) => string | number;
  /** Style of every row (e.g. top-aligned cells in a form table). */
  rowStyle?: React.CSSProperties;
  /** Paging of a server-paged list: page-size picker and page links below the table (paging kept in the URL). */
  pagination?: Paged<T>['meta']['pagination'];
}

/** A design-system table from column definitions, optionally with Strapi's URL-driven pagination. */
export const DataTable = <T,>({ columns, rows, rowKey, rowStyle, pagination }: DataTableProps<T>) => {
  const table = (
    <Table colCount={columns.length} rowCount={rows.length + 1}>
      <Thead>
        <Tr>
          {columns.map((column) => (
            <Th key={column.id}>
              <Typography variant="sigma">{column.header}</Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((row, index) => (
          <Tr key={rowKey(row)} style={rowStyle}>
            {columns.map((column) => (
              <Td key={column.id} {...column.cellProps}>
                {column.cell(row, index)}
              </Td>
            ))}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
  if (!pagination) return table;
  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      {table}
      <Pagination.Root pageCount={pagination.pageCount} total={pagination.total} defaultPageSize={DEFAULT_PAGE_SIZE}>
        <Pagination.PageSize options={PAGE_SIZES} />
        <Pagination.Links />
      </Pagination.Root>
    </Flex>
  );
};
