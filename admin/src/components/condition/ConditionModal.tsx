import * as React from 'react';
import { Box, Button, Flex, IconButton, Modal, Typography } from '@strapi/design-system';
import { Filter, Plus, Trash } from '@strapi/icons';

import { useContentTypes, useCountMatchingQuery } from '../../api/hooks';
import { useT } from '../../hooks/useT';
import { getErrorMessage } from '../../utils/errors';
import { SelectField, TextField } from '../form/fields';

import { conditionToRows, newConditionRow, NO_VALUE, OPERATORS, rowsToCondition, type ConditionRow, type Match } from './conditionRows';

import type { StreamableContentType } from '../../api/contracts';

const NUMERIC = new Set(['integer', 'biginteger', 'decimal', 'float']);
/** Attribute types a row can filter on directly. */
const FILTERABLE = new Set(['string', 'text', 'email', 'uid', 'enumeration', 'boolean', 'date', 'datetime', 'time', ...NUMERIC]);

/** Fields of a type the builder offers: its own scalars, then `relation.field` for relations to streamable types. */
const fieldsOf = (uid: string, byUid: Map<string, StreamableContentType>): Array<{ value: string; label: string; type: string }> => {
  const own = byUid.get(uid)?.attributes ?? [];
  const out = own.filter((a) => FILTERABLE.has(a.type)).map((a) => ({ value: a.name, label: a.name, type: a.type }));
  for (const a of own) {
    const target = a.type === 'relation' && a.target ? byUid.get(a.target) : undefined;
    for (const b of target?.attributes.filter((x) => FILTERABLE.has(x.type)) ?? [])
      out.push({ value: `${a.name}.${b.name}`, label: `${a.name} › ${b.name}`, type: b.type });
  }
  return [{ value: 'documentId', label: 'documentId', type: 'string' }, ...out];
};

interface ConditionModalProps {
  contentType: string;
  condition: Record<string, unknown> | null;
  saving: boolean;
  onSave: (condition: Record<string, unknown> | null) => void;
  onClose: () => void;
}

/**
 * The condition of one subscription, in the look of Strapi's own filters: rows of field /
 * operator / value joined by "all" or "any", or JSON for other shapes; the count of documents
 * it matches is shown as it is edited (POST /consumers/count-matching, which also checks it).
 */
export const ConditionModal = ({ contentType, condition, saving, onSave, onClose }: ConditionModalProps) => {
  const t = useT();
  const { byUid } = useContentTypes();
  const initial = React.useMemo(() => conditionToRows(condition), [condition]);
  const [mode, setMode] = React.useState<'rows' | 'json'>(initial ? 'rows' : 'json');
  const [match, setMatch] = React.useState<Match>(initial?.match ?? 'and');
  const [rows, setRows] = React.useState<ConditionRow[]>(initial?.rows ?? []);
  const [json, setJson] = React.useState(condition ? JSON.stringify(condition, null, 2) : '');
  const fields = fieldsOf(contentType, byUid);
  const opLabels: Record<string, string> = {
    $eq: t('conditions.op.eq', 'is'),
    $ne: t('conditions.op.ne', 'is not'),
    $lt: t('conditions.op.lt', 'is lower than'),
    $lte: t('conditions.op.lte', 'is lower than or equal to'),
    $gt: t('conditions.op.gt', 'is greater than'),
    $gte: t('conditions.op.gte', 'is greater than or equal to'),
    $contains: t('conditions.op.contains', 'contains'),
    $notContains: t('conditions.op.notContains', 'does not contain'),
    $startsWith: t('conditions.op.startsWith', 'starts with'),
    $endsWith: t('conditions.op.endsWith', 'ends with'),
    $in: t('conditions.op.in', 'is one of'),
    $null: t('conditions.op.null', 'is null'),
    $notNull: t('conditions.op.notNull', 'is not null'),
  };
  const typeOf = (field: string) => fields.find((f) => f.value === field)?.type;

  let parsed: Record<string, unknown> | null = null;
  let jsonError: string | null = null;
  if (mode === 'rows') parsed = rowsToCondition(match, rows, typeOf);
  else if (json.trim()) {
    try {
      const value: unknown = JSON.parse(json);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed = value as Record<string, unknown>;
      else jsonError = t('conditions.jsonObject', 'Enter a JSON object (Strapi filters).');
    } catch {
      jsonError = t('conditions.jsonInvalid', 'This is not valid JSON.');
    }
  }
  const [debounced, setDebounced] = React.useState(parsed);
  const key = JSON.stringify(parsed);
  React.useEffect(() => {
    const timer = setTimeout(() => setDebounced(key === 'null' ? null : (JSON.parse(key) as Record<string, unknown>)), 300);
    return () => clearTimeout(timer);
  }, [key]);
  const count = useCountMatchingQuery(contentType, debounced, jsonError === null);

  const update = (index: number, patch: Partial<ConditionRow>) => setRows(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  const toJson = () => {
    setJson(parsed ? JSON.stringify(parsed, null, 2) : '');
    setMode('json');
  };
  const toRows = () => {
    const back = conditionToRows(parsed);
    if (!back) return;
    setMatch(back.match);
    setRows(back.rows);
    setMode('rows');
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header closeLabel={t('common.close', 'Close')}>
          <Modal.Title>
            {t('conditions.title', 'Condition on {type}', { type: byUid.get(contentType)?.displayName ?? contentType })}
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Typography textColor="neutral600">
              {t(
                'conditions.help',
                'Only documents that match are sent to this consumer. A document that starts to match arrives whole; one that stops matching is removed there (unless the consumer keeps it). No condition: every document.'
              )}
            </Typography>
            {mode === 'rows' ? (
              <Flex direction="column" alignItems="stretch" gap={2}>
                <Box maxWidth="24rem">
                  <SelectField
                    name="condition-match"
                    label={t('conditions.match', 'Documents matching')}
                    value={match}
                    options={[
                      { value: 'and', label: t('conditions.all', 'all of these filters') },
                      { value: 'or', label: t('conditions.any', 'any of these filters') },
                    ]}
                    onChange={(value) => setMatch(value === 'or' ? 'or' : 'and')}
                  />
                </Box>
                {rows.map((row, index) => (
                  <Flex key={row.key} gap={2} alignItems="flex-end" data-testid="condition-row">
                    <Box flex="2">
                      <SelectField
                        name={`condition.${index}.field`}
                        label={t('conditions.field', 'Field')}
                        labelHidden={index > 0}
                        value={row.field || null}
                        options={fields}
                        placeholder={t('conditions.pickField', 'Pick a field')}
                        onChange={(value) => update(index, { field: value ?? '' })}
                      />
                    </Box>
                    <Box flex="2">
                      <SelectField
                        name={`condition.${index}.operator`}
                        label={t('conditions.operator', 'Operator')}
                        labelHidden={index > 0}
                        value={row.operator}
                        options={OPERATORS.map(([value, label]) => ({ value, label: opLabels[value] ?? label }))}
                        onChange={(value) => update(index, { operator: value ?? '$eq' })}
                      />
                    </Box>
                    <Box flex="2">
                      <TextField
                        name={`condition.${index}.value`}
                        label={t('conditions.value', 'Value')}
                        labelHidden={index > 0}
                        value={row.value}
                        disabled={NO_VALUE.has(row.operator)}
                        placeholder={row.operator === '$in' ? 'a, b, c' : ''}
                        onChange={(value) => update(index, { value })}
                      />
                    </Box>
                    <IconButton
                      label={t('conditions.removeRow', 'Remove this filter')}
                      variant="ghost"
                      onClick={() => setRows(rows.filter((_, i) => i !== index))}
                    >
                      <Trash />
                    </IconButton>
                  </Flex>
                ))}
                <Flex gap={2}>
                  <Button variant="secondary" startIcon={<Plus />} onClick={() => setRows([...rows, newConditionRow()])}>
                    {t('conditions.addRow', 'Add filter')}
                  </Button>
                  <Button variant="tertiary" onClick={toJson}>
                    {t('conditions.editJson', 'Edit as JSON')}
                  </Button>
                </Flex>
              </Flex>
            ) : (
              <Flex direction="column" alignItems="stretch" gap={2}>
                <TextField
                  name="condition-json"
                  label={t('conditions.json', 'Condition (Strapi filters, JSON)')}
                  multiline
                  value={json}
                  error={jsonError ?? undefined}
                  placeholder='{ "price": { "$gte": 100 } }'
                  onChange={setJson}
                />
                <Box>
                  <Button variant="tertiary" disabled={jsonError !== null || !conditionToRows(parsed)} onClick={toRows}>
                    {t('conditions.editRows', 'Edit as filters')}
                  </Button>
                </Box>
              </Flex>
            )}
            <Flex gap={2} data-testid="condition-count">
              <Filter />
              {count.error ? (
                <Typography textColor="danger600">
                  {getErrorMessage(count.error, t('conditions.countFailed', 'Could not count'))}
                </Typography>
              ) : count.data ? (
                <Typography>
                  {t('conditions.count', '{count} of {total} documents match', { count: count.data.count, total: count.data.total })}
                </Typography>
              ) : (
                <Typography textColor="neutral600">{t('conditions.counting', 'Counting…')}</Typography>
              )}
            </Flex>
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Button variant="tertiary" onClick={onClose}>
            {t('common.cancel', 'Cancel')}
          </Button>
          <Flex gap={2}>
            <Button variant="danger-light" disabled={saving || condition === null} onClick={() => onSave(null)}>
              {t('conditions.clear', 'Remove condition')}
            </Button>
            <Button loading={saving} disabled={jsonError !== null || Boolean(count.error)} onClick={() => onSave(parsed)}>
              {t('conditions.save', 'Save condition')}
            </Button>
          </Flex>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
