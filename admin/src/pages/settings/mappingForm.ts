/**
 * The mapping form's draft: how a stored mapping becomes editable values, what the admin must fix
 * before a save, and the request body built from the draft.
 */
import { fieldMappingSchema } from '../../../../server/src/shared/validation/mappings';
import { schemaFormErrors } from '../../utils/errors';
import {
  formatDefaultValue,
  nextFieldRowKey,
  parseDefaultValue,
  parseFilters,
  type FieldMappingRow,
} from '../../components/fieldMappingRows';

import type { DocumentTypeMapping, MappingInput, StreamableContentType } from '../../api/contracts';
import type { FormErrors } from '../../hooks/useFormDraft';
import type { useT } from '../../hooks/useT';

export interface MappingForm {
  mappingName: string;
  localContentType: string;
  remoteContentType: string;
  fieldMappings: FieldMappingRow[];
}

export const EMPTY_MAPPING_FORM: MappingForm = { mappingName: '', localContentType: '', remoteContentType: '', fieldMappings: [] };

export const toMappingForm = (mapping: DocumentTypeMapping): MappingForm => ({
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
    componentMappings: field.componentMappings ?? [],
    remoteValueFilters: field.remoteValueFilters ? JSON.stringify(field.remoteValueFilters, null, 2) : '',
  })),
});

/** The request body; default values are typed after the local attribute they fill. */
export const toMappingInput = (form: MappingForm, attributes: StreamableContentType['attributes']): MappingInput => ({
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
    mapping: row.mappingType === 'none' || row.mappingType === 'dynamiczone' ? null : row.mapping,
    componentMappings: row.mappingType === 'dynamiczone' ? row.componentMappings : null,
    remoteValueFilters: row.mappingType === 'relation' ? parseFilters(row.remoteValueFilters).value : null,
  })),
});

/** What the server would reject anyway, so the admin sees it before a round-trip. */
export const validateMappingForm = (
  form: MappingForm,
  attributes: StreamableContentType['attributes'],
  t: ReturnType<typeof useT>
): FormErrors => {
  const found: FormErrors = {};
  const required = t('validation.required', 'This value is required.');
  if (!form.mappingName.trim()) found.mappingName = required;
  if (!form.localContentType) found.localContentType = required;
  if (!form.remoteContentType.trim()) found.remoteContentType = required;
  const seen = new Set<string>();
  form.fieldMappings.forEach((row, index) => {
    if (!row.localField) found[`fieldMappings.${index}.localField`] = required;
    else if (seen.has(row.localField))
      found[`fieldMappings.${index}.localField`] = t('validation.duplicateField', 'This field is already mapped.');
    seen.add(row.localField);
    if (row.mappingType === 'relation' && parseFilters(row.remoteValueFilters).invalid) {
      found[`fieldMappings.${index}.remoteValueFilters`] = t(
        'mappings.form.fields.filtersInvalid',
        'Enter a JSON object, e.g. \'{"type": "customer"}\'.'
      );
    }
  });
  // Then the server's own rules, from the schema it validates the body with.
  // Each row against the server's own row schema (the list itself may still be empty here: the
  // server answers that, after the name check).
  toMappingInput(form, attributes).fieldMappings.forEach((row, index) => {
    const rowErrors = schemaFormErrors(fieldMappingSchema, row, {});
    for (const [key, message] of Object.entries(rowErrors)) found[`fieldMappings.${index}.${key}`] ??= message;
  });
  return found;
};
