import { Box, Flex, Typography } from '@strapi/design-system';
import { useQuery } from '@tanstack/react-query';

import { queries } from '../../api/client';
import { useSeriesQuery } from '../../api/hooks';
import { ProgressLine } from '../../components/ProgressLine';
import { useT } from '../../hooks/useT';

import { catchUpOf } from './catchUp';

import type { EventProducer } from '../../api/contracts';

/**
 * The catch-up after an outage (issue 16, point 6): events behind (the producer's head − this
 * site's cursor) and a bar from the episode's peak to 0, as the Back-fill card draws a type's copy.
 * The producer is polled every 2 s while it is behind, so the bar moves as pages are applied.
 * Nothing when the stream is not behind and was not in the last minutes.
 */
export const CatchUpProgress = ({ producer }: { producer: EventProducer }) => {
  const t = useT();
  const series = useSeriesQuery('producer', producer.id);
  const behindNow = producer.producerHeadSeq - producer.lastPulledSeq > 0;
  // Same key as the page's producer query: polling here refreshes the whole page while catching up.
  useQuery({ ...queries.producer(producer.id), refetchInterval: behindNow ? 2000 : false });
  const catchUp = catchUpOf(producer, series.data);
  if (!catchUp) return null;
  const done = catchUp.behind === 0;
  const counts = t('producers.catchUp.counts', '{behind} events behind of {peak}', { behind: catchUp.behind, peak: catchUp.peak });
  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={6} data-testid="catch-up">
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Flex justifyContent="space-between" gap={2}>
          <Typography variant="delta" tag="h2">
            {t('producers.catchUp.title', 'Catch-up')}
          </Typography>
          <Typography variant="pi" textColor={done ? 'success600' : 'primary600'} fontWeight="bold">
            {done ? t('producers.catchUp.done', 'caught up') : t('producers.catchUp.running', 'catching up')}
          </Typography>
        </Flex>
        <ProgressLine value={catchUp.percent} label={counts} color={done ? 'success500' : 'primary600'} />
        <Typography variant="pi" textColor="neutral600">
          {counts}
          {producer.lastError ? ` · ${t('producers.catchUp.failing', 'the last pull failed')}` : ''}
        </Typography>
      </Flex>
    </Box>
  );
};
