import { Box, Flex, Typography } from '@strapi/design-system';
import * as React from 'react';
import { useIntl } from 'react-intl';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTheme } from 'styled-components';

import { useSeriesQuery } from '../../api/hooks';
import { useT } from '../../hooks/useT';
import { ErrorState, LoadingState } from '../States';

import { fillMinutes } from './series';

import type { MetricPeer } from '../../api/contracts';

const HOURS = 24;

interface StreamChartsProps {
  /** `producer`: an Event Producer (this site consumes); `consumer`: an Event Consumer (this site produces). */
  peer: MetricPeer;
  id: number;
  /** Inside another card: a border instead of the card shadow. */
  embedded?: boolean;
}

/**
 * Events per minute (bars) and lag (line, right axis) of one stream over the last 24 hours, from the
 * plugin's per-minute counters. Colors, font and sizes come from the design system's theme.
 */
export const StreamCharts = ({ peer, id, embedded = false }: StreamChartsProps) => {
  const t = useT();
  const { formatTime } = useIntl();
  const theme = useTheme();
  const { data, isLoading, error, refetch } = useSeriesQuery(peer, id);
  const points = React.useMemo(() => fillMinutes(data ?? [], HOURS), [data]);
  const total = points.reduce((n, p) => n + p.events, 0);

  const tick = { fill: theme.colors.neutral600, fontSize: theme.fontSizes[1] };
  const eventsLabel =
    peer === 'producer' ? t('charts.events.applied', 'Events applied / min') : t('charts.events.acknowledged', 'Events acknowledged / min');

  return (
    <Box
      background="neutral0"
      hasRadius
      {...(embedded ? { borderColor: 'neutral150', padding: 4 } : { shadow: 'filterShadow', padding: 6 })}
      data-testid="stream-charts"
    >
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between">
          <Typography variant="delta" tag="h2">
            {t('charts.title', 'Last 24 hours')}
          </Typography>
          {data ? (
            <Typography variant="pi" textColor="neutral600">
              {t('charts.total', '{count} events', { count: total })}
            </Typography>
          ) : null}
        </Flex>
        {isLoading ? <LoadingState /> : null}
        {error ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
        {data ? (
          <Box height="240px" style={{ fontFamily: 'inherit' }}>
            <ResponsiveContainer width="100%" height="100%">
              <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={theme.colors.neutral150} vertical={false} />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={['dataMin', 'dataMax']}
                  tick={tick}
                  stroke={theme.colors.neutral300}
                  tickFormatter={(v: number) => formatTime(v, { hour: '2-digit', minute: '2-digit' })}
                />
                <YAxis yAxisId="events" allowDecimals={false} tick={tick} stroke={theme.colors.neutral300} width={40} />
                <YAxis yAxisId="lag" orientation="right" allowDecimals={false} tick={tick} stroke={theme.colors.neutral300} width={40} />
                <Tooltip
                  labelFormatter={(v) => formatTime(Number(v), { hour: '2-digit', minute: '2-digit' })}
                  contentStyle={{
                    background: theme.colors.neutral0,
                    border: `1px solid ${theme.colors.neutral150}`,
                    borderRadius: theme.borderRadius,
                    color: theme.colors.neutral800,
                    fontSize: theme.fontSizes[1],
                  }}
                />
                <Legend wrapperStyle={{ color: theme.colors.neutral600, fontSize: theme.fontSizes[1] }} />
                <Bar yAxisId="events" dataKey="events" name={eventsLabel} fill={theme.colors.primary600} isAnimationActive={false} />
                <Line
                  yAxisId="lag"
                  dataKey="lagEvents"
                  name={t('charts.lag', 'Lag (events)')}
                  stroke={theme.colors.warning600}
                  dot={false}
                  strokeWidth={2}
                  connectNulls
                  isAnimationActive={false}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </Box>
        ) : null}
      </Flex>
    </Box>
  );
};
