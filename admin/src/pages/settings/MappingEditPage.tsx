import * as React from 'react';
import { Alert, Box, Button, Field, Flex, Grid, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useNavigate, useParams } from 'react-router-dom';

import { useApi, type DocumentTypeMapping, type MappingInput } from '../../api';
import {
  FieldMappingsEditor,
  formatDefaultValue,
  nextFieldRowKey,
  parseDefaultValue,
  parseFilters,
  type FieldMappingRow,
} from '../../components/FieldMappingsEditor';
import { ErrorState, LoadingState } from '../../components/States';
import { ABSOLUTE_SETTINGS_PATH } from '../../constants';
import { useContentTypes } from '../../hooks/useContentTypes';
import { useNotify } from '../../hooks/useNotify';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useRequest } from '../../hooks/useRequest';
import { getErrorMessage, getValidationErrors } from '../../utils/errors';
import { getTrad } from '../../utils/getTrad';

interface FormState {
  mappingName: string;
  localContentType: string;
  remoteContentType: string;
  fieldMappings: FieldMappingRow[];
}

const EMPTY_FORM: FormState = { mappingName: '', localContentType: '', remoteContentType: '', fieldMappings: [] };

const toForm = (mapping: DocumentTypeMapping): FormState => ({
  mappingName: mapping.mappingName,
  localContentType: mapping.localContentType,
  remoteContentType: mapping.remoteContentType,
  fieldMappings: mapping.fieldMappings.map((field) => ({
    key: nextFieldRowKey(),
    localField: field.localField,
    remoteField: field.remoteField ?? '',
    defaultValue: formatDefaultValue(field.defaultValue),
    mappingType: field.mappingType,
    mapping: field.mapping,
    remoteValueFilters: field.remoteValueFilters ? JSON.stringify(field.remoteValueFilters, null, 2) : '',
  })),
});

/** Create or edit a Document Type Mapping (Settings → Event Streaming → Mappings). */
export const MappingEditPage = () => {
  const { id } = useParams<{ id: string }>();
  const isCreate = id === undefined;
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const api = useApi();
  const notify = useNotify();
  const { canConfigureMappings } = usePluginPermissions();
  const { contentTypes, byUid, isLoading: isLoadingTypes, error: typesError } = useContentTypes();
  const mappingRequest = useRequest(() => api.getMapping(id ?? ''), [api, id], !isCreate);
  const allMappings = useRequest(() => api.listMappings(), [api]);

  const [form, setForm] = React.useState<FormState>(EMPTY_FORM);
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const [formError, setFormError] = React.useState<string | null>(null);
  const [isSaving, setIsSaving] = React.useState(false);

  const mapping = mappingRequest.data;
  React.useEffect(() => {
    if (mapping) setForm(toForm(mapping));
  }, [mapping]);

  const t = (key: string, defaultMessage: string, values?: Record<string, string | number>) =>
    formatMessage({ id: getTrad(key), defaultMessage }, values);

  const attributes = byUid.get(form.localContentType)?.attributes ?? [];
  const otherMappings = (allMappings.data ?? []).filter((m) => m.id !== mapping?.id);
  const readOnly = !canConfigureMappings;

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((prev) => ({ ...prev, [key]: value }));

  const handleLocalType = (uid: string) =>
    setForm((prev) => ({
      ...prev,
      localContentType: uid,
      remoteContentType: !prev.remoteContentType || prev.remoteContentType === prev.localContentType ? uid : prev.remoteContentType,
    }));

  const validate = (): Record<string, string> => {
    const found: Record<string, string> = {};
    const required = t('validation.required', 'This value is required.');
    if (!form.mappingName.trim()) found.mappingName = required;
    if (!form.localContentType) found.localContentType = required;
    if (!form.remoteContentType.trim()) found.remoteContentType = required;
    const seen = new Set<string>();
    form.fieldMappings.forEach((row, index) => {
      if (!row.localField) found[`fieldMappings.${index}.localField`] = required;
      else if (seen.has(row.localField)) {
        found[`fieldMappings.${index}.localField`] = t('validation.duplicateField', 'This field is already mapped.');
      }
      seen.add(row.localField);
      if (row.mappingType === 'relation' && parseFilters(row.remoteValueFilters).invalid) {
        found[`fieldMappings.${index}.remoteValueFilters`] = t(
          'mappings.form.fields.filtersInvalid',
          'Enter a JSON object, e.g. {"type": "customer"}.'
        );
      }
    });
    return found;
  };

  const toInput = (): MappingInput => ({
    mappingName: form.mappingName.trim(),
    localContentType: form.localContentType,
    remoteContentType: form.remoteContentType.trim(),
    fieldMappings: form.fieldMappings.map((row) => ({
      localField: row.localField,
      remoteField: row.remoteField.trim() || null,
      defaultValue: parseDefaultValue(
        row.defaultValue,
        attributes.find((a) => a.name === row.localField)
      ),
      mappingType: row.mappingType,
      mapping: row.mappingType === 'none' ? null : row.mapping,
      remoteValueFilters: row.mappingType === 'relation' ? parseFilters(row.remoteValueFilters).value : null,
    })),
  });

  const handleSave = async () => {
    const found = validate();
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return;
    setIsSaving(true);
    try {
      const saved = isCreate ? await api.createMapping(toInput()) : await api.updateMapping(id, toInput());
      notify.success(t('mappings.form.saved', 'Mapping saved.'));
      if (isCreate) navigate(`${ABSOLUTE_SETTINGS_PATH}/${saved.id}`, { replace: true });
      else setForm(toForm(saved));
    } catch (err) {
      const byPath = getValidationErrors(err);
      setErrors(byPath);
      setFormError(getErrorMessage(err, t('common.error', 'Whoops! Something went wrong. Please, try again.')));
      notify.error(err);
    } finally {
      setIsSaving(false);
    }
  };

  const title = isCreate
    ? t('mappings.form.createTitle', 'Add a mapping')
    : (mapping?.mappingName ?? t('mappings.form.editTitle', 'Edit mapping'));
  const knownLocal = contentTypes.some((ct) => ct.uid === form.localContentType);

  const renderBody = () => {
    if ((!isCreate && mappingRequest.isLoading) || isLoadingTypes) return <LoadingState />;
    if (!isCreate && mappingRequest.error && !mapping) {
      return <ErrorState error={mappingRequest.error} onRetry={mappingRequest.refetch} />;
    }
    return (
      <Flex direction="column" alignItems="stretch" gap={6}>
        {formError ? (
          <Alert
            variant="danger"
            closeLabel={t('common.close', 'Close')}
            title={t('mappings.form.saveFailed', 'Not saved')}
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
        <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
          <Grid.Root gap={4}>
            <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
              <Field.Root
                name="mappingName"
                required
                error={errors.mappingName}
                hint={t('mappings.form.mappingName.hint', 'Unique; subscriptions and inner mappings refer to it.')}
              >
                <Field.Label>{t('mappings.form.mappingName', 'Name')}</Field.Label>
                <TextInput
                  value={form.mappingName}
                  disabled={readOnly}
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('mappingName', e.target.value)}
                />
                <Field.Error />
                <Field.Hint />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
              <Field.Root
                name="localContentType"
                required
                error={errors.localContentType}
                hint={t('mappings.form.localContentType.hint', 'The content type documents are written to on this site.')}
              >
                <Field.Label>{t('mappings.list.local', 'Local content type')}</Field.Label>
                <SingleSelect
                  placeholder={t('producers.form.subscriptions.pickType', 'Pick a content type')}
                  value={form.localContentType || null}
                  disabled={readOnly}
                  onChange={(value: string | number) => handleLocalType(String(value))}
                >
                  {form.localContentType && !knownLocal ? (
                    <SingleSelectOption value={form.localContentType}>{form.localContentType}</SingleSelectOption>
                  ) : null}
                  {contentTypes.map((ct) => (
                    <SingleSelectOption key={ct.uid} value={ct.uid}>
                      {`${ct.displayName} (${ct.uid})`}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
                <Field.Error />
                <Field.Hint />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
              <Field.Root
                name="remoteContentType"
                required
                error={errors.remoteContentType}
                hint={t('mappings.form.remoteContentType.hint', "The producer's content type UID, e.g. api::client.client.")}
              >
                <Field.Label>{t('mappings.list.remote', 'Remote content type')}</Field.Label>
                <TextInput
                  placeholder="api::customer.customer"
                  value={form.remoteContentType}
                  disabled={readOnly}
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('remoteContentType', e.target.value)}
                />
                <Field.Error />
                <Field.Hint />
              </Field.Root>
            </Grid.Item>
          </Grid.Root>
        </Box>
        <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Flex direction="column" alignItems="flex-start" gap={1}>
              <Typography variant="delta" tag="h2">
                {t('mappings.form.fields', 'Field mappings')}
              </Typography>
              <Typography variant="pi" textColor="neutral600">
                {t(
                  'mappings.form.fields.hint',
                  "Local fields come from this site's schema; the remote field is the producer's field name. Components map through an inner mapping; relations through an inner mapping and optional remote value filters (JSON)."
                )}
              </Typography>
            </Flex>
            {form.localContentType ? (
              <FieldMappingsEditor
                rows={form.fieldMappings}
                onChange={(rows) => set('fieldMappings', rows)}
                attributes={attributes}
                mappings={otherMappings}
                errors={errors}
                disabled={readOnly}
              />
            ) : (
              <Typography textColor="neutral600">
                {t('mappings.form.fields.pickTypeFirst', 'Pick the local content type first.')}
              </Typography>
            )}
          </Flex>
        </Box>
      </Flex>
    );
  };

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        navigationAction={<BackButton fallback={ABSOLUTE_SETTINGS_PATH} />}
        title={title}
        subtitle={t('mappings.form.subtitle', 'Remote field → local field, with defaults and nested mappings.')}
        primaryAction={
          canConfigureMappings ? (
            <Button startIcon={<Check />} loading={isSaving} onClick={handleSave}>
              {t('common.save', 'Save')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>{renderBody()}</Layouts.Content>
    </Page.Main>
  );
};
