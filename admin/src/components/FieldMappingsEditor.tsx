import * as React from 'react';
import {
  Box,
  Button,
  Field,
  Flex,
  IconButton,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Textarea,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ListPlus, Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';

import { getTrad } from '../utils/getTrad';

import type { DocumentTypeMapping, FieldMapping, StreamableContentType } from '../api';

type Attribute = StreamableContentType['attributes'][number];
export type MappingType = FieldMapping['mappingType'];

/** One row of the field-mapping table, with the free-text inputs kept as typed. */
export interface FieldMappingRow {
  key: string;
  localField: string;
  /** Empty: not mapped, the field takes the default value. */
  remoteField: string;
  /** As typed; converted by `parseDefaultValue` on save. */
  defaultValue: string;
  mappingType: MappingType;
  mapping: string | null;
  /** JSON object as typed (relation mappings only). */
  remoteValueFilters: string;
}

const MAPPING_TYPES: MappingType[] = ['none', 'component', 'relation'];
const MAPPING_TYPE_LABELS: Record<MappingType, string> = {
  none: 'None (plain value)',
  component: 'Component (child table)',
  relation: 'Relation (document)',
};
const NO_MAPPING = '__none__';
/** Attribute types whose default value is text, never parsed as JSON. */
const TEXT_TYPES = new Set(['string', 'text', 'richtext', 'email', 'uid', 'enumeration', 'password']);

let rowCounter = 0;
export const nextFieldRowKey = () => `field-${++rowCounter}`;

/** The mapping type an attribute usually needs: components through an inner mapping, relations and media as documents. */
export const suggestMappingType = (attribute: Attribute | undefined): MappingType => {
  if (!attribute) return 'none';
  if (attribute.type === 'component' || attribute.type === 'dynamiczone') return 'component';
  if (attribute.type === 'relation' || attribute.type === 'media') return 'relation';
  return 'none';
};

/** A stored default value as the text input shows it. */
export const formatDefaultValue = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
};

/**
 * The typed default value: empty → null; text attributes keep the text; others parse JSON
 * (`12`, `true`, `{"a":1}`) and fall back to the text when it is not JSON.
 */
export const parseDefaultValue = (text: string, attribute: Attribute | undefined): unknown => {
  if (text === '') return null;
  if (attribute && TEXT_TYPES.has(attribute.type)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/** The remote value filters as an object, or an error message key when the text is not a JSON object. */
export const parseFilters = (text: string): { value: Record<string, unknown> | null; invalid: boolean } => {
  if (!text.trim()) return { value: null, invalid: false };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return { value: parsed as Record<string, unknown>, invalid: false };
    }
  } catch {
    /* reported below */
  }
  return { value: null, invalid: true };
};

interface FieldMappingsEditorProps {
  rows: FieldMappingRow[];
  onChange: (rows: FieldMappingRow[]) => void;
  /** Attributes of the local content type (empty until one is picked). */
  attributes: Attribute[];
  /** Other mappings, for the inner-mapping picker. */
  mappings: DocumentTypeMapping[];
  /** Errors keyed by `fieldMappings.<index>.<field>` (and `fieldMappings`). */
  errors: Record<string, string>;
  disabled?: boolean;
}

/** The field mappings of a Document Type Mapping: local field ← remote field, default, type, inner mapping, filters. */
export const FieldMappingsEditor = ({ rows, onChange, attributes, mappings, errors, disabled = false }: FieldMappingsEditorProps) => {
  const { formatMessage } = useIntl();
  const t = (key: string, defaultMessage: string) => formatMessage({ id: getTrad(key), defaultMessage });

  const byName = React.useMemo(() => new Map(attributes.map((a) => [a.name, a])), [attributes]);
  const used = new Set(rows.map((row) => row.localField));
  const unmapped = attributes.filter((a) => !used.has(a.name));

  const update = (index: number, patch: Partial<FieldMappingRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  const newRow = (attribute?: Attribute): FieldMappingRow => ({
    key: nextFieldRowKey(),
    localField: attribute?.name ?? '',
    remoteField: attribute?.name ?? '',
    defaultValue: '',
    mappingType: suggestMappingType(attribute),
    mapping: null,
    remoteValueFilters: '',
  });

  const handleLocalField = (index: number, name: string) => {
    const row = rows[index];
    const attribute = byName.get(name);
    update(index, {
      localField: name,
      remoteField: !row.remoteField || row.remoteField === row.localField ? name : row.remoteField,
      mappingType: suggestMappingType(attribute),
    });
  };

  const innerMappingsFor = (attribute: Attribute | undefined) => {
    const target = attribute?.component ?? attribute?.target;
    const matching = target ? mappings.filter((m) => m.localContentType === target) : [];
    return matching.length > 0 ? matching : mappings;
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      {rows.length === 0 ? (
        <Box padding={4} background="neutral100" hasRadius>
          <Typography textColor="neutral600">
            {t(
              'mappings.form.fields.empty',
              'No field mapped: every field is copied under its own name. Add the fields whose name, shape or default differs.'
            )}
          </Typography>
        </Box>
      ) : (
        <Table colCount={7} rowCount={rows.length + 1}>
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">{t('mappings.form.fields.localField', 'Local field')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('mappings.form.fields.remoteField', 'Remote field')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('mappings.form.fields.defaultValue', 'Default value')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('mappings.form.fields.mappingType', 'Mapping type')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('mappings.form.fields.innerMapping', 'Inner mapping')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('mappings.form.fields.remoteValueFilters', 'Remote value filters')}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{t('common.actions', 'Actions')}</Typography>
              </Th>
            </Tr>
          </Thead>
          <Tbody>
            {rows.map((row, index) => {
              const error = (field: string) => errors[`fieldMappings.${index}.${field}`];
              const attribute = byName.get(row.localField);
              const nested = row.mappingType !== 'none';
              const filters = parseFilters(row.remoteValueFilters);
              const innerOptions = innerMappingsFor(attribute);
              return (
                <Tr key={row.key} style={{ verticalAlign: 'top' }}>
                  <Td minWidth="20rem" paddingTop={2} paddingBottom={2}>
                    <Field.Root name={`fieldMappings.${index}.localField`} error={error('localField')} required>
                      <SingleSelect
                        aria-label={t('mappings.form.fields.localField', 'Local field')}
                        placeholder={t('mappings.form.fields.pickField', 'Pick a field')}
                        value={row.localField || null}
                        disabled={disabled}
                        onChange={(value: string | number) => handleLocalField(index, String(value))}
                      >
                        {row.localField && !attribute ? (
                          <SingleSelectOption value={row.localField}>{row.localField}</SingleSelectOption>
                        ) : null}
                        {attributes.map((a) => (
                          <SingleSelectOption key={a.name} value={a.name} disabled={a.name !== row.localField && used.has(a.name)}>
                            {`${a.name}${a.required ? ' *' : ''} (${a.type})`}
                          </SingleSelectOption>
                        ))}
                      </SingleSelect>
                      <Field.Error />
                    </Field.Root>
                  </Td>
                  <Td minWidth="16rem" paddingTop={2} paddingBottom={2}>
                    <Field.Root name={`fieldMappings.${index}.remoteField`} error={error('remoteField')}>
                      <TextInput
                        aria-label={t('mappings.form.fields.remoteField', 'Remote field')}
                        placeholder={t('mappings.form.fields.unmapped', 'Not mapped')}
                        value={row.remoteField}
                        disabled={disabled}
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) => update(index, { remoteField: e.target.value })}
                      />
                      <Field.Error />
                    </Field.Root>
                  </Td>
                  <Td minWidth="14rem" paddingTop={2} paddingBottom={2}>
                    <Field.Root name={`fieldMappings.${index}.defaultValue`} error={error('defaultValue')}>
                      <TextInput
                        aria-label={t('mappings.form.fields.defaultValue', 'Default value')}
                        placeholder={t('mappings.form.fields.noDefault', 'None')}
                        value={row.defaultValue}
                        disabled={disabled}
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) => update(index, { defaultValue: e.target.value })}
                      />
                      <Field.Error />
                    </Field.Root>
                  </Td>
                  <Td minWidth="14rem" paddingTop={2} paddingBottom={2}>
                    <Field.Root name={`fieldMappings.${index}.mappingType`} error={error('mappingType')}>
                      <SingleSelect
                        aria-label={t('mappings.form.fields.mappingType', 'Mapping type')}
                        value={row.mappingType}
                        disabled={disabled}
                        onChange={(value: string | number) =>
                          update(index, {
                            mappingType: value as MappingType,
                            ...(value === 'none' ? { mapping: null, remoteValueFilters: '' } : {}),
                            ...(value === 'component' ? { remoteValueFilters: '' } : {}),
                          })
                        }
                      >
                        {MAPPING_TYPES.map((type) => (
                          <SingleSelectOption key={type} value={type}>
                            {formatMessage({ id: getTrad(`mappings.mappingType.${type}`), defaultMessage: MAPPING_TYPE_LABELS[type] })}
                          </SingleSelectOption>
                        ))}
                      </SingleSelect>
                      <Field.Error />
                    </Field.Root>
                  </Td>
                  <Td minWidth="16rem" paddingTop={2} paddingBottom={2}>
                    <Field.Root name={`fieldMappings.${index}.mapping`} error={error('mapping')}>
                      <SingleSelect
                        aria-label={t('mappings.form.fields.innerMapping', 'Inner mapping')}
                        value={row.mapping ?? NO_MAPPING}
                        disabled={disabled || !nested}
                        onChange={(value: string | number) => update(index, { mapping: value === NO_MAPPING ? null : String(value) })}
                      >
                        <SingleSelectOption value={NO_MAPPING}>{t('mappings.form.fields.noInnerMapping', 'None')}</SingleSelectOption>
                        {row.mapping && !innerOptions.some((m) => m.mappingName === row.mapping) ? (
                          <SingleSelectOption value={row.mapping}>{row.mapping}</SingleSelectOption>
                        ) : null}
                        {innerOptions.map((m) => (
                          <SingleSelectOption key={m.id} value={m.mappingName}>
                            {m.mappingName}
                          </SingleSelectOption>
                        ))}
                      </SingleSelect>
                      <Field.Error />
                    </Field.Root>
                  </Td>
                  <Td minWidth="20rem" paddingTop={2} paddingBottom={2}>
                    {row.mappingType === 'relation' ? (
                      <Field.Root
                        name={`fieldMappings.${index}.remoteValueFilters`}
                        error={
                          error('remoteValueFilters') ??
                          (filters.invalid
                            ? t('mappings.form.fields.filtersInvalid', 'Enter a JSON object, e.g. {"type": "customer"}.')
                            : undefined)
                        }
                      >
                        <Textarea
                          aria-label={t('mappings.form.fields.remoteValueFilters', 'Remote value filters')}
                          placeholder='{"type": "customer"}'
                          value={row.remoteValueFilters}
                          disabled={disabled}
                          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => update(index, { remoteValueFilters: e.target.value })}
                        />
                        <Field.Error />
                      </Field.Root>
                    ) : (
                      <Typography variant="pi" textColor="neutral500">
                        {t('mappings.form.fields.filtersRelationOnly', 'Relation mappings only')}
                      </Typography>
                    )}
                  </Td>
                  <Td paddingTop={2} paddingBottom={2}>
                    <IconButton
                      label={t('mappings.form.fields.remove', 'Remove field')}
                      variant="ghost"
                      disabled={disabled}
                      onClick={() => onChange(rows.filter((_, i) => i !== index))}
                    >
                      <Trash />
                    </IconButton>
                  </Td>
                </Tr>
              );
            })}
          </Tbody>
        </Table>
      )}
      {errors.fieldMappings ? (
        <Typography variant="pi" textColor="danger600">
          {errors.fieldMappings}
        </Typography>
      ) : null}
      <Flex gap={2}>
        <Button variant="secondary" startIcon={<Plus />} disabled={disabled} onClick={() => onChange([...rows, newRow()])}>
          {t('mappings.form.fields.add', 'Add field')}
        </Button>
        <Button
          variant="tertiary"
          startIcon={<ListPlus />}
          disabled={disabled || unmapped.length === 0}
          onClick={() => onChange([...rows, ...unmapped.map((a) => newRow(a))])}
        >
          {t('mappings.form.fields.addAll', 'Add all remaining fields')}
        </Button>
      </Flex>
    </Flex>
  );
};
