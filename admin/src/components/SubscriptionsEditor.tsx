import { Button, Checkbox, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';

import { useT } from '../hooks/useT';

import { SelectField, TextField } from './form/fields';
import { EditableTable } from './form/EditableTable';
import { type Column } from './list/DataTable';
import { RowActions } from './list/RowActions';
import { SubscriptionStatusBadge } from './StatusBadges';

import type { DocumentTypeMapping, StreamableContentType, SubscriptionStatus } from '../api/contracts';

/** One row of the producer form's subscriptions table. */
export interface SubscriptionRow {
  /** Client-side key (rows have no id before they are saved). */
  key: string;
  contentType: string;
  /** Empty: the same UID as `contentType`. */
  remoteContentType: string;
  useSameName: boolean;
  unsubscribed: boolean;
  mapping: string | null;
  /** Mirrored from the producer; absent on rows added in this form. */
  status?: SubscriptionStatus;
}

let rowCounter = 0;
/** A fresh key for a new subscription row. */
export const nextRowKey = () => `row-${++rowCounter}`;

interface SubscriptionsEditorProps {
  rows: SubscriptionRow[];
  onChange: (rows: SubscriptionRow[]) => void;
  contentTypes: StreamableContentType[];
  mappings: DocumentTypeMapping[];
  /** Errors keyed by `subscriptions.<index>.<field>` (and `subscriptions` for the whole list). */
  errors: Record<string, string>;
  disabled?: boolean;
}

/**
 * The subscriptions of an Event Producer: local content type (picked from this site's types),
 * remote content type (defaults to the same UID), Use Same Name, Unsubscribe, mapping, and the
 * approval status mirrored from the producer (read-only).
 */
export const SubscriptionsEditor = ({ rows, onChange, contentTypes, mappings, errors, disabled = false }: SubscriptionsEditorProps) => {
  const t = useT();

  const update = (index: number, patch: Partial<SubscriptionRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  const handleContentTypeChange = (index: number, contentType: string) => {
    const row = rows[index];
    const patch: Partial<SubscriptionRow> = { contentType };
    // Keep the remote type in step with the local one until the admin types a different one.
    if (!row.remoteContentType || row.remoteContentType === row.contentType) patch.remoteContentType = contentType;
    const mapping = mappings.find((m) => m.mappingName === row.mapping);
    if (mapping && mapping.localContentType !== contentType) patch.mapping = null;
    update(index, patch);
  };

  const addRow = () =>
    onChange([
      ...rows,
      { key: nextRowKey(), contentType: '', remoteContentType: '', useSameName: true, unsubscribed: false, mapping: null },
    ]);

  const taken = new Set(rows.map((row) => row.contentType));
  /** The props every cell's field shares: its name and error path, label, disabled state. */
  const field = (index: number, name: keyof SubscriptionRow, label: string) => ({
    name: `subscriptions.${index}.${name}`,
    label,
    labelHidden: true,
    error: errors[`subscriptions.${index}.${name}`],
    disabled,
  });
  const checkbox = (index: number, name: 'useSameName' | 'unsubscribed', label: string) => (
    <Checkbox
      checked={rows[index][name]}
      disabled={disabled}
      aria-label={label}
      onCheckedChange={(checked: boolean | 'indeterminate') => update(index, { [name]: checked === true })}
    />
  );

  const labels = {
    contentType: t('producers.form.subscriptions.contentType', 'Content type (here)'),
    remoteContentType: t('producers.form.subscriptions.remoteContentType', 'Remote content type'),
    useSameName: t('producers.form.subscriptions.useSameName', 'Use same name'),
    unsubscribed: t('producers.form.subscriptions.unsubscribed', 'Unsubscribe'),
    mapping: t('producers.form.subscriptions.mapping', 'Mapping'),
  };

  const columns: Array<Column<SubscriptionRow>> = [
    {
      id: 'contentType',
      header: labels.contentType,
      cellProps: { minWidth: '22rem' },
      cell: (row, index) => (
        <SelectField
          {...field(index, 'contentType', labels.contentType)}
          required
          placeholder={t('producers.form.subscriptions.pickType', 'Pick a content type')}
          value={row.contentType || null}
          options={contentTypes.map((ct) => ({
            value: ct.uid,
            label: `${ct.displayName} (${ct.uid})`,
            disabled: ct.uid !== row.contentType && taken.has(ct.uid),
          }))}
          onChange={(value) => handleContentTypeChange(index, value ?? '')}
        />
      ),
    },
    {
      id: 'remoteContentType',
      header: labels.remoteContentType,
      cellProps: { minWidth: '24rem' },
      cell: (row, index) => (
        <TextField
          {...field(index, 'remoteContentType', labels.remoteContentType)}
          placeholder={row.contentType || 'api::customer.customer'}
          value={row.remoteContentType}
          onChange={(value) => update(index, { remoteContentType: value })}
        />
      ),
    },
    { id: 'useSameName', header: labels.useSameName, cell: (_, index) => checkbox(index, 'useSameName', labels.useSameName) },
    { id: 'unsubscribed', header: labels.unsubscribed, cell: (_, index) => checkbox(index, 'unsubscribed', labels.unsubscribed) },
    {
      id: 'mapping',
      header: labels.mapping,
      cellProps: { minWidth: '18rem' },
      cell: (row, index) => (
        <SelectField
          {...field(index, 'mapping', labels.mapping)}
          noneLabel={t('producers.form.subscriptions.noMapping', 'None (same fields)')}
          value={row.mapping}
          options={mappings
            .filter((m) => !row.contentType || m.localContentType === row.contentType)
            .map((m) => ({ value: m.mappingName, label: m.mappingName }))}
          onChange={(value) => update(index, { mapping: value })}
        />
      ),
    },
    {
      id: 'status',
      header: t('producers.form.subscriptions.status', 'Status'),
      cell: (row) =>
        row.status ? (
          <SubscriptionStatusBadge status={row.status} />
        ) : (
          <Typography variant="pi" textColor="neutral600">
            {t('producers.form.subscriptions.notSaved', 'Not saved yet')}
          </Typography>
        ),
    },
    {
      id: 'actions',
      header: t('common.actions', 'Actions'),
      cell: (_, index) => (
        <RowActions
          actions={[
            {
              label: t('producers.form.subscriptions.remove', 'Remove subscription'),
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
      emptyText={t('producers.form.subscriptions.empty', 'No subscription yet. Add the content types this site should receive.')}
      error={errors.subscriptions}
      buttons={
        <Button variant="secondary" startIcon={<Plus />} onClick={addRow} disabled={disabled}>
          {t('producers.form.subscriptions.add', 'Add subscription')}
        </Button>
      }
    />
  );
};
