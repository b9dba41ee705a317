import * as React from 'react';
import { Button, Field, MultiSelect, MultiSelectOption, Typography } from '@strapi/design-system';
import { ListPlus, Plus } from '@strapi/icons';

import { useT } from '../hooks/useT';

import {
  MAPPING_TYPE_LABELS,
  mappingTypesOf,
  nextFieldRowKey,
  parseFilters,
  suggestMappingType,
  type Attribute,
  type FieldMappingRow,
  type MappingType,
} from './fieldMappingRows';
import { EditableTable } from './form/EditableTable';
import { mappingOption, SelectField, TextField } from './form/fields';
import { useRowsEditor, type RowsEditorProps } from './form/useRowsEditor';

import type { Column } from './list/DataTable';

interface FieldMappingsEditorProps extends RowsEditorProps<FieldMappingRow> {
  /** Attributes of the local content type (empty until one is picked). */
  attributes: Attribute[];
}

const newRow = (attribute?: Attribute): FieldMappingRow => ({
  key: nextFieldRowKey(),
  localField: attribute?.name ?? '',
  remoteField: attribute?.name ?? '',
  defaultValue: '',
  mappingType: suggestMappingType(attribute),
  mapping: null,
  componentMappings: [],
  remoteValueFilters: '',
});

/** What the engine does with the fields no row lists (engine/mapping.ts), shown under the table. */
export const UNLISTED_FIELDS_TEXT =
  "Only the listed fields are written. A remote field no row reads is dropped; a local field no row lists is not written: a new document gets the field's schema default, an existing one keeps its value.";

/** The field mappings of a Document Type Mapping: local field ← remote field, default, type, inner mapping, filters. */
export const FieldMappingsEditor = ({ rows, onChange, attributes, mappings, errors, disabled = false }: FieldMappingsEditorProps) => {
  const t = useT();
  const { update, field, text, pick, remove } = useRowsEditor({ prefix: 'fieldMappings', rows, onChange, errors, disabled });
  const byName = React.useMemo(() => new Map(attributes.map((a) => [a.name, a])), [attributes]);
  const unmapped = attributes.filter((a) => !rows.some((row) => row.localField === a.name));
  const fieldOptions = attributes.map(({ name, required, type }) => ({ value: name, label: `${name}${required ? ' *' : ''} (${type})` }));
  const pickField = t('mappings.form.fields.pickField', 'Pick a field');

  const handleLocalField = (index: number, name: string) => {
    const row = rows[index];
    update(index, {
      localField: name,
      remoteField: !row.remoteField || row.remoteField === row.localField ? name : row.remoteField,
      mappingType: suggestMappingType(byName.get(name)),
    });
  };

  /** A new mapping type clears what it does not use (inner mapping, component mappings, filters). */
  const handleMappingType = (index: number, mappingType: MappingType) =>
    update(index, {
      mappingType,
      ...(mappingType === 'none' || mappingType === 'dynamiczone' ? { mapping: null } : {}),
      ...(mappingType !== 'dynamiczone' ? { componentMappings: [] } : {}),
      ...(mappingType !== 'relation' ? { remoteValueFilters: '' } : {}),
    });

  /** Only the mappings the server accepts here: into the component / relation target, or a component the zone allows. */
  const innerMappingsFor = (attribute: Attribute | undefined) => {
    const targets = attribute?.type === 'dynamiczone' ? (attribute.components ?? []) : [attribute?.component ?? attribute?.target];
    return mappings.filter((m) => targets.includes(m.localContentType));
  };

  const componentMappingsCell = (row: FieldMappingRow, index: number, label: string) => {
    const error = errors[`fieldMappings.${index}.componentMappings`];
    return (
      <Field.Root name={`fieldMappings.${index}.componentMappings`} error={error}>
        <MultiSelect
          aria-label={label}
          disabled={disabled}
          withTags
          placeholder={t('mappings.form.fields.componentMappings', 'Component mappings (unmapped components copied as they are)')}
          value={row.componentMappings}
          onChange={(value: string[]) => update(index, { componentMappings: value })}
        >
          {innerMappingsFor(byName.get(row.localField)).map((m) => (
            <MultiSelectOption key={m.mappingName} value={m.mappingName}>
              {`${m.mappingName} (${m.remoteContentType} → ${m.localContentType})`}
            </MultiSelectOption>
          ))}
        </MultiSelect>
        <Field.Error />
      </Field.Root>
    );
  };

  /** A rule of the whole row (the shared schema's, e.g. what a relation row needs): shown under its filters, else its local field. */
  const rowError = (index: number) => errors[`fieldMappings.${index}._form`];

  const filtersError = (row: FieldMappingRow, index: number) =>
    errors[`fieldMappings.${index}.remoteValueFilters`] ??
    rowError(index) ??
    (parseFilters(row.remoteValueFilters).invalid
      ? t('mappings.form.fields.filtersInvalid', 'Enter a JSON object, e.g. \'{"type": "customer"}\'.')
      : undefined);

  const columns: Array<Column<FieldMappingRow>> = [
    {
      header: ['mappings.form.fields.localField', 'Local field'],
      minWidth: '20rem',
      cell: (_, index, label) => (
        <SelectField
          {...pick(index, 'localField', label, fieldOptions)}
          error={errors[`fieldMappings.${index}.localField`] ?? (rows[index].mappingType === 'relation' ? undefined : rowError(index))}
          placeholder={pickField}
          onChange={(name) => handleLocalField(index, name ?? '')}
        />
      ),
    },
    {
      header: ['mappings.form.fields.remoteField', 'Remote field'],
      minWidth: '16rem',
      cell: (_, index, label) => (
        <TextField {...text(index, 'remoteField', label)} placeholder={t('mappings.form.fields.unmapped', 'Not mapped')} />
      ),
    },
    {
      header: ['mappings.form.fields.defaultValue', 'Default value'],
      minWidth: '14rem',
      cell: (row, index, label) => (
        <TextField
          {...text(index, 'defaultValue', label)}
          placeholder={
            row.mappingType === 'relation'
              ? t('mappings.form.fields.relationDefault', 'documentId of a local document')
              : t('mappings.form.fields.noDefault', 'None')
          }
        />
      ),
    },
    {
      header: ['mappings.form.fields.mappingType', 'Mapping type'],
      minWidth: '14rem',
      cell: (row, index, label) => (
        <SelectField
          {...field(index, 'mappingType', label)}
          value={row.mappingType}
          options={mappingTypesOf(byName.get(row.localField)).map((type) => ({
            value: type,
            label: t(`mappings.mappingType.${type}`, MAPPING_TYPE_LABELS[type]),
          }))}
          onChange={(value) =>
            handleMappingType(index, mappingTypesOf(byName.get(row.localField)).find((type) => type === value) ?? 'none')
          }
        />
      ),
    },
    {
      header: ['mappings.form.fields.innerMapping', 'Inner mapping'],
      minWidth: '16rem',
      cell: (row, index, label) =>
        row.mappingType === 'dynamiczone' ? (
          componentMappingsCell(row, index, label)
        ) : (
          <SelectField
            {...field(index, 'mapping', label)}
            disabled={disabled || row.mappingType === 'none'}
            noneLabel={t('mappings.form.fields.noInnerMapping', 'None')}
            value={row.mapping}
            options={innerMappingsFor(byName.get(row.localField)).map(mappingOption)}
            onChange={(value) => update(index, { mapping: value })}
          />
        ),
    },
    {
      header: ['mappings.form.fields.remoteValueFilters', 'Remote value filters'],
      minWidth: '20rem',
      cell: (row, index, label) =>
        row.mappingType === 'relation' ? (
          <TextField
            {...text(index, 'remoteValueFilters', label)}
            error={filtersError(row, index)}
            multiline
            placeholder={row.mapping ? '{"title": "title"}' : '{"locale": "en"}'}
            hint={
              row.mapping
                ? t(
                    'mappings.form.fields.linkedFiltersHint',
                    "Finds the producer's document to link: its field on the left, and on the right a field of this document (its value is used) or a fixed value. Empty: the remote field's references name the documents. The document is built through the inner mapping, created here if missing, updated otherwise."
                  )
                : t('mappings.form.fields.refFiltersHint', 'Only references whose own values match (e.g. their locale) are linked.')
            }
          />
        ) : (
          <Typography variant="pi" textColor="neutral500">
            {t('mappings.form.fields.filtersRelationOnly', 'Relation mappings only')}
          </Typography>
        ),
    },
  ];

  return (
    <EditableTable
      columns={columns}
      rows={rows}
      rowStyle={{ verticalAlign: 'top' }}
      cellProps={{ paddingTop: 2, paddingBottom: 2 }}
      emptyText={t('mappings.form.fields.empty', `No field listed yet: add at least one. ${UNLISTED_FIELDS_TEXT}`)}
      error={errors.fieldMappings}
      removeLabel={['mappings.form.fields.remove', 'Remove field']}
      onRemove={remove}
      disabled={disabled}
      buttons={
        <>
          <Button variant="secondary" startIcon={<Plus />} disabled={disabled} onClick={() => onChange([...rows, newRow()])}>
            {t('mappings.form.fields.add', 'Add field')}
          </Button>
          <Button
            variant="tertiary"
            startIcon={<ListPlus />}
            disabled={disabled || unmapped.length === 0}
            onClick={() => onChange([...rows, ...unmapped.map(newRow)])}
          >
            {t('mappings.form.fields.addAll', 'Add all remaining fields')}
          </Button>
        </>
      }
    />
  );
};
