import { Box, Flex, Typography } from '@strapi/design-system';
import { useIsMutating } from '@tanstack/react-query';

import { useBackfillsQuery } from '../../api/hooks';
import { DateTime } from '../../components/DateTime';
import { ProgressLine } from '../../components/ProgressLine';
import { useT } from '../../hooks/useT';

import type { BackfillProgress as Progress, EventProducer } from '../../api/contracts';

const STATE_COLOR: Record<Progress['state'], string> = {
  pending: 'warning600',
  running: 'primary600',
  done: 'success600',
  failed: 'danger600',
};

/** One type's back-fill: a bar (documents / total, or pages when the producer gave no total) and its counts. */
const TypeProgress = ({ progress, localType }: { progress: Progress; localType: string }) => {
  const t = useT();
  const { state, copied, failed, total, pages } = progress;
  const percent = total ? Math.min(100, Math.round(((copied + failed) / total) * 100)) : state === 'done' ? 100 : null;
  const counts = total
    ? t('producers.backfills.documents', '{done} of {total} documents', { done: copied + failed, total })
    : t('producers.backfills.pages', '{done} documents, {pages} pages', { done: copied + failed, pages });
  return (
    <Flex direction="column" alignItems="stretch" gap={1} data-testid={`backfill-${progress.contentType}`}>
      <Flex justifyContent="space-between" gap={2}>
        <Typography fontWeight="semiBold">{localType}</Typography>
        <Typography variant="pi" textColor={STATE_COLOR[state]} fontWeight="bold">
          {t(`producers.backfills.state.${state}`, state)}
          {' · '}
          {t(`producers.backfills.trigger.${progress.trigger}`, progress.trigger === 'approval' ? 'on approval' : 'manual')}
          {progress.phase === 'sweep' && state === 'running'
            ? ` · ${t('producers.backfills.sweeping', 'removing what the producer no longer serves')}`
            : ''}
        </Typography>
      </Flex>
      {/* No total: the bar is indeterminate (null) while it runs. */}
      <ProgressLine
        value={percent}
        label={counts}
        color={state === 'failed' ? 'danger500' : state === 'done' ? 'success500' : 'primary600'}
      />
      <Flex justifyContent="space-between" gap={2}>
        <Typography variant="pi" textColor="neutral600">
          {counts}
          {failed ? ` · ${t('producers.backfills.failed', '{failed} failed', { failed })}` : ''}
          {progress.deleted ? ` · ${t('producers.backfills.deleted', '{deleted} removed', { deleted: progress.deleted })}` : ''}
        </Typography>
        {progress.finishedAt ? (
          <Typography variant="pi" textColor="neutral600" tag="span">
            <DateTime value={progress.finishedAt} />
          </Typography>
        ) : null}
      </Flex>
      {progress.error ? (
        <Typography variant="pi" textColor={state === 'failed' ? 'danger600' : 'warning600'}>
          {progress.error}
        </Typography>
      ) : null}
      {progress.failures.slice(0, 5).map((failure) => (
        <Typography key={failure} variant="pi" textColor="danger600">
          {failure}
        </Typography>
      ))}
    </Flex>
  );
};

/**
 * The producer's back-fills per type (GET /producers/:id/backfill): a progress bar while one runs
 * (polled every second, also while a Back-fill started here is under way) and the last result.
 * Nothing when no type was ever back-filled.
 */
export const BackfillProgress = ({ producer }: { producer: EventProducer }) => {
  const t = useT();
  const busy = useIsMutating() > 0;
  const { data, error } = useBackfillsQuery(producer.id, busy);
  if (error) {
    return <Typography textColor="danger600">{t('producers.backfills.error', 'The back-fill progress could not be loaded.')}</Typography>;
  }
  if (!data?.length) return null;
  const localOf = (remote: string) => producer.subscriptions.find((s) => s.remoteContentType === remote)?.contentType ?? remote;
  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Typography variant="delta" tag="h2">
          {t('producers.backfills.title', 'Back-fill')}
        </Typography>
        {data.map((progress) => (
          <TypeProgress key={progress.contentType} progress={progress} localType={localOf(progress.contentType)} />
        ))}
      </Flex>
    </Box>
  );
};
