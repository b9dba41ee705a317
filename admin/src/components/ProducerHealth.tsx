import { Box, Button, Flex, Grid, Typography } from '@strapi/design-system';
import { ArrowClockwise, Download } from '@strapi/icons';

import { useT } from '../hooks/useT';

import { DateTime, NeverDateTime } from './DateTime';
import { CursorValue, InfoItem, LagValue } from './InfoItem';

import type { EventProducer } from '../api/contracts';

interface ProducerHealthProps {
  producer: EventProducer;
  canAct: boolean;
  isPulling: boolean;
  onPull: () => void;
  onBackfill: () => void;
}

/** The producer's health (cursor, lag, last pull/success/error) with Pull now / Back-fill. */
export const ProducerHealth = ({ producer, canAct, isPulling, onPull, onBackfill }: ProducerHealthProps) => {
  const t = useT();
  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between">
          <Typography variant="delta" tag="h2">
            {t('producers.health.title', 'Health')}
          </Typography>
          <Flex gap={2}>
            <Button variant="secondary" startIcon={<ArrowClockwise />} loading={isPulling} disabled={!canAct} onClick={onPull}>
              {t('producers.pull', 'Pull now')}
            </Button>
            <Button variant="secondary" startIcon={<Download />} disabled={!canAct} onClick={onBackfill}>
              {t('producers.backfill', 'Back-fill')}
            </Button>
          </Flex>
        </Flex>
        <Grid.Root gap={4}>
          <InfoItem col={4} label={t('producers.health.siteId', 'Producer site id')}>
            <Typography>{producer.producerSiteId ?? '—'}</Typography>
          </InfoItem>
          <InfoItem col={4} label={t('producers.health.cursor', 'Pulled up to')}>
            <CursorValue at={producer.lastPulledSeq} head={producer.producerHeadSeq} />
          </InfoItem>
          <InfoItem col={4} label={t('producers.list.lag', 'Lag')}>
            <LagValue lag={producer.lag} />
          </InfoItem>
          <InfoItem col={4} label={t('producers.list.lastPull', 'Last pull')}>
            <NeverDateTime value={producer.lastPullAt} />
          </InfoItem>
          <InfoItem col={4} label={t('producers.list.lastSuccess', 'Last success')}>
            <NeverDateTime value={producer.lastSuccessAt} />
          </InfoItem>
          <InfoItem col={4} label={t('producers.health.delivery', 'Delivery')}>
            <Typography>
              {producer.pushEnabled ? t('producers.delivery.push', 'Push + pull') : t('producers.delivery.pull', 'Pull only')}
            </Typography>
          </InfoItem>
        </Grid.Root>
        {producer.lastError ? (
          <Box padding={4} background="danger100" hasRadius borderColor="danger200">
            <Flex direction="column" alignItems="flex-start" gap={1}>
              <Typography variant="sigma" textColor="danger700">
                {t('producers.list.lastError', 'Last error')}
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
