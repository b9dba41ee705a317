import * as React from 'react';
import { Grid } from '@strapi/design-system';
import { useNavigate, useParams } from 'react-router-dom';

import { useContentTypes, useMappingsQuery, useProducerQuery, usePullProducerMutation, useSaveProducerMutation } from '../../api/hooks';
import { BackfillModal } from '../../components/BackfillModal';
import { FormGate, FormLayout } from '../../components/form/FormLayout';
import { FormSection } from '../../components/form/FormSection';
import { TextField, ToggleField } from '../../components/form/fields';
import { ProducerHealth } from '../../components/ProducerHealth';
import { SubscriptionsEditor } from '../../components/SubscriptionsEditor';
import { ABSOLUTE_PLUGIN_PATH } from '../../constants';
import { useFormDraft } from '../../hooks/useFormDraft';
import { useNotify } from '../../hooks/useNotify';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useT } from '../../hooks/useT';

import { EMPTY_PRODUCER_FORM, toProducerForm, toProducerInput, validateProducerForm } from './producerForm';

import type { EventProducer } from '../../api/contracts';

const BACK_TO = `${ABSOLUTE_PLUGIN_PATH}/producers`;

const usePageText = (id: string | undefined, producer: EventProducer | undefined) => {
  const t = useT();
  return {
    title:
      id === undefined
        ? t('producers.form.createTitle', 'Add a producer')
        : (producer?.producerUrl ?? t('producers.form.editTitle', 'Edit producer')),
    subtitle:
      id === undefined
        ? t('producers.form.createSubtitle', 'Saving registers this site on the producer; every content type starts as Pending.')
        : t('producers.form.editSubtitle', 'Saving registers the changes on the producer again.'),
  };
};

interface ProducerFormProps {
  /** Undefined: the create form. */
  id: string | undefined;
  /** The stored producer (live from the cache); the draft is seeded from it once. */
  producer: EventProducer | undefined;
  typesError: unknown;
}

/** The producer's health and the form; mounted once the producer is loaded, so the draft starts from it. */
const ProducerForm = ({ id, producer, typesError }: ProducerFormProps) => {
  const t = useT();
  const navigate = useNavigate();
  const notify = useNotify();
  const { canConfigureProducers, canResync } = usePluginPermissions();
  const { contentTypes } = useContentTypes();
  const mappings = useMappingsQuery();
  const save = useSaveProducerMutation();
  const pull = usePullProducerMutation();
  const draft = useFormDraft(() => (producer ? toProducerForm(producer) : EMPTY_PRODUCER_FORM));
  const [backfillOpen, setBackfillOpen] = React.useState(false);
  const { form, set, errors } = draft;
  const readOnly = !canConfigureProducers;
  const isCreate = id === undefined;
  const text = usePageText(id, producer);

  const handleSave = () =>
    draft.submit(
      (values) => validateProducerForm(values, isCreate, t),
      async (values) => {
        const saved = await save.mutateAsync({ id, body: toProducerInput(values) });
        if (isCreate) {
          notify.success(t('producers.form.created', 'Producer saved and registered. Its admin must now approve each content type.'));
          navigate(`${BACK_TO}/${saved.id}`, { replace: true });
        } else {
          notify.success(t('producers.form.saved', 'Producer saved.'));
          draft.setForm(toProducerForm(saved));
        }
      }
    );

  const handlePull = (target: EventProducer) =>
    pull.mutate(target.id, { onSuccess: (result) => notify.pullResult(result), onError: (err) => notify.error(err) });

  return (
    <FormLayout
      {...text}
      backTo={BACK_TO}
      onSave={canConfigureProducers ? handleSave : undefined}
      isSaving={save.isPending}
      saveError={draft.saveError}
      onDismissSaveError={draft.dismissSaveError}
      typesError={typesError}
      overlays={producer && backfillOpen ? <BackfillModal producer={producer} onClose={() => setBackfillOpen(false)} /> : null}
    >
      {producer ? (
        <ProducerHealth
          producer={producer}
          canAct={canResync}
          isPulling={pull.isPending}
          onPull={() => handlePull(producer)}
          onBackfill={() => setBackfillOpen(true)}
        />
      ) : null}
      <FormSection title={t('producers.form.connection', 'Connection')}>
        <Grid.Root gap={4}>
          <Grid.Item col={12} direction="column" alignItems="stretch">
            <TextField
              name="producerUrl"
              label={t('producers.form.producerUrl', 'Producer URL')}
              hint={t('producers.form.producerUrl.hint', 'Base URL of the producer site, e.g. https://hq.example.com')}
              required
              type="url"
              placeholder="https://"
              value={form.producerUrl}
              error={errors.producerUrl}
              disabled={readOnly}
              onChange={(value) => set('producerUrl', value)}
            />
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <TextField
              name="apiToken"
              label={t('producers.form.apiToken', "Producer's API token")}
              hint={
                isCreate
                  ? t(
                      'producers.form.apiToken.hint',
                      "An API token created on the producer (Settings → API Tokens) with this plugin's stream permissions."
                    )
                  : t('producers.form.tokenKeepHint', 'Stored: {hint}. Leave empty to keep it.', { hint: producer?.apiTokenHint ?? '••••' })
              }
              required={isCreate}
              type="password"
              autoComplete="new-password"
              value={form.apiToken}
              error={errors.apiToken}
              disabled={readOnly}
              onChange={(value) => set('apiToken', value)}
            />
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <TextField
              name="callbackToken"
              label={t('producers.form.callbackToken', 'Callback token (this site)')}
              hint={
                producer?.callbackTokenHint
                  ? t('producers.form.tokenKeepHint', 'Stored: {hint}. Leave empty to keep it.', { hint: producer.callbackTokenHint })
                  : t(
                      'producers.form.callbackToken.hint',
                      'Optional: a token of this site the producer uses to notify it. Left empty, a token limited to notifications is created.'
                    )
              }
              type="password"
              autoComplete="new-password"
              value={form.callbackToken}
              error={errors.callbackToken}
              disabled={readOnly || form.pullOnly}
              onChange={(value) => set('callbackToken', value)}
            />
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <ToggleField
              name="pullOnly"
              label={t('producers.form.pullOnly', 'Pull only')}
              hint={t(
                'producers.form.pullOnly.hint',
                'For a site the producer cannot reach (behind NAT, offline): no notifications, this site pulls on its schedule.'
              )}
              onLabel={t('common.yes', 'Yes')}
              offLabel={t('common.no', 'No')}
              checked={form.pullOnly}
              disabled={readOnly}
              onChange={(checked) => set('pullOnly', checked)}
            />
          </Grid.Item>
        </Grid.Root>
      </FormSection>
      <FormSection
        title={t('producers.form.subscriptions', 'Subscriptions')}
        hint={t(
          'producers.form.subscriptions.hint',
          "Each content type streams once the producer's admin approves it. Use same name keeps the producer's documentId here; a mapping translates differently shaped types."
        )}
      >
        <SubscriptionsEditor
          rows={form.subscriptions}
          onChange={(rows) => set('subscriptions', rows)}
          contentTypes={contentTypes}
          mappings={mappings.data ?? []}
          errors={errors}
          disabled={readOnly}
        />
      </FormSection>
    </FormLayout>
  );
};

/** Create or edit an Event Producer (`/producers/create`, `/producers/:id`). */
export const ProducerEditPage = () => {
  const { id } = useParams<{ id: string }>();
  const producer = useProducerQuery(id);
  const types = useContentTypes();
  const text = usePageText(id, producer.data);
  return (
    <FormGate {...text} backTo={BACK_TO} record={producer} isLoading={types.isLoading}>
      {/* A new key (create → saved id) mounts a new form, seeded from that producer. */}
      {() => <ProducerForm key={id ?? 'create'} id={id} producer={producer.data} typesError={types.error} />}
    </FormGate>
  );
};
