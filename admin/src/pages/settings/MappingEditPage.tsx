import { Grid, Typography } from '@strapi/design-system';
import { useNavigate, useParams } from 'react-router-dom';

import { useContentTypes, useMappingQuery, useMappingsQuery, useSaveMappingMutation } from '../../api/hooks';
import { FieldMappingsEditor } from '../../components/FieldMappingsEditor';
import { FormGate, FormLayout } from '../../components/form/FormLayout';
import { FormSection } from '../../components/form/FormSection';
import { SelectField, TextField } from '../../components/form/fields';
import { ABSOLUTE_SETTINGS_PATH } from '../../constants';
import { useFormDraft } from '../../hooks/useFormDraft';
import { useNotify } from '../../hooks/useNotify';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useT } from '../../hooks/useT';

import { EMPTY_MAPPING_FORM, toMappingForm, toMappingInput, validateMappingForm } from './mappingForm';

import type { DocumentTypeMapping } from '../../api/contracts';

const usePageText = (id: string | undefined, mapping: DocumentTypeMapping | undefined) => {
  const t = useT();
  return {
    title:
      id === undefined
        ? t('mappings.form.createTitle', 'Add a mapping')
        : (mapping?.mappingName ?? t('mappings.form.editTitle', 'Edit mapping')),
    subtitle: t('mappings.form.subtitle', 'Remote field → local field, with defaults and nested mappings.'),
  };
};

interface MappingFormProps {
  /** Undefined: the create form. */
  id: string | undefined;
  /** The stored mapping; the draft is seeded from it once. */
  mapping: DocumentTypeMapping | undefined;
  typesError: unknown;
}

/** The mapping form; mounted once the mapping is loaded, so the draft starts from it. */
const MappingFormView = ({ id, mapping, typesError }: MappingFormProps) => {
  const t = useT();
  const navigate = useNavigate();
  const notify = useNotify();
  const { canConfigureMappings } = usePluginPermissions();
  const { contentTypes, byUid } = useContentTypes();
  const allMappings = useMappingsQuery();
  const save = useSaveMappingMutation();
  const draft = useFormDraft(() => (mapping ? toMappingForm(mapping) : EMPTY_MAPPING_FORM));
  const { form, set, errors } = draft;
  const attributes = byUid.get(form.localContentType)?.attributes ?? [];
  const readOnly = !canConfigureMappings;
  const text = usePageText(id, mapping);

  const handleLocalType = (uid: string | null) => {
    const local = uid ?? '';
    // Keep the remote type in step with the local one until the admin types a different one.
    if (!form.remoteContentType || form.remoteContentType === form.localContentType) set('remoteContentType', local);
    set('localContentType', local);
  };

  const handleSave = () =>
    draft.submit(
      (values) => validateMappingForm(values, t),
      async (values) => {
        const saved = await save.mutateAsync({ id, body: toMappingInput(values, attributes) });
        notify.success(t('mappings.form.saved', 'Mapping saved.'));
        if (id === undefined) navigate(`${ABSOLUTE_SETTINGS_PATH}/${saved.id}`, { replace: true });
        else draft.setForm(toMappingForm(saved));
      }
    );

  return (
    <FormLayout
      {...text}
      backTo={ABSOLUTE_SETTINGS_PATH}
      onSave={canConfigureMappings ? handleSave : undefined}
      isSaving={save.isPending}
      saveError={draft.saveError}
      onDismissSaveError={draft.dismissSaveError}
      typesError={typesError}
    >
      <FormSection>
        <Grid.Root gap={4}>
          <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
            <TextField
              name="mappingName"
              label={t('mappings.form.mappingName', 'Name')}
              hint={t('mappings.form.mappingName.hint', 'Unique; subscriptions and inner mappings refer to it.')}
              required
              value={form.mappingName}
              error={errors.mappingName}
              disabled={readOnly}
              onChange={(value) => set('mappingName', value)}
            />
          </Grid.Item>
          <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
            <SelectField
              name="localContentType"
              label={t('mappings.list.local', 'Local content type')}
              hint={t('mappings.form.localContentType.hint', 'The content type documents are written to on this site.')}
              required
              placeholder={t('producers.form.subscriptions.pickType', 'Pick a content type')}
              value={form.localContentType || null}
              options={contentTypes.map((ct) => ({ value: ct.uid, label: `${ct.displayName} (${ct.uid})` }))}
              error={errors.localContentType}
              disabled={readOnly}
              onChange={handleLocalType}
            />
          </Grid.Item>
          <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
            <TextField
              name="remoteContentType"
              label={t('mappings.list.remote', 'Remote content type')}
              hint={t('mappings.form.remoteContentType.hint', "The producer's content type UID, e.g. api::client.client.")}
              required
              placeholder="api::customer.customer"
              value={form.remoteContentType}
              error={errors.remoteContentType}
              disabled={readOnly}
              onChange={(value) => set('remoteContentType', value)}
            />
          </Grid.Item>
        </Grid.Root>
      </FormSection>
      <FormSection
        title={t('mappings.form.fields', 'Field mappings')}
        hint={t(
          'mappings.form.fields.hint',
          "Local fields come from this site's schema; the remote field is the producer's field name. Components map through an inner mapping; relations through an inner mapping and optional remote value filters (JSON)."
        )}
      >
        {form.localContentType ? (
          <FieldMappingsEditor
            rows={form.fieldMappings}
            onChange={(rows) => set('fieldMappings', rows)}
            attributes={attributes}
            mappings={(allMappings.data ?? []).filter((m) => m.id !== mapping?.id)}
            errors={errors}
            disabled={readOnly}
          />
        ) : (
          <Typography textColor="neutral600">{t('mappings.form.fields.pickTypeFirst', 'Pick the local content type first.')}</Typography>
        )}
      </FormSection>
    </FormLayout>
  );
};

/** Create or edit a Document Type Mapping (Settings → Event Streaming → Mappings). */
export const MappingEditPage = () => {
  const { id } = useParams<{ id: string }>();
  const mapping = useMappingQuery(id);
  const types = useContentTypes();
  const text = usePageText(id, mapping.data);
  return (
    <FormGate {...text} backTo={ABSOLUTE_SETTINGS_PATH} record={mapping} isLoading={types.isLoading}>
      {/* A new key (create → saved id) mounts a new form, seeded from that mapping. */}
      {() => <MappingFormView key={id ?? 'create'} id={id} mapping={mapping.data} typesError={types.error} />}
    </FormGate>
  );
};
