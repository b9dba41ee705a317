import * as React from 'react';

import { useApi, type StreamableContentType } from '../api';

import { useRequest } from './useRequest';

/**
 * Attributes Strapi manages itself: never mapped, never picked. Filtered here as well in case the
 * server lists them.
 */
const SYSTEM_ATTRIBUTES = new Set([
  'id',
  'documentId',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'createdBy',
  'updatedBy',
  'locale',
  'localizations',
]);

export interface ContentTypesState {
  contentTypes: StreamableContentType[];
  byUid: Map<string, StreamableContentType>;
  isLoading: boolean;
  error: unknown;
  refetch: () => Promise<void>;
}

/** This site's streamable content types (GET /content-types), for pickers and labels. */
export const useContentTypes = (enabled = true): ContentTypesState => {
  const api = useApi();
  const { data, isLoading, error, refetch } = useRequest(() => api.listContentTypes(), [api], enabled);
  const contentTypes = React.useMemo(
    () =>
      (data ?? [])
        .map((contentType) => ({
          ...contentType,
          attributes: contentType.attributes.filter((attribute) => !SYSTEM_ATTRIBUTES.has(attribute.name)),
        }))
        .sort((a, b) => a.displayName.localeCompare(b.displayName)),
    [data]
  );
  const byUid = React.useMemo(() => new Map(contentTypes.map((contentType) => [contentType.uid, contentType])), [contentTypes]);
  return { contentTypes, byUid, isLoading, error, refetch };
};
