import { Typography } from '@strapi/design-system';

import { useContentTypes, useMappingQuery, useMappingsQuery, useSaveMappingMutation } from '../../api/hooks';
import { FieldMappingsEditor } from '../../components/FieldMappingsEditor';
import { SelectField, TextField } from '../../components/form/fields';
import { createEditPage, FormLayout, type EditFormProps } from '../../components/form/FormLayout';
import { MappingSchemaCheckPanel } from '../../components/SchemaCheckPanel';
import { FormGrid, FormSection, type SectionText } from '../../components/form/FormSection';
import { ABSOLUTE_SETTINGS_PATH } from '../../constants';
import { useEditForm } from '../../hooks/useEditForm';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useT } from '../../hooks/useT';

import { EMPTY_MAPPING_FORM, toMappingForm, toMappingInput, validateMappingForm } from './mappingForm';

import type { DocumentTypeMapping } from '../../api/contracts';

const useMappingText = (id: string | undefined, mapping: DocumentTypeMapping | undefined) => {
  const t = useT();
  const editTitle = mapping?.mappingName ?? t('mappings.form.editTitle', 'Edit mapping');
  return {
    title: id === undefined ? t('mappings.form.createTitle', 'Add a mapping') : editTitle,
    subtitle: t('mappings.form.subtitle', 'Remote field → local field, with defaults and nested mappings.'),
  };
};

const FIELDS = {
  mappingName: ['Name', 'Unique; subscriptions and inner mappings refer to it.'],
  localContentType: ['Local content type', 'The content type documents are written to on this site.'],
  remoteContentType: ['Remote content type', "The producer's content type UID, e.g. api::client.client."],
} as const;

const FIELD_MAPPINGS: SectionText = {
  title: ['mappings.form.fields', 'Field mappings'],
  hint: [
    'mappings.form.fields.hint',
    "Local fields come from this site's schema; the remote field is the producer's field name. Components map through an inner mapping; relations through an inner mapping and optional remote value filters (JSON); dynamic zones through one component mapping per remote component (an entry of a component none maps is copied as it is, and kept only if the local zone allows that same component). Only the listed fields are written: a remote field no row reads is dropped; a local field no row lists is not written (a new document gets the schema default, an existing one keeps its value).",
  ],
};

/** The mapping form; mounted once the mapping is loaded, so the draft starts from it. */
const MappingFormView = ({ id, record: mapping, typesError }: EditFormProps<DocumentTypeMapping>) => {
  const t = useT();
  const { canConfigureMappings } = usePluginPermissions();
  const { contentTypes, byUid } = useContentTypes();
  const allMappings = useMappingsQuery();
  const save = useSaveMappingMutation();
  const pageText = useMappingText(id, mapping);
  const { form, set, errors, field, text, layout } = useEditForm({
    id,
    record: mapping,
    empty: EMPTY_MAPPING_FORM,
    toForm: toMappingForm,
    validate: (values) => validateMappingForm(values, byUid.get(values.localContentType)?.attributes ?? [], t),
    toBody: (values) => toMappingInput(values, byUid.get(values.localContentType)?.attributes ?? []),
    save,
    basePath: ABSOLUTE_SETTINGS_PATH,
    savedMessage: () => t('mappings.form.saved', 'Mapping saved.'),
    canSave: canConfigureMappings,
    texts: { prefix: 'mappings.form', fields: FIELDS },
  });

  const handleLocalType = (uid: string | null) => {
    // Keep the remote type in step with the local one until the admin types a different one.
    if (!form.remoteContentType || form.remoteContentType === form.localContentType) set('remoteContentType', uid ?? '');
    set('localContentType', uid ?? '');
  };

  return (
    <FormLayout {...pageText} backTo={ABSOLUTE_SETTINGS_PATH} {...layout} typesError={typesError}>
      <MappingSchemaCheckPanel mappingId={id} />
      <FormSection>
        <FormGrid cols={[4, 4, 4]}>
          <TextField {...text('mappingName')} required />
          <SelectField
            {...field('localContentType')}
            required
            placeholder={t('producers.form.subscriptions.pickType', 'Pick a content type')}
            value={form.localContentType || null}
            options={contentTypes.map((ct) => ({ value: ct.uid, label: `${ct.displayName} (${ct.uid})` }))}
            onChange={handleLocalType}
          />
          <TextField {...text('remoteContentType')} required placeholder="api::customer.customer" />
        </FormGrid>
      </FormSection>
      <FormSection text={FIELD_MAPPINGS}>
        {form.localContentType ? (
          <FieldMappingsEditor
            rows={form.fieldMappings}
            onChange={(rows) => set('fieldMappings', rows)}
            attributes={byUid.get(form.localContentType)?.attributes ?? []}
            mappings={(allMappings.data ?? []).filter((m) => m.id !== mapping?.id)}
            errors={errors}
            disabled={!canConfigureMappings}
          />
        ) : (
          <Typography textColor="neutral600">{t('mappings.form.fields.pickTypeFirst', 'Pick the local content type first.')}</Typography>
        )}
      </FormSection>
    </FormLayout>
  );
};

/** Create or edit a Document Type Mapping (Settings → Event Streaming → Mappings). */
export const MappingEditPage = createEditPage({
  useRecord: useMappingQuery,
  useText: useMappingText,
  backTo: ABSOLUTE_SETTINGS_PATH,
  Form: MappingFormView,
});
