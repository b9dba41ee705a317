/** Review queue (issue 15), admin API: GET /reviews filters and the bulk Accept body. */
import * as yup from 'yup';
import { bodyObject, positiveIntegerParam, queryFilter, unknownFields } from './common';

export const HOLD_REASONS = ['review', 'conflict', 'queued'] as const;

const producerIdParam = queryFilter('producerId').test(
  'id',
  'producerId must be a positive integer',
  (v) => v === undefined || v === '' || (/^\d{1,9}$/.test(v) && Number(v) >= 1)
);

/** GET /reviews. */
export const reviewsQuerySchema = yup
  .object({
    page: positiveIntegerParam('page'),
    pageSize: positiveIntegerParam('pageSize'),
    contentType: queryFilter('contentType'),
    producerId: producerIdParam,
    reason: queryFilter('reason', HOLD_REASONS),
    documentId: queryFilter('documentId'),
  })
  .noUnknown(true, unknownFields('query parameter'));

/** POST /reviews/accept-all: accepts every held change matching the filters (all when empty). */
export const acceptAllSchema = bodyObject({
  contentType: yup.string().max(255, 'contentType is too long'),
  producerId: yup
    .number()
    .typeError('producerId must be a positive integer')
    .integer('producerId must be a positive integer')
    .min(1, 'producerId must be a positive integer')
    .max(999_999_999, 'producerId must be a positive integer'),
  reason: yup.string().oneOf([...HOLD_REASONS, undefined], 'reason must be one of review, conflict, queued'),
});
