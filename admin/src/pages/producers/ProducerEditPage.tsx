import * as React from 'react';
import { Alert } from '@strapi/design-system';
import { useAuth } from '@strapi/strapi/admin';

import {
  useAdminUsersQuery,
  useContentTypes,
  useMappingsQuery,
  useProducerQuery,
  usePullProducerMutation,
  useSaveProducerMutation,
} from '../../api/hooks';
import { BackfillModal } from '../../components/BackfillModal';
import { SelectField, TextField, ToggleField } from '../../components/form/fields';
import { createEditPage, FormLayout, type EditFormProps } from '../../components/form/FormLayout';
import { FormGrid, FormSection, type SectionText } from '../../components/form/FormSection';
import { ProducerHealth } from '../../components/ProducerHealth';
import { ProducerSchemaCheckPanel } from '../../components/SchemaCheckPanel';
import { StreamCharts } from '../../components/charts/StreamCharts';
import { SubscriptionsEditor } from '../../components/SubscriptionsEditor';
import { ABSOLUTE_PLUGIN_PATH } from '../../constants';
import { useEditForm } from '../../hooks/useEditForm';
import { useNotify } from '../../hooks/useNotify';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useT } from '../../hooks/useT';

import { BackfillProgress } from './BackfillProgress';
import { CatchUpProgress } from './CatchUpProgress';
import { PushConnectionField, usePushSave } from './PushConnection';
import { newProducerForm, toProducerForm, toProducerInput, validateProducerForm } from './producerForm';

import type { AdminUser, EventProducer } from '../../api/contracts';

const BACK_TO = `${ABSOLUTE_PLUGIN_PATH}/producers`;

const useProducerText = (id: string | undefined, producer: EventProducer | undefined) => {
  const t = useT();
  if (id === undefined) {
    return {
      title: t('producers.form.createTitle', 'Add a producer'),
      subtitle: t('producers.form.createSubtitle', 'Saving registers this site on the producer; every content type starts as Pending.'),
    };
  }
  return {
    title: producer?.producerUrl ?? t('producers.form.editTitle', 'Edit producer'),
    subtitle: t('producers.form.editSubtitle', 'Saving registers the changes on the producer again.'),
  };
};

const SUBSCRIPTIONS: SectionText = {
  title: ['producers.form.subscriptions', 'Subscriptions'],
  hint: [
    'producers.form.subscriptions.hint',
    "Each content type streams once the producer's admin approves it. Use same name keeps the producer's documentId here; a mapping translates differently shaped types.",
  ],
};

const FIELDS = {
  producerUrl: ['Producer URL', 'Base URL of the producer site, e.g. https://hq.example.com'],
  apiToken: ["Producer's API token", "An API token created on the producer (Settings → API Tokens) with this plugin's stream permissions."],
  callbackToken: [
    'Callback token (this site)',
    'Optional: a token of this site the producer uses to notify it. Left empty, a token limited to notifications is created.',
  ],
  pullOnly: ['Pull only', 'For a site the producer cannot reach (behind NAT, offline): no notifications, this site pulls on its schedule.'],
  subscriberUser: [
    'Event Subscriber',
    'The admin user synced documents are created and updated as (their "Created by" / "Last update by" in the Content Manager).',
  ],
  backfillOnApproval: [
    'Back-fill on approval',
    'When the producer approves a content type, copy the documents it already holds (resumable; progress shown above).',
  ],
  linkFrom: [
    'Rewrite links starting with',
    "Links in rich text and Blocks that start with this URL (the producer's public site) are rewritten. Images and files written inline are copied here either way.",
  ],
  linkTo: ['…to start with', 'What replaces that start on this site, e.g. https://branch.example.com or /'],
  mode: [
    'Connection',
    'Pull: this site calls the producer (needs its URL and an API token). Push: the producer is behind NAT and sends its documents to this site; you get a push token to give its admin.',
  ],
} as const;

const SYNCING: SectionText = { title: ['producers.form.syncing', 'Synced writes'] };

const userLabel = (u: AdminUser) => {
  const name = [u.firstname, u.lastname].filter(Boolean).join(' ') || u.username;
  return name ? `${name} (${u.email})` : u.email;
};

/** The producer's health and the form; mounted once the producer is loaded, so the draft starts from it. */
const ProducerForm = ({ id, record: producer, typesError }: EditFormProps<EventProducer>) => {
  const t = useT();
  const notify = useNotify();
  const { canConfigureProducers, canResync } = usePluginPermissions();
  const { contentTypes } = useContentTypes();
  const mappings = useMappingsQuery();
  const pull = usePullProducerMutation();
  const save = usePushSave(useSaveProducerMutation(), id === undefined ? undefined : Number(id));
  const pageText = useProducerText(id, producer);
  const [backfillOpen, setBackfillOpen] = React.useState(false);
  const me = useAuth('ProducerForm', (state) => state.user?.id);
  const users = useAdminUsersQuery(canConfigureProducers);
  const { form, set, errors, field, text, layout } = useEditForm({
    id,
    record: producer,
    empty: newProducerForm(me === undefined ? undefined : Number(me)),
    toForm: toProducerForm,
    validate: (values) => validateProducerForm(values, id === undefined, t),
    toBody: toProducerInput,
    save,
    basePath: BACK_TO,
    savedMessage: (created) =>
      created
        ? t('producers.form.created', 'Producer saved and registered. Its admin must now approve each content type.')
        : t('producers.form.saved', 'Producer saved.'),
    canSave: canConfigureProducers,
    texts: { prefix: 'producers.form', fields: FIELDS },
  });
  const isPush = form.mode === 'push';
  const { pushTokenDialog } = save;
  /** On edit, a token field says which token is stored and that leaving it empty keeps it. */
  const keepHint = (hint: string | null | undefined) =>
    hint && id !== undefined ? t('producers.form.tokenKeepHint', 'Stored: {hint}. Leave empty to keep it.', { hint }) : undefined;

  return (
    <FormLayout
      {...pageText}
      backTo={BACK_TO}
      {...layout}
      typesError={typesError}
      overlays={
        <>
          {producer && backfillOpen ? <BackfillModal producer={producer} onClose={() => setBackfillOpen(false)} /> : null}
          {pushTokenDialog}
        </>
      }
    >
      {producer ? (
        <ProducerHealth
          producer={producer}
          // A push-mode producer is never called: no Pull now, no Back-fill (the server answers 409).
          canAct={canResync && producer.mode !== 'push'}
          isPulling={pull.isPending}
          onPull={() => pull.mutate(producer.id, { onSuccess: notify.pullResult, onError: notify.error })}
          onBackfill={() => setBackfillOpen(true)}
        />
      ) : null}
      {producer ? <BackfillProgress producer={producer} /> : null}
      {producer ? <CatchUpProgress producer={producer} /> : null}
      {/* A push-mode producer is never called, so it cannot be asked for its schema. */}
      {producer && producer.mode !== 'push' ? <ProducerSchemaCheckPanel producerId={producer.id} /> : null}
      {producer?.subscriberUserMissing ? (
        <Alert
          variant="warning"
          closeLabel={t('common.close', 'Close')}
          title={t('producers.form.subscriberMissing.title', 'Event Subscriber deleted')}
        >
          {t(
            'producers.form.subscriberMissing',
            'The admin user synced writes were made as (id {id}) no longer exists: synced documents are now created and updated by nobody. Choose another Event Subscriber and save.',
            { id: producer.subscriberUser ?? '' }
          )}
        </Alert>
      ) : null}
      {producer ? <StreamCharts peer="producer" id={producer.id} /> : null}
      <FormSection text={{ title: ['producers.form.connection', 'Connection'] }}>
        <PushConnectionField field={field('mode')} isCreate={id === undefined} value={form.mode} onChange={(mode) => set('mode', mode)} />
        {isPush ? (
          <FormGrid cols={[12]}>
            {[
              <TextField
                key="producerUrl"
                {...text(
                  'producerUrl',
                  t(
                    'producers.form.producerUrl.pushHint',
                    'Base URL of the producer site, e.g. https://hq.example.com. It names the producer; this site never calls it.'
                  )
                )}
                required
                type="url"
                placeholder="https://"
              />,
            ]}
          </FormGrid>
        ) : (
          <FormGrid cols={[12, 6, 6, 6]}>
            <TextField {...text('producerUrl')} required type="url" placeholder="https://" />
            <TextField
              {...text(
                'apiToken',
                id === undefined
                  ? undefined
                  : t(
                      'producers.form.apiToken.rotateHint',
                      'Stored: {hint}. Leave empty to keep it. A new token replaces it: this site registers again presenting the stored one as proof, so approvals and the cursor are kept.',
                      { hint: producer?.apiTokenHint ?? '••••' }
                    )
              )}
              required={id === undefined}
              type="password"
              autoComplete="new-password"
            />
            <TextField
              {...text('callbackToken', keepHint(producer?.callbackTokenHint))}
              type="password"
              autoComplete="new-password"
              disabled={!canConfigureProducers || form.pullOnly}
            />
            <ToggleField
              {...field('pullOnly')}
              onLabel={t('common.yes', 'Yes')}
              offLabel={t('common.no', 'No')}
              checked={form.pullOnly}
              onChange={(checked) => set('pullOnly', checked)}
            />
          </FormGrid>
        )}
      </FormSection>
      <FormSection text={SYNCING}>
        <FormGrid cols={isPush ? [6] : [6, 6, 6, 6]}>
          {[
            <SelectField
              key="subscriberUser"
              {...field(
                'subscriberUser',
                users.error
                  ? t('producers.form.subscriberUser.unlisted', 'The admin users could not be listed (Users: read permission).')
                  : undefined
              )}
              value={form.subscriberUser}
              noneLabel={t('producers.form.subscriberUser.none', 'None')}
              options={(users.data ?? []).map((u) => ({ value: String(u.id), label: userLabel(u) }))}
              onChange={(value) => set('subscriberUser', value)}
            />,
            // Push mode: no back-fill (it lists the producer's documents) and no link rule (not stored).
            ...(isPush
              ? []
              : [
                  <ToggleField
                    key="backfillOnApproval"
                    {...field('backfillOnApproval')}
                    onLabel={t('common.yes', 'Yes')}
                    offLabel={t('common.no', 'No')}
                    checked={form.backfillOnApproval}
                    onChange={(checked) => set('backfillOnApproval', checked)}
                  />,
                  <TextField key="linkFrom" {...text('linkFrom')} type="url" placeholder="https://" />,
                  <TextField key="linkTo" {...text('linkTo')} placeholder="https:// or /" />,
                ]),
          ]}
        </FormGrid>
      </FormSection>
      <FormSection text={SUBSCRIPTIONS}>
        <SubscriptionsEditor
          rows={form.subscriptions}
          onChange={(rows) => set('subscriptions', rows)}
          contentTypes={contentTypes}
          mappings={mappings.data ?? []}
          errors={errors}
          disabled={!canConfigureProducers}
        />
      </FormSection>
    </FormLayout>
  );
};

/** Create or edit an Event Producer (`/producers/create`, `/producers/:id`). */
export const ProducerEditPage = createEditPage({
  useRecord: useProducerQuery,
  useText: useProducerText,
  backTo: BACK_TO,
  Form: ProducerForm,
});
