import * as React from 'react';
import { Button, Typography } from '@strapi/design-system';
import { ListPlus, Plus, Trash } from '@strapi/icons';

import { useT } from '../hooks/useT';

import { EditableTable } from './form/EditableTable';
import { SelectField, TextField } from './form/fields';
import { RowActions } from './list/RowActions';

import type { Column } from './list/DataTable';

import type { DocumentTypeMapping, FieldMapping, StreamableContentType } from '../api/contracts';

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

const CELL = { paddingTop: 2, paddingBottom: 2 } as const;

/** The field mappings of a Document Type Mapping: local field ← remote field, default, type, inner mapping, filters. */
export const FieldMappingsEditor = ({ rows, onChange, attributes, mappings, errors, disabled = false }: FieldMappingsEditorProps) => {
  const t = useT();
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
    update(index, {
      localField: name,
      remoteField: !row.remoteField || row.remoteField === row.localField ? name : row.remoteField,
      mappingType: suggestMappingType(byName.get(name)),
    });
  };

  /** A new mapping type clears what it does not use (inner mapping, filters). */
  const handleMappingType = (index: number, mappingType: MappingType) =>
    update(index, {
      mappingType,
      ...(mappingType === 'none' ? { mapping: null } : {}),
      ...(mappingType !== 'relation' ? { remoteValueFilters: '' } : {}),
    });

  /** Inner mappings of the component or relation target first; all mappings when none targets it. */
  const innerMappingsFor = (attribute: Attribute | undefined) => {
    const target = attribute?.component ?? attribute?.target;
    const matching = target ? mappings.filter((m) => m.localContentType === target) : [];
    return matching.length > 0 ? matching : mappings;
  };

  const labels = {
    localField: t('mappings.form.fields.localField', 'Local field'),
    remoteField: t('mappings.form.fields.remoteField', 'Remote field'),
    defaultValue: t('mappings.form.fields.defaultValue', 'Default value'),
    mappingType: t('mappings.form.fields.mappingType', 'Mapping type'),
    mapping: t('mappings.form.fields.innerMapping', 'Inner mapping'),
    remoteValueFilters: t('mappings.form.fields.remoteValueFilters', 'Remote value filters'),
  };
  /** The props every cell's field shares: its name and error path, label, disabled state. */
  const field = (index: number, name: keyof typeof labels) => ({
    name: `fieldMappings.${index}.${name}`,
    label: labels[name],
    labelHidden: true,
    error: errors[`fieldMappings.${index}.${name}`],
    disabled,
  });

  const columns: Array<Column<FieldMappingRow>> = [
    {
      id: 'localField',
      header: labels.localField,
      cellProps: { ...CELL, minWidth: '20rem' },
      cell: (row, index) => (
        <SelectField
          {...field(index, 'localField')}
          required
          placeholder={t('mappings.form.fields.pickField', 'Pick a field')}
          value={row.localField || null}
          options={attributes.map((a) => ({
            value: a.name,
            label: `${a.name}${a.required ? ' *' : ''} (${a.type})`,
            disabled: a.name !== row.localField && used.has(a.name),
          }))}
          onChange={(value) => handleLocalField(index, value ?? '')}
        />
      ),
    },
    {
      id: 'remoteField',
      header: labels.remoteField,
      cellProps: { ...CELL, minWidth: '16rem' },
      cell: (row, index) => (
        <TextField
          {...field(index, 'remoteField')}
          placeholder={t('mappings.form.fields.unmapped', 'Not mapped')}
          value={row.remoteField}
          onChange={(value) => update(index, { remoteField: value })}
        />
      ),
    },
    {
      id: 'defaultValue',
      header: labels.defaultValue,
      cellProps: { ...CELL, minWidth: '14rem' },
      cell: (row, index) => (
        <TextField
          {...field(index, 'defaultValue')}
          placeholder={t('mappings.form.fields.noDefault', 'None')}
          value={row.defaultValue}
          onChange={(value) => update(index, { defaultValue: value })}
        />
      ),
    },
    {
      id: 'mappingType',
      header: labels.mappingType,
      cellProps: { ...CELL, minWidth: '14rem' },
      cell: (row, index) => (
        <SelectField
          {...field(index, 'mappingType')}
          value={row.mappingType}
          options={MAPPING_TYPES.map((type) => ({ value: type, label: t(`mappings.mappingType.${type}`, MAPPING_TYPE_LABELS[type]) }))}
          onChange={(value) => handleMappingType(index, MAPPING_TYPES.find((type) => type === value) ?? 'none')}
        />
      ),
    },
    {
      id: 'mapping',
      header: labels.mapping,
      cellProps: { ...CELL, minWidth: '16rem' },
      cell: (row, index) => (
        <SelectField
          {...field(index, 'mapping')}
          disabled={disabled || row.mappingType === 'none'}
          noneLabel={t('mappings.form.fields.noInnerMapping', 'None')}
          value={row.mapping}
          options={innerMappingsFor(byName.get(row.localField)).map((m) => ({ value: m.mappingName, label: m.mappingName }))}
          onChange={(value) => update(index, { mapping: value })}
        />
      ),
    },
    {
      id: 'remoteValueFilters',
      header: labels.remoteValueFilters,
      cellProps: { ...CELL, minWidth: '20rem' },
      cell: (row, index) =>
        row.mappingType === 'relation' ? (
          <TextField
            {...field(index, 'remoteValueFilters')}
            error={
              errors[`fieldMappings.${index}.remoteValueFilters`] ??
              (parseFilters(row.remoteValueFilters).invalid
                ? t('mappings.form.fields.filtersInvalid', 'Enter a JSON object, e.g. {"type": "customer"}.')
                : undefined)
            }
            multiline
            placeholder='{"type": "customer"}'
            value={row.remoteValueFilters}
            onChange={(value) => update(index, { remoteValueFilters: value })}
          />
        ) : (
          <Typography variant="pi" textColor="neutral500">
            {t('mappings.form.fields.filtersRelationOnly', 'Relation mappings only')}
          </Typography>
        ),
    },
    {
      id: 'actions',
      header: t('common.actions', 'Actions'),
      cellProps: CELL,
      cell: (_, index) => (
        <RowActions
          actions={[
            {
              label: t('mappings.form.fields.remove', 'Remove field'),
              icon: <Trash />,
              disabled,
              onClick: () => onChange(rows.filter((__, i) => i !== index)),
            },
          ]}
        />
      ),
    },
  ];

  return (
    <EditableTable
      columns={columns}
      rows={rows}
      rowKey={(row) => row.key}
      rowStyle={{ verticalAlign: 'top' }}
      emptyText={t(
        'mappings.form.fields.empty',
        'No field mapped: every field is copied under its own name. Add the fields whose name, shape or default differs.'
      )}
      error={errors.fieldMappings}
      buttons={
        <>
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
        </>
      }
    />
  );
};
