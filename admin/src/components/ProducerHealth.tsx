import * as React from 'react';
import { Box, Button, Flex, Grid, Typography } from '@strapi/design-system';
import { ArrowClockwise, Download } from '@strapi/icons';
import { useIntl } from 'react-intl';

import { DateTime } from './DateTime';

import { getTrad } from '../utils/getTrad';

import type { EventProducer } from '../api';

interface ProducerHealthProps {
  producer: EventProducer;
  canAct: boolean;
  isPulling: boolean;
  onPull: () => void;
  onBackfill: () => void;
}

const Item = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <Grid.Item col={4} s={6} xs={12} direction="column" alignItems="flex-start" gap={1}>
    <Typography variant="sigma" textColor="neutral600">
      {label}
    </Typography>
    {children}
  </Grid.Item>
);

/** The producer's health (cursor, lag, last pull/success/error) with Pull now / Back-fill. */
export const ProducerHealth = ({ producer, canAct, isPulling, onPull, onBackfill }: ProducerHealthProps) => {
  const { formatMessage, formatNumber } = useIntl();
  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between">
          <Typography variant="delta" tag="h2">
            {formatMessage({ id: getTrad('producers.health.title'), defaultMessage: 'Health' })}
          </Typography>
          <Flex gap={2}>
            <Button variant="secondary" startIcon={<ArrowClockwise />} loading={isPulling} disabled={!canAct} onClick={onPull}>
              {formatMessage({ id: getTrad('producers.pull'), defaultMessage: 'Pull now' })}
            </Button>
            <Button variant="secondary" startIcon={<Download />} disabled={!canAct} onClick={onBackfill}>
              {formatMessage({ id: getTrad('producers.backfill'), defaultMessage: 'Back-fill' })}
            </Button>
          </Flex>
        </Flex>
        <Grid.Root gap={4}>
          <Item label={formatMessage({ id: getTrad('producers.health.siteId'), defaultMessage: 'Producer site id' })}>
            <Typography>{producer.producerSiteId ?? '—'}</Typography>
          </Item>
          <Item label={formatMessage({ id: getTrad('producers.health.cursor'), defaultMessage: 'Pulled up to' })}>
            <Typography>
              {formatMessage(
                { id: getTrad('producers.health.cursorValue'), defaultMessage: '#{pulled} of #{head}' },
                { pulled: producer.lastPulledSeq, head: producer.producerHeadSeq }
              )}
            </Typography>
          </Item>
          <Item label={formatMessage({ id: getTrad('producers.list.lag'), defaultMessage: 'Lag' })}>
            <Typography fontWeight="bold" textColor={producer.lag > 0 ? 'warning600' : 'success600'}>
              {formatMessage(
                { id: getTrad('producers.health.lagValue'), defaultMessage: '{lag, plural, one {# event} other {# events}}' },
                { lag: formatNumber(producer.lag) }
              )}
            </Typography>
          </Item>
          <Item label={formatMessage({ id: getTrad('producers.list.lastPull'), defaultMessage: 'Last pull' })}>
            <DateTime value={producer.lastPullAt} emptyLabel={formatMessage({ id: getTrad('common.never'), defaultMessage: 'Never' })} />
          </Item>
          <Item label={formatMessage({ id: getTrad('producers.list.lastSuccess'), defaultMessage: 'Last success' })}>
            <DateTime value={producer.lastSuccessAt} emptyLabel={formatMessage({ id: getTrad('common.never'), defaultMessage: 'Never' })} />
          </Item>
          <Item label={formatMessage({ id: getTrad('producers.health.delivery'), defaultMessage: 'Delivery' })}>
            <Typography>
              {producer.pushEnabled
                ? formatMessage({ id: getTrad('producers.delivery.push'), defaultMessage: 'Push + pull' })
                : formatMessage({ id: getTrad('producers.delivery.pull'), defaultMessage: 'Pull only' })}
            </Typography>
          </Item>
        </Grid.Root>
        {producer.lastError ? (
          <Box padding={4} background="danger100" hasRadius borderColor="danger200">
            <Flex direction="column" alignItems="flex-start" gap={1}>
              <Typography variant="sigma" textColor="danger700">
                {formatMessage({ id: getTrad('producers.list.lastError'), defaultMessage: 'Last error' })}
              </Typography>
              <Typography textColor="danger700">{producer.lastError}</Typography>
              <Typography variant="pi" textColor="danger600">
                <DateTime value={producer.lastErrorAt} />
              </Typography>
            </Flex>
          </Box>
        ) : null}
      </Flex>
    </Box>
  );
};
