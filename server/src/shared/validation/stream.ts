/**
 * The site-to-site content API (prefix `API_PREFIX`, protocol/wire.ts): the registration body and the pull
 * queries (served by the producer), the notification body (served by the consumer). Whether a
 * content type is streamable here, and who may read what, is checked by the services afterwards.
 *
 * Query parameters of the site-to-site routes are not refused when unknown (`noUnknown` is not
 * set there): a peer on a newer version may send more, and ignoring them is the compatible answer.
 */
import * as yup from 'yup';
import {
  bodyObject,
  boundedString,
  cappedList,
  cursorParam,
  DOC_ID_RE,
  firstDuplicate,
  LIMITS,
  LOCALE_RE,
  positiveIntegerParam,
  SITE_ID_RE,
  unknownFields,
  urlString,
} from './common';
import { conditionField, onExitField } from './condition';

export const REGISTER_SUBSCRIPTIONS_MESSAGE =
  'subscriptions must be a list of 1 to 200 entries (an empty list only for a registered consumer that unsubscribes from everything)';
const SITE_ID_MESSAGE = 'siteId must be 8-64 letters, digits or dashes';
const NAME_MESSAGE = 'name must be a non-empty string of at most 200 characters';
const PREVIOUS_TOKEN_MESSAGE = 'previousToken must be a non-empty string of at most 1024 characters';
const CALLBACK_TOKEN_MESSAGE = 'callbackToken must be a string of at most 1024 characters';

/**
 * POST /register. An empty subscriptions list is structurally fine: it re-registers a consumer
 * that unsubscribed from everything (the service refuses it for an unknown site). The URL's
 * format (scheme, credentials, query) is checked by normalizeSiteUrl.
 */
export const registerSchema = bodyObject({
  siteId: boundedString(LIMITS.siteId, SITE_ID_MESSAGE).required(SITE_ID_MESSAGE).matches(SITE_ID_RE, SITE_ID_MESSAGE),
  name: boundedString(LIMITS.name, NAME_MESSAGE).required(NAME_MESSAGE).matches(/\S/, NAME_MESSAGE),
  callbackUrl: urlString('callbackUrl').nullable(),
  callbackToken: boundedString(LIMITS.token, CALLBACK_TOKEN_MESSAGE)
    .nullable()
    .min(1, CALLBACK_TOKEN_MESSAGE)
    .test('with-url', 'callbackToken is required with a callbackUrl', function withUrl(value) {
      const url = (this.parent as { callbackUrl?: unknown }).callbackUrl;
      return url === undefined || url === null || (value !== undefined && value !== null && value !== '');
    }),
  previousToken: boundedString(LIMITS.token, PREVIOUS_TOKEN_MESSAGE).min(1, PREVIOUS_TOKEN_MESSAGE),
  subscriptions: cappedList(
    LIMITS.list,
    REGISTER_SUBSCRIPTIONS_MESSAGE,
    yup
      .array()
      .of(
        yup
          .object({
            contentType: boundedString(LIMITS.uid, '${path} must be a content type UID').required('${path} must be a content type UID'),
            unsubscribed: yup.boolean().strict().typeError('${path} must be true or false'),
            condition: conditionField,
            onExit: onExitField,
          })
          .noUnknown(true, unknownFields())
          .typeError('${path}.contentType must be a content type UID')
      )
      .typeError(REGISTER_SUBSCRIPTIONS_MESSAGE)
      .required(REGISTER_SUBSCRIPTIONS_MESSAGE)
      .test('unique', 'subscriptions list a content type twice', (list) => !firstDuplicate(list ?? [], (s) => s?.contentType))
  ),
});

/** POST /notify: a producer pokes this site (its token is checked by the controller). */
export const notifySchema = yup
  .object({
    siteId: boundedString(LIMITS.siteId, 'siteId is required (at most 64 characters)').required('siteId is required'),
    headSeq: yup
      .number()
      .typeError('headSeq must be a non-negative integer')
      .integer('headSeq must be a non-negative integer')
      .min(0, 'headSeq must be a non-negative integer'),
  })
  .noUnknown(true, unknownFields())
  .typeError('siteId is required in a JSON object')
  .defined('siteId is required');

/** GET /updates and GET /documents/:uid: a cursor and a page size (capped by the server's maxPageSize). */
export const pageQuerySchema = yup.object({
  after: cursorParam('after'),
  limit: positiveIntegerParam('limit'),
});

/** GET /documents/:uid: a page query; `documentIds` (comma-separated): list only those (a reconciling sweep). */
const DOC_IDS_MESSAGE = 'documentIds must be a comma-separated list of documentIds';
export const listDocumentsQuerySchema = pageQuerySchema.shape({
  documentIds: boundedString(LIMITS.via * 4, DOC_IDS_MESSAGE).matches(/^[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64})*$/, {
    message: DOC_IDS_MESSAGE,
    excludeEmptyString: true,
  }),
});

/** An update-log row's key (engine/cursor.ts FINGERPRINTS): 16 random bytes in lowercase hex. */
export const EVENT_KEY_RE = /^[0-9a-f]{32}$/;
const EVENT_KEY_MESSAGE = 'afterKey must be 32 lowercase hexadecimal characters (the key of the event at `after`)';

/** GET /updates: a page query; `data=0` asks for the events without their data (a too large event is skipped). */
export const pullQuerySchema = pageQuerySchema.shape({
  data: yup.string().oneOf(['0', '1'], 'data must be 0 or 1'),
  afterKey: yup.string().typeError(EVENT_KEY_MESSAGE).matches(EVENT_KEY_RE, { message: EVENT_KEY_MESSAGE, excludeEmptyString: true }),
});

/** The chain of documents a dependency was reached through (JSON; decoded by protocol/via.ts). */
const via = boundedString(LIMITS.via, 'via must be a JSON list (at most 4000 characters)');

/** GET /documents/:uid/:documentId. */
export const fetchDocumentQuerySchema = yup.object({
  locale: boundedString(LIMITS.locale, 'locale must be a locale code such as en or fr-FR').matches(LOCALE_RE, {
    message: 'locale must be a locale code such as en or fr-FR',
    excludeEmptyString: true,
  }),
  via,
  /** `only`: the uploads the document references inline instead of its data (issue 15.4). */
  inline: boundedString(8, 'inline must be "only" or absent').oneOf(['only', '', undefined], 'inline must be "only" or absent'),
});

/** GET /files/:fileId. */
export const fetchFileQuerySchema = yup.object({ via });

/**
 * Route parameters. The UID's format and whether it is streamable are one check in the
 * controller ("Unknown content type …"); here only its length is bounded, with the same message.
 */
const uidParam = boundedString(LIMITS.uid, 'Unknown content type (a UID has at most 200 characters)').required('Unknown content type');
export const documentParamsSchema = yup.object({
  uid: uidParam,
  documentId: boundedString(64, 'documentId is malformed')
    .required('documentId is malformed')
    .matches(DOC_ID_RE, 'documentId is malformed'),
});
export const listDocumentsParamsSchema = yup.object({ uid: uidParam });
export const fileParamsSchema = yup.object({
  fileId: boundedString(64, 'file id is malformed').required('file id is malformed').matches(DOC_ID_RE, 'file id is malformed'),
});
