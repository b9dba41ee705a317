import * as React from 'react';
import { Box, Button, EmptyStateLayout, Flex, Loader } from '@strapi/design-system';
import { ArrowClockwise, WarningCircle } from '@strapi/icons';
import { EmptyDocuments } from '@strapi/icons/symbols';
import { useIntl } from 'react-intl';

import { getErrorMessage } from '../utils/errors';
import { getTrad } from '../utils/getTrad';

/** A spinner in the page's content area (the header stays visible). */
export const LoadingState = ({ label }: { label?: string }) => {
  const { formatMessage } = useIntl();
  return (
    <Flex justifyContent="center" padding={8} aria-busy>
      <Loader>{label ?? formatMessage({ id: getTrad('common.loading'), defaultMessage: 'Loading content…' })}</Loader>
    </Flex>
  );
};

interface ErrorStateProps {
  error: unknown;
  onRetry?: () => void;
}

/** The server's error message with a Retry button. */
export const ErrorState = ({ error, onRetry }: ErrorStateProps) => {
  const { formatMessage } = useIntl();
  return (
    <Box background="neutral0" hasRadius shadow="filterShadow">
      <EmptyStateLayout
        icon={<WarningCircle width="6.4rem" height="6.4rem" fill="danger600" />}
        content={getErrorMessage(
          error,
          formatMessage({
            id: getTrad('common.error'),
            defaultMessage: 'Whoops! Something went wrong. Please, try again.',
          })
        )}
        action={
          onRetry ? (
            <Button variant="secondary" startIcon={<ArrowClockwise />} onClick={onRetry}>
              {formatMessage({ id: getTrad('common.retry'), defaultMessage: 'Retry' })}
            </Button>
          ) : undefined
        }
      />
    </Box>
  );
};

interface EmptyStateProps {
  content: string;
  action?: React.ReactNode;
}

/** "Nothing here yet", optionally with the action that creates the first item. */
export const EmptyState = ({ content, action }: EmptyStateProps) => (
  <Box background="neutral0" hasRadius shadow="filterShadow">
    <EmptyStateLayout icon={<EmptyDocuments width="16rem" />} content={content} action={action} />
  </Box>
);
