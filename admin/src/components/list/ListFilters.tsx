import * as React from 'react';
import { Box, Flex, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import { useContentTypes, useProducersQuery } from '../../api/hooks';
import { getTrad } from '../../utils/getTrad';

const ALL = '__all__';

export interface FilterOption {
  value: string;
  label: string;
}

/** One select of a list's filter bar; choosing its "all" option clears the filter. */
export interface FilterDefinition<F extends string> {
  name: F;
  /** Accessible label, also the placeholder. */
  label: string;
  /** Label of the "no filter" option. */
  allLabel: string;
  value: string | undefined;
  options: FilterOption[];
  width?: string;
}

interface ListFiltersProps<F extends string> {
  filters: Array<FilterDefinition<F>>;
  onChange: (name: F, value: string | undefined) => void;
  /** More filter inputs after the selects. */
  children?: React.ReactNode;
}

/** The filter bar of a list page: compact selects, then any other inputs. */
export const ListFilters = <F extends string>({ filters, onChange, children }: ListFiltersProps<F>) => (
  <Flex gap={2} wrap="wrap">
    {filters.map((filter) => (
      <Box key={filter.name} minWidth={filter.width ?? '24rem'}>
        <SingleSelect
          aria-label={filter.label}
          size="S"
          value={filter.value ?? ALL}
          onChange={(next: string | number) => onChange(filter.name, next === ALL ? undefined : String(next))}
        >
          <SingleSelectOption value={ALL}>{filter.allLabel}</SingleSelectOption>
          {filter.options.map((option) => (
            <SingleSelectOption key={option.value} value={option.value}>
              {option.label}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      </Box>
    ))}
    {children}
  </Flex>
);

/** The "Content type" filter of the log pages, over this site's streamable content types. */
export const useContentTypeFilter = (value: string | undefined): FilterDefinition<'contentType'> => {
  const { formatMessage } = useIntl();
  const { contentTypes } = useContentTypes();
  return {
    name: 'contentType',
    label: formatMessage({ id: getTrad('filters.contentType'), defaultMessage: 'Content type' }),
    allLabel: formatMessage({ id: getTrad('filters.allContentTypes'), defaultMessage: 'All content types' }),
    value,
    options: contentTypes.map((ct) => ({ value: ct.uid, label: ct.displayName })),
  };
};

/** The "Producer" filter of the consumer's lists (Sync Log, Review), over this site's Event Producers. */
export const useProducerFilter = (value: string | undefined): FilterDefinition<'producerId'> => {
  const { formatMessage } = useIntl();
  const producers = useProducersQuery();
  return {
    name: 'producerId',
    label: formatMessage({ id: getTrad('syncLog.producer'), defaultMessage: 'Producer' }),
    allLabel: formatMessage({ id: getTrad('filters.allProducers'), defaultMessage: 'All producers' }),
    value,
    width: '28rem',
    options: (producers.data ?? []).map((p) => ({ value: String(p.id), label: p.producerUrl })),
  };
};
