/**
 * Admin API query strings and route parameters: ids, paging, log filters. Every value is a
 * string as the query parser delivers it; an array or an object (`?status[$ne]=x`) is refused.
 */
import * as yup from 'yup';
import { bodyObject, boundedString, LIMITS, positiveIntegerParam, queryFilter, SYNC_STATUSES, unknownFields, UPDATE_TYPES } from './common';

/** Most rows a log page returns; a larger pageSize is served at this size. */
export const MAX_PAGE_SIZE = 100;

const ID_MESSAGE = 'id must be a positive integer';

/** `:id` of every admin route: a positive integer of at most 9 digits. */
export const idParamsSchema = yup.object({
  id: boundedString(9, ID_MESSAGE)
    .required(ID_MESSAGE)
    .test('positive-integer', ID_MESSAGE, (v) => v === undefined || (/^\d{1,9}$/.test(v) && Number(v) >= 1)),
});

const paging = { page: positiveIntegerParam('page'), pageSize: positiveIntegerParam('pageSize') };

/** GET /update-logs. */
export const updateLogsQuerySchema = yup
  .object({
    ...paging,
    contentType: queryFilter('contentType'),
    updateType: queryFilter('updateType', UPDATE_TYPES),
    documentId: queryFilter('documentId'),
  })
  .noUnknown(true, unknownFields('query parameter'));

/** GET /sync-logs. */
export const syncLogsQuerySchema = yup
  .object({
    ...paging,
    status: queryFilter('status', SYNC_STATUSES),
    contentType: queryFilter('contentType'),
    producerId: queryFilter('producerId').test(
      'id',
      'producerId must be a positive integer',
      (v) => v === undefined || v === '' || (/^\d{1,9}$/.test(v) && Number(v) >= 1)
    ),
  })
  .noUnknown(true, unknownFields('query parameter'));

/** POST /sync-logs/resync-failed: all failed entries, or those of one producer. */
export const resyncFailedSchema = bodyObject({
  producerId: yup
    .number()
    .typeError('producerId must be a positive integer')
    .integer('producerId must be a positive integer')
    .min(1, 'producerId must be a positive integer')
    .max(999_999_999, 'producerId must be a positive integer'),
});

const ORIGIN_MESSAGE = 'contentType and documentId are required';

/** GET /documents/origin?contentType=&documentId= (the Content Manager side panel). */
export const documentOriginQuerySchema = yup
  .object({
    contentType: queryFilter('contentType').required(ORIGIN_MESSAGE),
    documentId: queryFilter('documentId').required(ORIGIN_MESSAGE),
  })
  .noUnknown(true, unknownFields('query parameter'));

export { LIMITS };
