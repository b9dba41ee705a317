/**
 * The schema check's reads (issue 16, point 8): GET /producers/:id/schema-check and
 * GET /mappings/:id/schema-check. Their keys sit below the producer's and the mapping's, so saving
 * either (which invalidates those) checks again.
 */
import { getFetchClient } from '@strapi/strapi/admin';
import { queryOptions, useQuery } from '@tanstack/react-query';

import { API_PREFIX } from '../constants';

import { keys } from './client';

import type { MappingSchemaCheck, ProducerSchemaCheck } from './contracts';

export type ProducerCheck = ProducerSchemaCheck.Response['data'];
export type MappingCheck = MappingSchemaCheck.Response['data'][number];

const get = async <T>(url: string, signal: AbortSignal): Promise<T> => (await getFetchClient().get<{ data: T }>(url, { signal })).data.data;

export const schemaCheckQueries = {
  producer: (id: number) =>
    queryOptions({
      queryKey: [...keys.producers, String(id), 'schema-check'],
      queryFn: ({ signal }) => get<ProducerCheck>(`${API_PREFIX}/producers/${id}/schema-check`, signal),
    }),
  mapping: (id: string) =>
    queryOptions({
      queryKey: [...keys.mappings, id, 'schema-check'],
      queryFn: ({ signal }) => get<MappingCheck[]>(`${API_PREFIX}/mappings/${encodeURIComponent(id)}/schema-check`, signal),
    }),
};

/**
 * A producer's schema check, asked again every minute while shown (a pull that sees the producer's
 * schema change sets `schemaChangedAt`) and whenever the producer is saved.
 */
export const useProducerSchemaCheck = (id: number) => useQuery({ ...schemaCheckQueries.producer(id), refetchInterval: 60_000 });

/** The schema check of every subscription that uses a mapping (its editor); none on the create form. */
export const useMappingSchemaCheck = (id: string | undefined) =>
  useQuery({ ...schemaCheckQueries.mapping(id ?? ''), enabled: id !== undefined });
