import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { ArrowsCounterClockwise } from '@strapi/icons';

import { useSyncLogQuery } from '../../api/hooks';
import { JsonModal } from '../../components/JsonView';
import { SyncStatusBadge, UpdateTypeBadge } from '../../components/StatusBadges';
import { useT } from '../../hooks/useT';

import { GaveUpBadge } from './LogCells';

import type { SyncLogEntry } from '../../api/contracts';

interface SyncLogEntryModalProps {
  id: number;
  /** The entry's row in the list (shown until the entry itself arrives); gone when a filter no longer matches it. */
  listed: SyncLogEntry | undefined;
  /** Undefined: no Resync button (no permission); a Synced entry has none either. */
  onResync?: (entry: SyncLogEntry) => void;
  isResyncing: boolean;
  onClose: () => void;
}

/** One sync-log entry: status, error, the data as applied and the whole entry as JSON, with Resync. */
export const SyncLogEntryModal = ({ id, listed, onResync, isResyncing, onClose }: SyncLogEntryModalProps) => {
  const t = useT();
  const entry = useSyncLogQuery(id, listed).data;
  if (!entry) return null;
  const isNote = entry.status === 'Synced';
  return (
    <JsonModal
      title={t('syncLog.entryTitle', 'Sync of event #{seq}', { seq: entry.seq })}
      sections={[
        { label: t('syncLog.data', 'Data (as applied)'), value: entry.data },
        { label: t('logs.entry', 'Entry'), value: entry },
      ]}
      onClose={onClose}
    >
      <Flex gap={4} justifyContent="space-between" alignItems="flex-start">
        <Flex gap={2}>
          <SyncStatusBadge status={entry.status} />
          <GaveUpBadge entry={entry} />
          <UpdateTypeBadge updateType={entry.updateType} />
        </Flex>
        {onResync && !isNote ? (
          <Button variant="secondary" startIcon={<ArrowsCounterClockwise />} loading={isResyncing} onClick={() => onResync(entry)}>
            {t('syncLog.resync', 'Resync')}
          </Button>
        ) : null}
      </Flex>
      {entry.error ? (
        // On a Synced entry the text is a note (e.g. "resynced from ..."), not an error.
        <Box padding={4} background={isNote ? 'neutral100' : 'danger100'} hasRadius>
          <Typography textColor={isNote ? 'neutral700' : 'danger700'}>{entry.error}</Typography>
        </Box>
      ) : null}
    </JsonModal>
  );
};
