import * as React from 'react';
import { Alert, Box, Button, Field, Flex, Grid, Toggle, TextInput, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useNavigate, useParams } from 'react-router-dom';

import { useApi, type EventProducer, type ProducerInput } from '../api';
import { BackfillModal } from '../components/BackfillModal';
import { ProducerHealth } from '../components/ProducerHealth';
import { ErrorState, LoadingState } from '../components/States';
import { nextRowKey, SubscriptionsEditor, type SubscriptionRow } from '../components/SubscriptionsEditor';
import { ABSOLUTE_PLUGIN_PATH } from '../constants';
import { useContentTypes } from '../hooks/useContentTypes';
import { useNotify } from '../hooks/useNotify';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { useRequest } from '../hooks/useRequest';
import { getErrorMessage, getValidationErrors } from '../utils/errors';
import { getTrad } from '../utils/getTrad';

interface FormState {
  producerUrl: string;
  /** Empty on edit: keep the stored token. */
  apiToken: string;
  /** Empty: let the plugin mint a scoped callback token. */
  callbackToken: string;
  pullOnly: boolean;
  subscriptions: SubscriptionRow[];
}

const EMPTY_FORM: FormState = {
  producerUrl: '',
  apiToken: '',
  callbackToken: '',
  pullOnly: false,
  subscriptions: [],
};

const toForm = (producer: EventProducer): FormState => ({
  producerUrl: producer.producerUrl,
  apiToken: '',
  callbackToken: '',
  pullOnly: !producer.pushEnabled,
  subscriptions: producer.subscriptions.map((subscription) => ({
    key: nextRowKey(),
    contentType: subscription.contentType,
    remoteContentType: subscription.remoteContentType ?? '',
    useSameName: subscription.useSameName,
    unsubscribed: subscription.unsubscribed,
    mapping: subscription.mapping,
    status: subscription.status,
  })),
});

const toInput = (form: FormState): ProducerInput => {
  const input: ProducerInput = {
    producerUrl: form.producerUrl.trim(),
    subscriptions: form.subscriptions.map((row) => ({
      contentType: row.contentType,
      remoteContentType: row.remoteContentType.trim() || row.contentType,
      useSameName: row.useSameName,
      unsubscribed: row.unsubscribed,
      mapping: row.mapping,
    })),
    pullOnly: form.pullOnly,
  };
  if (form.apiToken.trim()) input.apiToken = form.apiToken.trim();
  if (form.callbackToken.trim() && !form.pullOnly) input.callbackToken = form.callbackToken.trim();
  return input;
};

/** Create or edit an Event Producer (`/producers/create`, `/producers/:id`). */
export const ProducerEditPage = () => {
  const { id } = useParams<{ id: string }>();
  const isCreate = id === undefined;
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const api = useApi();
  const notify = useNotify();
  const { canConfigureProducers, canResync } = usePluginPermissions();

  const producerRequest = useRequest(() => api.getProducer(id ?? ''), [api, id], !isCreate);
  const { contentTypes, isLoading: isLoadingTypes, error: typesError } = useContentTypes();
  const mappingsRequest = useRequest(() => api.listMappings(), [api]);

  const [form, setForm] = React.useState<FormState>(EMPTY_FORM);
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const [formError, setFormError] = React.useState<string | null>(null);
  const [isSaving, setIsSaving] = React.useState(false);
  const [isPulling, setIsPulling] = React.useState(false);
  const [backfillOpen, setBackfillOpen] = React.useState(false);

  const producer = producerRequest.data;
  React.useEffect(() => {
    if (producer) setForm(toForm(producer));
  }, [producer]);

  const t = (key: string, defaultMessage: string, values?: Record<string, string | number>) =>
    formatMessage({ id: getTrad(key), defaultMessage }, values);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm((prev) => ({ ...prev, [key]: value }));
    if (errors[key]) setErrors(({ [key]: _removed, ...rest }) => rest);
  };

  /** Checks what the server would reject anyway, so the admin sees it before a round-trip. */
  const validate = (): Record<string, string> => {
    const found: Record<string, string> = {};
    const url = form.producerUrl.trim();
    if (!url) {
      found.producerUrl = t('validation.required', 'This value is required.');
    } else {
      try {
        const parsed = new URL(url);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
      } catch {
        found.producerUrl = t('validation.url', 'Enter an http:// or https:// URL.');
      }
    }
    if (isCreate && !form.apiToken.trim()) found.apiToken = t('validation.required', 'This value is required.');
    if (form.subscriptions.length === 0) {
      found.subscriptions = t('validation.subscriptions', 'Subscribe to at least one content type.');
    }
    const seen = new Set<string>();
    form.subscriptions.forEach((row, index) => {
      if (!row.contentType) {
        found[`subscriptions.${index}.contentType`] = t('validation.required', 'This value is required.');
      } else if (seen.has(row.contentType)) {
        found[`subscriptions.${index}.contentType`] = t('validation.duplicateType', 'This content type is already subscribed.');
      }
      seen.add(row.contentType);
    });
    return found;
  };

  const handleSave = async () => {
    const found = validate();
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return;
    setIsSaving(true);
    try {
      const input = toInput(form);
      const saved = isCreate ? await api.createProducer(input) : await api.updateProducer(id, input);
      notify.success(
        isCreate
          ? t('producers.form.created', 'Producer saved and registered. Its admin must now approve each content type.')
          : t('producers.form.saved', 'Producer saved.')
      );
      if (isCreate) {
        navigate(`${ABSOLUTE_PLUGIN_PATH}/producers/${saved.id}`, { replace: true });
      } else {
        setForm(toForm(saved));
        await producerRequest.refetch();
      }
    } catch (err) {
      setErrors(getValidationErrors(err));
      setFormError(getErrorMessage(err, t('common.error', 'Whoops! Something went wrong. Please, try again.')));
      notify.error(err);
    } finally {
      setIsSaving(false);
    }
  };

  const handlePull = async () => {
    if (!producer) return;
    setIsPulling(true);
    try {
      notify.pullResult(await api.pullProducer(producer.id));
    } catch (err) {
      notify.error(err);
    } finally {
      setIsPulling(false);
      await producerRequest.refetch();
    }
  };

  const title = isCreate
    ? t('producers.form.createTitle', 'Add a producer')
    : (producer?.producerUrl ?? t('producers.form.editTitle', 'Edit producer'));
  const readOnly = !canConfigureProducers;

  const renderBody = () => {
    if ((!isCreate && producerRequest.isLoading) || isLoadingTypes) return <LoadingState />;
    if (!isCreate && producerRequest.error && !producer) {
      return <ErrorState error={producerRequest.error} onRetry={producerRequest.refetch} />;
    }
    return (
      <Flex direction="column" alignItems="stretch" gap={6}>
        {formError ? (
          <Alert
            variant="danger"
            closeLabel={t('common.close', 'Close')}
            title={t('producers.form.saveFailed', 'Not saved')}
            onClose={() => setFormError(null)}
          >
            {formError}
          </Alert>
        ) : null}
        {typesError ? (
          <Alert
            variant="warning"
            closeLabel={t('common.close', 'Close')}
            title={t('producers.form.typesFailed', 'Content types unavailable')}
          >
            {getErrorMessage(typesError, t('common.error', 'Whoops! Something went wrong. Please, try again.'))}
          </Alert>
        ) : null}
        {producer ? (
          <ProducerHealth
            producer={producer}
            canAct={canResync}
            isPulling={isPulling}
            onPull={handlePull}
            onBackfill={() => setBackfillOpen(true)}
          />
        ) : null}
        <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Typography variant="delta" tag="h2">
              {t('producers.form.connection', 'Connection')}
            </Typography>
            <Grid.Root gap={4}>
              <Grid.Item col={12} direction="column" alignItems="stretch">
                <Field.Root
                  name="producerUrl"
                  required
                  error={errors.producerUrl}
                  hint={t('producers.form.producerUrl.hint', 'Base URL of the producer site, e.g. https://hq.example.com')}
                >
                  <Field.Label>{t('producers.form.producerUrl', 'Producer URL')}</Field.Label>
                  <TextInput
                    type="url"
                    placeholder="https://"
                    value={form.producerUrl}
                    disabled={readOnly}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('producerUrl', e.target.value)}
                  />
                  <Field.Error />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root
                  name="apiToken"
                  required={isCreate}
                  error={errors.apiToken}
                  hint={
                    isCreate
                      ? t(
                          'producers.form.apiToken.hint',
                          "An API token created on the producer (Settings → API Tokens) with this plugin's stream permissions."
                        )
                      : t('producers.form.apiToken.keepHint', 'Stored: {hint}. Leave empty to keep it.', {
                          hint: producer?.apiTokenHint ?? '••••',
                        })
                  }
                >
                  <Field.Label>{t('producers.form.apiToken', "Producer's API token")}</Field.Label>
                  <TextInput
                    type="password"
                    autoComplete="new-password"
                    value={form.apiToken}
                    disabled={readOnly}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('apiToken', e.target.value)}
                  />
                  <Field.Error />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root
                  name="callbackToken"
                  error={errors.callbackToken}
                  hint={
                    producer?.callbackTokenHint
                      ? t('producers.form.callbackToken.keepHint', 'Stored: {hint}. Leave empty to keep it.', {
                          hint: producer.callbackTokenHint,
                        })
                      : t(
                          'producers.form.callbackToken.hint',
                          'Optional: a token of this site the producer uses to notify it. Left empty, a token limited to notifications is created.'
                        )
                  }
                >
                  <Field.Label>{t('producers.form.callbackToken', 'Callback token (this site)')}</Field.Label>
                  <TextInput
                    type="password"
                    autoComplete="new-password"
                    value={form.callbackToken}
                    disabled={readOnly || form.pullOnly}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('callbackToken', e.target.value)}
                  />
                  <Field.Error />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <Field.Root
                  name="pullOnly"
                  hint={t(
                    'producers.form.pullOnly.hint',
                    'For a site the producer cannot reach (behind NAT, offline): no notifications, this site pulls on its schedule.'
                  )}
                >
                  <Field.Label>{t('producers.form.pullOnly', 'Pull only')}</Field.Label>
                  <Toggle
                    onLabel={t('common.yes', 'Yes')}
                    offLabel={t('common.no', 'No')}
                    checked={form.pullOnly}
                    disabled={readOnly}
                    onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('pullOnly', e.target.checked)}
                  />
                  <Field.Hint />
                </Field.Root>
              </Grid.Item>
            </Grid.Root>
          </Flex>
        </Box>
        <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Flex direction="column" alignItems="flex-start" gap={1}>
              <Typography variant="delta" tag="h2">
                {t('producers.form.subscriptions', 'Subscriptions')}
              </Typography>
              <Typography variant="pi" textColor="neutral600">
                {t(
                  'producers.form.subscriptions.hint',
                  "Each content type streams once the producer's admin approves it. Use same name keeps the producer's documentId here; a mapping translates differently shaped types."
                )}
              </Typography>
            </Flex>
            <SubscriptionsEditor
              rows={form.subscriptions}
              onChange={(rows) => set('subscriptions', rows)}
              contentTypes={contentTypes}
              mappings={mappingsRequest.data ?? []}
              errors={errors}
              disabled={readOnly}
            />
          </Flex>
        </Box>
      </Flex>
    );
  };

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        navigationAction={<BackButton fallback={`${ABSOLUTE_PLUGIN_PATH}/producers`} />}
        title={title}
        subtitle={
          isCreate
            ? t('producers.form.createSubtitle', 'Saving registers this site on the producer; every content type starts as Pending.')
            : t('producers.form.editSubtitle', 'Saving registers the changes on the producer again.')
        }
        primaryAction={
          canConfigureProducers ? (
            <Button startIcon={<Check />} loading={isSaving} onClick={handleSave}>
              {t('common.save', 'Save')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>{renderBody()}</Layouts.Content>
      {producer ? (
        <BackfillModal producer={backfillOpen ? producer : null} onClose={() => setBackfillOpen(false)} onDone={producerRequest.refetch} />
      ) : null}
    </Page.Main>
  );
};
