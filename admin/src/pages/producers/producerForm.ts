/**
 * The producer form's draft: how a stored producer becomes editable values, what the admin must
 * fix before a save, and the request body built from the draft.
 */
import { nextRowKey, type SubscriptionRow } from '../../components/SubscriptionsEditor';

import { createProducerSchema, updateProducerSchema } from '../../../../server/src/shared/validation/producers';
import type { EventProducer, ProducerInput } from '../../api/contracts';
import { schemaFormErrors } from '../../utils/errors';
import type { FormErrors } from '../../hooks/useFormDraft';
import type { useT } from '../../hooks/useT';

export interface ProducerForm {
  producerUrl: string;
  /** Empty on edit: keep the stored token. */
  apiToken: string;
  /** Empty: let the plugin mint a scoped callback token. */
  callbackToken: string;
  pullOnly: boolean;
  subscriptions: SubscriptionRow[];
  /** Admin user id (as the select's value) synced writes are made as; null: none. */
  subscriberUser: string | null;
  backfillOnApproval: boolean;
  /** Link rule (issue 15.4): links starting with `linkFrom` get `linkTo` in its place; both empty: none. */
  linkFrom: string;
  linkTo: string;
  /** Push mode (README "Push mode"): the producer sends its pages here; no API token. Chosen on create. */
  mode: 'pull' | 'push';
}

export const EMPTY_PRODUCER_FORM: ProducerForm = {
  producerUrl: '',
  apiToken: '',
  callbackToken: '',
  pullOnly: false,
  subscriptions: [],
  subscriberUser: null,
  backfillOnApproval: true,
  linkFrom: '',
  linkTo: '',
  mode: 'pull',
};

/** A new producer's draft: the admin creating it is its Event Subscriber (as the server defaults). */
export const newProducerForm = (currentUserId: number | undefined): ProducerForm => ({
  ...EMPTY_PRODUCER_FORM,
  subscriberUser: currentUserId === undefined ? null : String(currentUserId),
});

export const toProducerForm = (producer: EventProducer): ProducerForm => ({
  producerUrl: producer.producerUrl,
  apiToken: '',
  callbackToken: '',
  pullOnly: !producer.pushEnabled,
  // A deleted subscriber user is none (the page says so); sending its id back would be refused.
  subscriberUser: producer.subscriberUser === null || producer.subscriberUserMissing ? null : String(producer.subscriberUser),
  backfillOnApproval: producer.backfillOnApproval,
  linkFrom: producer.linkRule?.from ?? '',
  linkTo: producer.linkRule?.to ?? '',
  mode: producer.mode ?? 'pull',
  subscriptions: producer.subscriptions.map((subscription) => ({
    ...subscription,
    key: nextRowKey(),
    remoteContentType: subscription.remoteContentType ?? '',
    keepLocal: (subscription.keepLocal ?? []).join(', '),
    condition: subscription.condition ? JSON.stringify(subscription.condition) : '',
    onExit: subscription.onExit === 'keep' ? 'keep' : 'delete',
    review: subscription.mode === 'review',
    holdConflicts: subscription.onConflict === 'hold',
    savedUnsubscribed: subscription.unsubscribed,
  })),
});

/** `price, seo.metaTitle` -> ['price', 'seo.metaTitle'] (commas or whitespace between paths). */
export const splitPaths = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

/** The JSON text of a requested condition as an object (empty: null; not an object: left to the server's message). */
export const parseCondition = (text: string): Record<string, unknown> | null => {
  if (!text.trim()) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
};

const isJsonObject = (text: string) => {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
};

export const toProducerInput = (form: ProducerForm): ProducerInput => {
  const input: ProducerInput = {
    producerUrl: form.producerUrl.trim(),
    subscriptions: form.subscriptions.map((row) => ({
      contentType: row.contentType,
      remoteContentType: row.remoteContentType.trim() || row.contentType,
      useSameName: row.useSameName,
      unsubscribed: row.unsubscribed,
      mapping: row.mapping,
      keepLocal: splitPaths(row.keepLocal),
      condition: parseCondition(row.condition),
      onExit: row.onExit,
      mode: row.review ? 'review' : 'apply',
      onConflict: row.holdConflicts ? 'hold' : 'overwrite',
    })),
    pullOnly: form.pullOnly,
    subscriberUser: form.subscriberUser === null ? null : Number(form.subscriberUser),
    backfillOnApproval: form.backfillOnApproval,
    linkRule: form.linkFrom.trim() || form.linkTo.trim() ? { from: form.linkFrom.trim(), to: form.linkTo.trim() } : null,
  };
  if (form.apiToken.trim()) input.apiToken = form.apiToken.trim();
  if (form.callbackToken.trim() && !form.pullOnly) input.callbackToken = form.callbackToken.trim();
  return form.mode === 'push' ? toPushInput(input) : input;
};

/** Push mode: never called, so no API token nor callback settings; the server mints the push token (shown once). */
const toPushInput = ({ apiToken: _a, callbackToken: _c, pullOnly: _p, ...input }: ProducerInput): ProducerInput => ({
  ...input,
  mode: 'push',
  backfillOnApproval: false,
});

const isHttpUrl = (text: string) => {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
};

/** What the server would reject anyway, so the admin sees it before a round-trip. */
export const validateProducerForm = (form: ProducerForm, isCreate: boolean, t: ReturnType<typeof useT>): FormErrors => {
  const found: FormErrors = {};
  const required = t('validation.required', 'This value is required.');
  const url = form.producerUrl.trim();
  if (!url) found.producerUrl = required;
  else if (!isHttpUrl(url)) found.producerUrl = t('validation.url', 'Enter an http:// or https:// URL.');
  if (isCreate && form.mode !== 'push' && !form.apiToken.trim()) found.apiToken = required;
  if (form.subscriptions.length === 0) found.subscriptions = t('validation.subscriptions', 'Subscribe to at least one content type.');
  const seen = new Set<string>();
  form.subscriptions.forEach((row, index) => {
    if (!row.contentType) found[`subscriptions.${index}.contentType`] = required;
    else if (seen.has(row.contentType)) {
      found[`subscriptions.${index}.contentType`] = t('validation.duplicateType', 'This content type is already subscribed.');
    }
    seen.add(row.contentType);
    if (row.condition.trim() && !isJsonObject(row.condition))
      found[`subscriptions.${index}.condition`] = t('validation.condition', 'Enter a JSON object (Strapi filters), or nothing.');
  });
  // Then the server's own rules, from the schema it validates the body with. A bad kept-local
  // path (`subscriptions.0.keepLocal.1`) is shown on its row's one text field.
  const errors = schemaFormErrors(isCreate ? createProducerSchema : updateProducerSchema, toProducerInput(form), found);
  for (const [key, message] of Object.entries(errors)) {
    const field = /^(subscriptions\.\d+\.keepLocal)\.\d+$/.exec(key)?.[1];
    if (field && !errors[field]) errors[field] = message;
  }
  // The link rule's two parts are two fields of the form.
  if (errors['linkRule.from'] && !errors.linkFrom) errors.linkFrom = errors['linkRule.from'];
  if (errors['linkRule.to'] && !errors.linkTo) errors.linkTo = errors['linkRule.to'];
  return errors;
};
