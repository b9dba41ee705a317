/**
 * Producer side, admin API: PUT /consumers/:id/subscriptions (approve / reject). Whether the
 * consumer subscribed to each type is checked by the service afterwards.
 */
import * as yup from 'yup';
import { bodyObject, boundedString, cappedList, firstDuplicate, LIMITS, SUBSCRIPTION_STATUSES, unknownFields } from './common';
import { conditionField } from './condition';

export const CONSUMER_SUBSCRIPTIONS_MESSAGE = 'subscriptions must be a non-empty list of {contentType, status} (at most 200)';
const STATUS_MESSAGE = `\${path} must be one of ${SUBSCRIPTION_STATUSES.join(', ')}`;

export const consumerSubscriptionStatusSchema = yup
  .object({
    contentType: boundedString(LIMITS.uid, '${path} is required (a content type UID)').required('${path} is required'),
    status: boundedString(20, STATUS_MESSAGE)
      .required(STATUS_MESSAGE)
      .oneOf([...SUBSCRIPTION_STATUSES], STATUS_MESSAGE),
    condition: conditionField,
  })
  .noUnknown(true, unknownFields())
  .typeError('${path} must be an object {contentType, status}');

export const setConsumerSubscriptionsSchema = bodyObject({
  subscriptions: cappedList(
    LIMITS.list,
    CONSUMER_SUBSCRIPTIONS_MESSAGE,
    yup
      .array()
      .of(consumerSubscriptionStatusSchema)
      .typeError(CONSUMER_SUBSCRIPTIONS_MESSAGE)
      .required(CONSUMER_SUBSCRIPTIONS_MESSAGE)
      .min(1, CONSUMER_SUBSCRIPTIONS_MESSAGE)
      .test('unique', 'a content type is listed twice', function unique(list) {
        const dup = firstDuplicate((list ?? []) as Array<{ contentType?: unknown } | null>, (s) => s?.contentType);
        return dup ? this.createError({ message: `subscriptions list ${String(dup.key).slice(0, LIMITS.uid)} twice` }) : true;
      })
  ),
});

/** POST /consumers/count-matching (conditions, issue 14). */
export const countMatchingSchema = bodyObject({
  contentType: boundedString(LIMITS.uid, 'contentType is required (a content type UID)').required('contentType is required'),
  condition: conditionField,
});
