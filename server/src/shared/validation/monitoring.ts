/** Monitoring inputs: the health endpoint's query, the series route's parameters. */
import * as yup from 'yup';
import { positiveIntegerParam, queryFilter, unknownFields } from './common';
import { idParamsSchema } from './query';

export const HEALTH_FORMATS = ['json', 'prometheus'] as const;
export const METRIC_PEERS = ['producer', 'consumer'] as const;
/** The counters keep 24 hours. */
export const MAX_SERIES_HOURS = 24;

/** GET health and metrics (ROUTES.health, ROUTES.metrics of protocol/wire.ts). */
export const healthQuerySchema = yup
  .object({ format: queryFilter('format', HEALTH_FORMATS) })
  .noUnknown(true, unknownFields('query parameter'));

/** GET /metrics/:peer/:id (admin). */
export const seriesParamsSchema = idParamsSchema.shape({
  peer: queryFilter('peer', METRIC_PEERS).required('peer must be one of producer, consumer'),
});

export const seriesQuerySchema = yup
  .object({
    hours: positiveIntegerParam('hours', 2).test(
      'max-hours',
      `hours must be at most ${MAX_SERIES_HOURS}`,
      (v) => v === undefined || v === '' || Number(v) <= MAX_SERIES_HOURS
    ),
  })
  .noUnknown(true, unknownFields('query parameter'));
