import * as React from 'react';
import { Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Pagination } from '@strapi/strapi/admin';

import { DEFAULT_PAGE_SIZE, PAGE_SIZES } from '../../constants';
import { useT, type Message } from '../../hooks/useT';

import type { Paged } from '../../api/contracts';

/** One column: its header (the message key is also the column's id) and how a row fills its cell. */
export interface Column<T> {
  header: Message;
  /** `header`: the translated header, e.g. the accessible name of a field in the cell. */
  cell: (row: T, index: number, header: string) => React.ReactNode;
  /** The cells' minimum width (table cells otherwise shrink to their content). */
  minWidth?: string;
}

type CellProps = Omit<React.ComponentProps<typeof Td>, 'children'>;

export interface DataTableProps<T> {
  columns: Array<Column<T>>;
  rows: T[];
  rowKey: (row: T) => string | number;
  /** Style of every row (e.g. top-aligned cells in a form table). */
  rowStyle?: React.CSSProperties;
  /** Props of every cell (e.g. a smaller padding). */
  cellProps?: CellProps;
  /** Paging of a server-paged list: page-size picker and page links below the table (paging kept in the URL). */
  pagination?: Paged<T>['meta']['pagination'];
}

/** A design-system table from column definitions, optionally with Strapi's URL-driven pagination. */
export const DataTable = <T,>({ columns, rows, rowKey, rowStyle, cellProps, pagination }: DataTableProps<T>) => {
  const t = useT();
  const table = (
    <Table colCount={columns.length} rowCount={rows.length + 1}>
      <Thead>
        <Tr>
          {columns.map((column) => (
            <Th key={column.header[0]}>
              <Typography variant="sigma">{t(...column.header)}</Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((row, index) => (
          <Tr key={rowKey(row)} style={rowStyle}>
            {columns.map((column) => (
              <Td key={column.header[0]} minWidth={column.minWidth} {...cellProps}>
                {column.cell(row, index, t(...column.header))}
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
