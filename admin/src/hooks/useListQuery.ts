import { useQueryParams } from '@strapi/strapi/admin';

import { DEFAULT_PAGE_SIZE } from '../constants';

/** The URL query of a paged, filtered list page (all values are strings in the URL). */
export type ListQuery<F extends string> = Partial<Record<F | 'page' | 'pageSize', string>>;

/**
 * Filters and paging kept in the URL (so a filtered view can be linked and survives reload).
 * Changing a filter goes back to page 1.
 */
export const useListQuery = <F extends string>() => {
  const [{ query }, setQuery] = useQueryParams<ListQuery<F>>();
  const page = Math.max(1, Number(query.page) || 1);
  const pageSize = Math.max(1, Number(query.pageSize) || DEFAULT_PAGE_SIZE);
  const setFilter = (name: F, value: string | undefined) => {
    const next = { page: '1' } as ListQuery<F>;
    next[name] = value;
    setQuery(next);
  };
  return { query, page, pageSize, setFilter };
};
