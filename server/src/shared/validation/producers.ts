/**
 * Consumer side, admin API: the Event Producer body (POST /producers, PUT /producers/:id), the
 * back-fill body and the delete query. What needs this site's database or schemas (the content
 * type exists here, the named mapping exists and matches) is checked by the service afterwards.
 */
import * as yup from 'yup';
import {
  API_UID_RE,
  bodyObject,
  boundedString,
  urlString,
  cappedList,
  firstDuplicate,
  LIMITS,
  SUBSCRIPTION_STATUSES,
  TOKEN_RE,
  unknownFields,
} from './common';
import { conditionField, onExitField } from './condition';

export const PRODUCER_SUBSCRIPTIONS_MESSAGE = 'subscriptions must be a list of 1 to 200 content types';
const API_TOKEN_MESSAGE = 'apiToken must be the producer API token (8-1024 visible characters)';
const CALLBACK_TOKEN_MESSAGE = 'callbackToken must be an API token of this site (8-1024 visible characters)';
const SUBSCRIBER_MESSAGE = 'subscriberUser must be the id of an admin user of this site, or null';
const REMOTE_UID_MESSAGE = '${path} must be a content type UID like api::name.name';

/** At most this many fields kept local per subscription. */
export const MAX_KEEP_LOCAL = 50;
const KEEP_LOCAL_MESSAGE = `\${path} must be a list of at most ${MAX_KEEP_LOCAL} local field paths (field, or component.field)`;
const FIELD_PATH_MESSAGE = '${path} must be a local field path like price or seo.metaTitle';
/** `price`, `seo.metaTitle`: field names joined by dots, at most 4 deep. Existence is checked by the server against the local schema. */
export const FIELD_PATH_RE = /^[A-Za-z_][\w-]{0,99}(\.[A-Za-z_][\w-]{0,99}){0,3}$/;

/** Local fields the stream fills on create and never overwrites (engine/apply/keep-local.ts). */
const keepLocal = cappedList(
  MAX_KEEP_LOCAL,
  KEEP_LOCAL_MESSAGE,
  yup
    .array()
    .of(
      boundedString(LIMITS.fieldName * 4, FIELD_PATH_MESSAGE)
        .required(FIELD_PATH_MESSAGE)
        .matches(FIELD_PATH_RE, FIELD_PATH_MESSAGE)
    )
    .typeError(KEEP_LOCAL_MESSAGE)
    .nullable()
);

const token = (message: string) => boundedString(LIMITS.token, message).matches(TOKEN_RE, message);

/** The remote type of a subscription: `remoteContentType`, or the local one when empty. */
export const remoteTypeOf = (s: { contentType?: unknown; remoteContentType?: unknown }): unknown =>
  s.remoteContentType === undefined || s.remoteContentType === null || s.remoteContentType === '' ? s.contentType : s.remoteContentType;

export const producerSubscriptionSchema = yup
  .object({
    contentType: boundedString(LIMITS.uid, '${path} must be a content type UID').required('${path} must be a content type UID'),
    remoteContentType: boundedString(LIMITS.uid, REMOTE_UID_MESSAGE)
      .nullable()
      .matches(API_UID_RE, { message: REMOTE_UID_MESSAGE, excludeEmptyString: true }),
    useSameName: yup.boolean().typeError('${path} must be a boolean'),
    unsubscribed: yup.boolean().typeError('${path} must be a boolean'),
    mapping: boundedString(LIMITS.mappingName, '${path} must be a mapping name').nullable(),
    keepLocal,
    condition: conditionField,
    onExit: onExitField,
    /** Read-only (mirrored from the producer): the effective condition's fingerprint. */
    conditionKey: yup.string().nullable(),
    mode: yup.string().oneOf(['apply', 'review', undefined], '${path} must be apply or review'),
    onConflict: yup.string().oneOf(['overwrite', 'hold', undefined], '${path} must be overwrite or hold'),
    /** Read-only (mirrored from the producer); accepted so a saved producer can be sent back as is. */
    status: boundedString(20, '${path} must be one of Pending, Approved, Rejected').oneOf(
      [...SUBSCRIPTION_STATUSES, undefined],
      '${path} must be one of Pending, Approved, Rejected'
    ),
  })
  .noUnknown(true, unknownFields())
  .typeError('${path} must be an object')
  .test('needs-mapping', 'a mapping is needed', function needsMapping(s) {
    if (!s || typeof s.contentType !== 'string') return true;
    const remote = remoteTypeOf(s);
    if (typeof remote !== 'string' || remote === s.contentType || (s.mapping !== undefined && s.mapping !== null && s.mapping !== ''))
      return true;
    return this.createError({ message: `${this.path}: streaming ${remote} into ${s.contentType} needs a mapping` });
  });

const subscriptions = cappedList(
  LIMITS.list,
  PRODUCER_SUBSCRIPTIONS_MESSAGE,
  yup
    .array()
    .of(producerSubscriptionSchema)
    .typeError(PRODUCER_SUBSCRIPTIONS_MESSAGE)
    .required(PRODUCER_SUBSCRIPTIONS_MESSAGE)
    .min(1, PRODUCER_SUBSCRIPTIONS_MESSAGE)
    .test('unique-remote', 'a remote content type is listed twice', function unique(list) {
      const dup = firstDuplicate((list ?? []) as Array<Record<string, unknown>>, (s) => (s && typeof s === 'object' ? remoteTypeOf(s) : s));
      return dup ? this.createError({ message: `subscriptions list ${String(dup.key).slice(0, LIMITS.uid)} twice` }) : true;
    })
);

// ---- Link rule (issue 15.4) ----
const LINK_FROM_MESSAGE = 'linkRule.from must be an http(s) URL: the start of the links to rewrite, e.g. https://hq.example.com';
const LINK_TO_MESSAGE = 'linkRule.to must be an http(s) URL or a path starting with /';
/** Links in rich text and Blocks starting with `from` are written with `to` in its place; null: none. */
export const linkRuleSchema = yup
  .object({
    from: boundedString(LIMITS.url, LINK_FROM_MESSAGE)
      .required(LINK_FROM_MESSAGE)
      .matches(/^https?:\/\/[^\s/?#]+[^\s]*$/i, LINK_FROM_MESSAGE),
    to: boundedString(LIMITS.url, LINK_TO_MESSAGE)
      .required(LINK_TO_MESSAGE)
      .matches(/^(https?:\/\/[^\s/?#]+[^\s]*|\/(?!\/)\S*)$/i, LINK_TO_MESSAGE),
  })
  .noUnknown(true, unknownFields())
  .typeError('linkRule must be an object { from, to } or null')
  .nullable()
  .default(undefined);

const producerShape = (creating: boolean) => ({
  linkRule: linkRuleSchema,
  producerUrl: urlString('producerUrl').required('producerUrl must be a non-empty URL'),
  // Push mode (README "Push mode"): the producer is never called, so it has no token here.
  apiToken: creating
    ? token(API_TOKEN_MESSAGE).when('mode', { is: 'push', then: (t) => t, otherwise: (t) => t.required(API_TOKEN_MESSAGE) })
    : token(API_TOKEN_MESSAGE),
  mode: boundedString(4, 'mode must be pull or push').oneOf(['pull', 'push', undefined], 'mode must be pull or push'),
  callbackToken: token(CALLBACK_TOKEN_MESSAGE).nullable(),
  pullOnly: yup.boolean().typeError('pullOnly must be a boolean'),
  subscriptions,
  subscriberUser: yup
    .number()
    .typeError(SUBSCRIBER_MESSAGE)
    .integer(SUBSCRIBER_MESSAGE)
    .min(1, SUBSCRIBER_MESSAGE)
    .max(2 ** 31 - 1, SUBSCRIBER_MESSAGE)
    .nullable(),
  backfillOnApproval: yup.boolean().typeError('backfillOnApproval must be a boolean'),
});

/** POST /producers. The URL's format (scheme, credentials, query) is checked by normalizeSiteUrl. */
export const createProducerSchema = bodyObject(producerShape(true));

/** PUT /producers/:id: as create, but `apiToken` may be omitted to keep the stored one. */
export const updateProducerSchema = bodyObject(producerShape(false));

/** POST /producers/:id/backfill: all approved types, or one (local or remote UID). */
export const backfillSchema = bodyObject({
  contentType: boundedString(LIMITS.uid, 'contentType must be a content type UID'),
});

/** DELETE /producers/:id?force=true: delete even when the producer cannot be told. */
export const deleteProducerQuerySchema = yup
  .object({
    force: boundedString(5, 'force must be true or false').oneOf(['true', 'false', '', undefined], 'force must be true or false'),
  })
  .noUnknown(true, unknownFields('query parameter'));
