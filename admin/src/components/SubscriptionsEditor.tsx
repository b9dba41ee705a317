import { Badge, Button, Checkbox, Flex, Typography } from '@strapi/design-system';
import { Plus } from '@strapi/icons';

import { useT } from '../hooks/useT';

import { mappingOption, SelectField, TextField } from './form/fields';
import { useRowsEditor, type RowsEditorProps } from './form/useRowsEditor';
import { EditableTable } from './form/EditableTable';
import { type Column } from './list/DataTable';
import { SubscriptionStatusBadge } from './StatusBadges';

import type { StreamableContentType, SubscriptionStatus } from '../api/contracts';

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
  /** Local fields kept local (filled on create, never overwritten), as typed: `price, seo.metaTitle`. */
  keepLocal: string;
  /** Conditions (issue 14): the condition this site asks for, as JSON text (Strapi filters on the remote type); empty: none. */
  condition: string;
  /** A document that stops matching: deleted here (default) or kept. */
  onExit: 'delete' | 'keep';
  /** Review queue (issue 15): incoming changes wait for an editor (mode `review`). */
  review?: boolean;
  /** A change to a document edited here since the last applied one is held for review (onConflict `hold`). */
  holdConflicts?: boolean;
  /** Mirrored from the producer; absent on rows added in this form. */
  status?: SubscriptionStatus;
  /** Unsubscribed as last saved (the producer keeps the type and its approval). */
  savedUnsubscribed?: boolean;
}

/** The status cell of a row added in this form. */
const NotSaved = () => {
  const t = useT();
  return (
    <Typography variant="pi" textColor="neutral600">
      {t('producers.form.subscriptions.notSaved', 'Not saved yet')}
    </Typography>
  );
};

let rowCounter = 0;
/** A fresh key for a new subscription row. */
export const nextRowKey = () => `row-${++rowCounter}`;

interface SubscriptionsEditorProps extends RowsEditorProps<SubscriptionRow> {
  contentTypes: StreamableContentType[];
}

/**
 * The subscriptions of an Event Producer: local content type (picked from this site's types),
 * remote content type (defaults to the same UID), Use Same Name, Unsubscribe, mapping, the fields
 * kept local (comma-separated local field paths, checked by the server against this site's
 * schema), and the approval status mirrored from the producer (read-only).
 */
export const SubscriptionsEditor = ({ rows, onChange, contentTypes, mappings, errors, disabled = false }: SubscriptionsEditorProps) => {
  const t = useT();
  const { update, field, text, pick, remove } = useRowsEditor({ prefix: 'subscriptions', rows, onChange, errors, disabled });
  const typeOptions = contentTypes.map(({ uid, displayName }) => ({ value: uid, label: `${displayName} (${uid})` }));

  const handleContentTypeChange = (index: number, contentType: string) => {
    const row = rows[index];
    const patch: Partial<SubscriptionRow> = { contentType };
    // Keep the remote type in step with the local one until the admin types a different one.
    if (!row.remoteContentType || row.remoteContentType === row.contentType) patch.remoteContentType = contentType;
    const mapping = mappings.find((m) => m.mappingName === row.mapping);
    if (mapping && mapping.localContentType !== contentType) patch.mapping = null;
    update(index, patch);
  };

  const checkbox = (index: number, name: 'useSameName' | 'unsubscribed' | 'review' | 'holdConflicts', label: string) => (
    <Checkbox
      checked={rows[index][name] === true}
      disabled={disabled}
      aria-label={label}
      onCheckedChange={(checked: boolean | 'indeterminate') => update(index, { [name]: checked === true })}
    />
  );

  /** The local content type: each is subscribed once. */
  const typeCell: Column<SubscriptionRow>['cell'] = (_, index, label) => (
    <SelectField
      {...pick(index, 'contentType', label, typeOptions)}
      placeholder={t('producers.form.subscriptions.pickType', 'Pick a content type')}
      onChange={(uid) => handleContentTypeChange(index, uid ?? '')}
    />
  );

  const columns: Array<Column<SubscriptionRow>> = [
    { header: ['producers.form.subscriptions.contentType', 'Content type (here)'], minWidth: '22rem', cell: typeCell },
    {
      header: ['producers.form.subscriptions.remoteContentType', 'Remote content type'],
      minWidth: '24rem',
      cell: (row, index, label) => (
        <TextField {...text(index, 'remoteContentType', label)} placeholder={row.contentType || 'api::customer.customer'} />
      ),
    },
    {
      header: ['producers.form.subscriptions.useSameName', 'Use same name'],
      cell: (_, index, label) => checkbox(index, 'useSameName', label),
    },
    {
      header: ['producers.form.subscriptions.unsubscribed', 'Unsubscribe'],
      cell: (_, index, label) => checkbox(index, 'unsubscribed', label),
    },
    {
      header: ['producers.form.subscriptions.mapping', 'Mapping'],
      minWidth: '18rem',
      cell: (row, index, label) => (
        <SelectField
          {...field(index, 'mapping', label)}
          noneLabel={t('producers.form.subscriptions.noMapping', 'None (same fields)')}
          value={row.mapping}
          options={mappings.filter((m) => !row.contentType || m.localContentType === row.contentType).map(mappingOption)}
          onChange={(value) => update(index, { mapping: value })}
        />
      ),
    },
    {
      header: ['producers.form.subscriptions.keepLocal', 'Kept local'],
      minWidth: '18rem',
      cell: (_, index, label) => <TextField {...text(index, 'keepLocal', label)} placeholder="price, seo.metaTitle" />,
    },
    {
      header: ['producers.form.subscriptions.condition', 'Condition (asked)'],
      minWidth: '20rem',
      cell: (_, index, label) => <TextField {...text(index, 'condition', label)} placeholder='{ "price": { "$gte": 100 } }' />,
    },
    {
      header: ['producers.form.subscriptions.onExit', 'When a document stops matching'],
      minWidth: '14rem',
      cell: (row, index, label) => (
        <SelectField
          {...field(index, 'onExit', label)}
          value={row.onExit}
          options={[
            { value: 'delete', label: t('producers.form.subscriptions.onExitDelete', 'Delete it here') },
            { value: 'keep', label: t('producers.form.subscriptions.onExitKeep', 'Keep it here') },
          ]}
          onChange={(value) => update(index, { onExit: value === 'keep' ? 'keep' : 'delete' })}
        />
      ),
    },
    {
      header: ['producers.form.subscriptions.mode.review', 'Review first'],
      cell: (_, index, label) => checkbox(index, 'review', label),
    },
    {
      header: ['producers.form.subscriptions.onConflict.hold', 'Hold conflicts for review'],
      cell: (_, index, label) => checkbox(index, 'holdConflicts', label),
    },
    {
      header: ['producers.form.subscriptions.status', 'Status'],
      cell: (row) =>
        row.status ? (
          <Flex gap={2}>
            <SubscriptionStatusBadge status={row.status} />
            {row.savedUnsubscribed ? <Badge>{t('consumers.unsubscribed', 'Unsubscribed')}</Badge> : null}
          </Flex>
        ) : (
          <NotSaved />
        ),
    },
  ];

  return (
    <EditableTable
      columns={columns}
      rows={rows}
      emptyText={t('producers.form.subscriptions.empty', 'No subscription yet. Add the content types this site should receive.')}
      error={errors.subscriptions}
      removeLabel={['producers.form.subscriptions.remove', 'Remove subscription']}
      onRemove={remove}
      disabled={disabled}
      buttons={
        <Button
          variant="secondary"
          startIcon={<Plus />}
          disabled={disabled}
          onClick={() =>
            onChange([
              ...rows,
              {
                key: nextRowKey(),
                contentType: '',
                remoteContentType: '',
                useSameName: true,
                unsubscribed: false,
                mapping: null,
                keepLocal: '',
                condition: '',
                onExit: 'delete',
              },
            ])
          }
        >
          {t('producers.form.subscriptions.add', 'Add subscription')}
        </Button>
      }
    />
  );
};
