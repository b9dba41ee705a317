import {
  Box,
  Button,
  Checkbox,
  Field,
  Flex,
  IconButton,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';

import { getTrad } from '../utils/getTrad';

import { SubscriptionStatusBadge } from './StatusBadges';

import type { DocumentTypeMapping, StreamableContentType, SubscriptionStatus } from '../api';

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

const NO_MAPPING = '__none__';

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
  const { formatMessage } = useIntl();

  const update = (index: number, patch: Partial<SubscriptionRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  const handleContentTypeChange = (index: number, contentType: string) => {
    const row = rows[index];
    const patch: Partial<SubscriptionRow> = { contentType };
    // Keep the remote type in step with the local one until the admin types a different one.
    if (!row.remoteContentType || row.remoteContentType === row.contentType) {
      patch.remoteContentType = contentType;
    }
    const mapping = mappings.find((m) => m.mappingName === row.mapping);
    if (mapping && mapping.localContentType !== contentType) patch.mapping = null;
    update(index, patch);
  };

  const addRow = () =>
    onChange([
      ...rows,
      {
        key: nextRowKey(),
        contentType: '',
        remoteContentType: '',
        useSameName: true,
        unsubscribed: false,
        mapping: null,
      },
    ]);

  const removeRow = (index: number) => onChange(rows.filter((_, i) => i !== index));

  const taken = new Set(rows.map((row) => row.contentType));
  const listError = errors.subscriptions;

  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      {rows.length === 0 ? (
        <Box padding={4} background="neutral100" hasRadius>
          <Typography textColor="neutral600">
            {formatMessage({
              id: getTrad('producers.form.subscriptions.empty'),
              defaultMessage: 'No subscription yet. Add the content types this site should receive.',
            })}
          </Typography>
        </Box>
      ) : (
        <Table colCount={7} rowCount={rows.length + 1}>
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">
                  {formatMessage({ id: getTrad('producers.form.subscriptions.contentType'), defaultMessage: 'Content type (here)' })}
                </Typography>
              </Th>
              <Th>
                <Typography variant="sigma">
                  {formatMessage({ id: getTrad('producers.form.subscriptions.remoteContentType'), defaultMessage: 'Remote content type' })}
                </Typography>
              </Th>
              <Th>
                <Typography variant="sigma">
                  {formatMessage({ id: getTrad('producers.form.subscriptions.useSameName'), defaultMessage: 'Use same name' })}
                </Typography>
              </Th>
              <Th>
                <Typography variant="sigma">
                  {formatMessage({ id: getTrad('producers.form.subscriptions.unsubscribed'), defaultMessage: 'Unsubscribe' })}
                </Typography>
              </Th>
              <Th>
                <Typography variant="sigma">
                  {formatMessage({ id: getTrad('producers.form.subscriptions.mapping'), defaultMessage: 'Mapping' })}
                </Typography>
              </Th>
              <Th>
                <Typography variant="sigma">
                  {formatMessage({ id: getTrad('producers.form.subscriptions.status'), defaultMessage: 'Status' })}
                </Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{formatMessage({ id: getTrad('common.actions'), defaultMessage: 'Actions' })}</Typography>
              </Th>
            </Tr>
          </Thead>
          <Tbody>
            {rows.map((row, index) => {
              const error = (field: string) => errors[`subscriptions.${index}.${field}`];
              const rowMappings = mappings.filter((m) => !row.contentType || m.localContentType === row.contentType);
              const knownType = contentTypes.some((ct) => ct.uid === row.contentType);
              return (
                <Tr key={row.key}>
                  <Td minWidth="22rem">
                    <Field.Root name={`subscriptions.${index}.contentType`} error={error('contentType')} required>
                      <SingleSelect
                        aria-label={formatMessage({
                          id: getTrad('producers.form.subscriptions.contentType'),
                          defaultMessage: 'Content type (here)',
                        })}
                        placeholder={formatMessage({
                          id: getTrad('producers.form.subscriptions.pickType'),
                          defaultMessage: 'Pick a content type',
                        })}
                        value={row.contentType || null}
                        disabled={disabled}
                        onChange={(value: string | number) => handleContentTypeChange(index, String(value))}
                      >
                        {row.contentType && !knownType ? (
                          <SingleSelectOption value={row.contentType}>{row.contentType}</SingleSelectOption>
                        ) : null}
                        {contentTypes.map((ct) => (
                          <SingleSelectOption key={ct.uid} value={ct.uid} disabled={ct.uid !== row.contentType && taken.has(ct.uid)}>
                            {`${ct.displayName} (${ct.uid})`}
                          </SingleSelectOption>
                        ))}
                      </SingleSelect>
                      <Field.Error />
                    </Field.Root>
                  </Td>
                  <Td minWidth="24rem">
                    <Field.Root name={`subscriptions.${index}.remoteContentType`} error={error('remoteContentType')}>
                      <TextInput
                        aria-label={formatMessage({
                          id: getTrad('producers.form.subscriptions.remoteContentType'),
                          defaultMessage: 'Remote content type',
                        })}
                        placeholder={row.contentType || 'api::customer.customer'}
                        value={row.remoteContentType}
                        disabled={disabled}
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) => update(index, { remoteContentType: e.target.value })}
                      />
                      <Field.Error />
                    </Field.Root>
                  </Td>
                  <Td>
                    <Checkbox
                      checked={row.useSameName}
                      disabled={disabled}
                      aria-label={formatMessage({
                        id: getTrad('producers.form.subscriptions.useSameName'),
                        defaultMessage: 'Use same name',
                      })}
                      onCheckedChange={(checked: boolean | 'indeterminate') => update(index, { useSameName: checked === true })}
                    />
                  </Td>
                  <Td>
                    <Checkbox
                      checked={row.unsubscribed}
                      disabled={disabled}
                      aria-label={formatMessage({
                        id: getTrad('producers.form.subscriptions.unsubscribed'),
                        defaultMessage: 'Unsubscribe',
                      })}
                      onCheckedChange={(checked: boolean | 'indeterminate') => update(index, { unsubscribed: checked === true })}
                    />
                  </Td>
                  <Td minWidth="18rem">
                    <Field.Root name={`subscriptions.${index}.mapping`} error={error('mapping')}>
                      <SingleSelect
                        aria-label={formatMessage({ id: getTrad('producers.form.subscriptions.mapping'), defaultMessage: 'Mapping' })}
                        value={row.mapping ?? NO_MAPPING}
                        disabled={disabled}
                        onChange={(value: string | number) => update(index, { mapping: value === NO_MAPPING ? null : String(value) })}
                      >
                        <SingleSelectOption value={NO_MAPPING}>
                          {formatMessage({ id: getTrad('producers.form.subscriptions.noMapping'), defaultMessage: 'None (same fields)' })}
                        </SingleSelectOption>
                        {row.mapping && !rowMappings.some((m) => m.mappingName === row.mapping) ? (
                          <SingleSelectOption value={row.mapping}>{row.mapping}</SingleSelectOption>
                        ) : null}
                        {rowMappings.map((m) => (
                          <SingleSelectOption key={m.id} value={m.mappingName}>
                            {m.mappingName}
                          </SingleSelectOption>
                        ))}
                      </SingleSelect>
                      <Field.Error />
                    </Field.Root>
                  </Td>
                  <Td>
                    {row.status ? (
                      <SubscriptionStatusBadge status={row.status} />
                    ) : (
                      <Typography variant="pi" textColor="neutral600">
                        {formatMessage({ id: getTrad('producers.form.subscriptions.notSaved'), defaultMessage: 'Not saved yet' })}
                      </Typography>
                    )}
                  </Td>
                  <Td>
                    <IconButton
                      label={formatMessage({ id: getTrad('producers.form.subscriptions.remove'), defaultMessage: 'Remove subscription' })}
                      variant="ghost"
                      disabled={disabled}
                      onClick={() => removeRow(index)}
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
      {listError ? (
        <Typography variant="pi" textColor="danger600">
          {listError}
        </Typography>
      ) : null}
      <Box>
        <Button variant="secondary" startIcon={<Plus />} onClick={addRow} disabled={disabled}>
          {formatMessage({ id: getTrad('producers.form.subscriptions.add'), defaultMessage: 'Add subscription' })}
        </Button>
      </Box>
    </Flex>
  );
};
