import * as React from 'react';
import { Badge, Flex, TextInput, Tooltip, Typography } from '@strapi/design-system';

import { useT } from '../../hooks/useT';

import type { SyncLogEntry } from '../../api/contracts';

/**
 * The document-id filter: typed freely, applied on Enter or when the input loses focus. Mount it
 * with `key={value}` so a value changed elsewhere (a link, Back) restarts the input from it.
 */
export const DocumentIdFilter = ({ value, onApply }: { value: string | undefined; onApply: (value: string | undefined) => void }) => {
  const t = useT();
  const [input, setInput] = React.useState(value ?? '');
  const apply = () => {
    const next = input.trim() || undefined;
    if (next !== value) onApply(next);
  };
  return (
    <TextInput
      size="S"
      aria-label={t('filters.documentId', 'Document id')}
      placeholder={t('filters.documentId', 'Document id')}
      value={input}
      onChange={(e: React.ChangeEvent<HTMLInputElement>) => setInput(e.target.value)}
      onBlur={apply}
      onKeyDown={(e: React.KeyboardEvent<HTMLInputElement>) => {
        if (e.key === 'Enter') apply();
      }}
    />
  );
};

interface DocumentCellProps {
  documentId: string | null;
  locale: string | null;
  /** A grey line under the id (e.g. the remote document id). */
  note?: string | null;
  /** Under the locale. */
  footer?: React.ReactNode;
}

/** The document id, with its locale under it. */
export const DocumentCell = ({ documentId, locale, note, footer }: DocumentCellProps) => (
  <Flex direction="column" alignItems="flex-start">
    <Typography>{documentId ?? '—'}</Typography>
    {[note, locale].map((line, index) =>
      line ? (
        <Typography key={index} variant="pi" textColor="neutral600">
          {line}
        </Typography>
      ) : null
    )}
    {footer}
  </Flex>
);

/**
 * "Gave up": a Failed entry with no retry scheduled any more (its attempts are used up, or its
 * producer was deleted). The tooltip says how many attempts were made and that only a manual
 * Resync retries it now.
 */
export const GaveUpBadge = ({ entry }: { entry: SyncLogEntry }) => {
  const t = useT();
  if (!entry.gaveUp) return null;
  return (
    <Tooltip
      label={t(
        'syncLog.gaveUp.tooltip',
        'Gave up after {attempts, plural, one {# attempt} other {# attempts}}: no automatic retry is scheduled. Use Resync to try again.',
        { attempts: entry.attempts }
      )}
    >
      {/* The tooltip's trigger needs an element that takes a ref (Badge does not): a focusable span. */}
      <span tabIndex={0}>
        <Badge textColor="danger600" backgroundColor="danger100">
          {t('syncLog.gaveUp', 'Gave up')}
        </Badge>
      </span>
    </Tooltip>
  );
};
