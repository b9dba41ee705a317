import * as React from 'react';
import { Badge, Box, Button, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Check, Cross } from '@strapi/icons';

import { ConfirmAction } from '../../components/ConfirmAction';
import { ContentTypeName } from '../../components/ContentTypeName';
import { DateTime } from '../../components/DateTime';
import { ListFilters, useContentTypeFilter, useProducerFilter } from '../../components/list/ListFilters';
import { ListLayout, type ListText } from '../../components/list/ListLayout';
import { UpdateTypeBadge } from '../../components/StatusBadges';
import { useListQuery } from '../../hooks/useListQuery';
import { useNotify } from '../../hooks/useNotify';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useT } from '../../hooks/useT';

import { useAcceptAllMutation, useDecideMutation, useReviewsQuery, type ReviewItem } from './reviewApi';

import type { HoldReason } from '../../api/contracts';

const TEXT: ListText = {
  title: ['review.title', 'Review'],
  subtitle: [
    'review.subtitle',
    '{total, plural, =0 {Nothing awaits review} one {# incoming change awaits review} other {# incoming changes await review}}.',
  ],
  subtitleLoading: ['review.subtitleLoading', 'Incoming changes held for an editor to accept or reject.'],
  empty: ['review.empty', 'Nothing awaits review. Changes of subscriptions in review mode, and conflicts held, appear here.'],
};

const REASONS: HoldReason[] = ['review', 'conflict', 'queued'];
const isReason = (v: string | undefined): v is HoldReason => REASONS.some((r) => r === v);

/** Local value beside incoming (and, for a conflict, the base), one row per field. */
const FieldsTable = ({ item }: { item: ReviewItem }) => {
  const t = useT();
  const cell = (text: string | undefined, strong: boolean) => (
    <Td>
      <Typography fontWeight={strong ? 'semiBold' : undefined} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {text ?? '—'}
      </Typography>
    </Td>
  );
  if (!item.fields.length)
    return (
      <Typography textColor="danger600">
        {item.updateType === 'Delete'
          ? t('review.delete', 'The producer deleted this document: accepting deletes it here.')
          : t('review.noFields', 'No field changes.')}
      </Typography>
    );
  return (
    <Table colCount={item.conflict ? 4 : 3} rowCount={item.fields.length + 1}>
      <Thead>
        <Tr>
          <Th>
            <Typography variant="sigma">{t('review.field', 'Field')}</Typography>
          </Th>
          {item.conflict ? (
            <Th>
              <Typography variant="sigma">{t('review.base', 'Base (last applied)')}</Typography>
            </Th>
          ) : null}
          <Th>
            <Typography variant="sigma">{t('review.local', 'Local value')}</Typography>
          </Th>
          <Th>
            <Typography variant="sigma">{t('review.incoming', 'Incoming value')}</Typography>
          </Th>
        </Tr>
      </Thead>
      <Tbody>
        {item.fields.map((f) => (
          <Tr key={f.field}>
            <Td>
              <Typography fontWeight="semiBold">{f.field}</Typography>
            </Td>
            {item.conflict ? cell(f.base, false) : null}
            {cell(f.local, false)}
            {cell(f.incoming, f.changed)}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

const ReviewCard = ({ item, canReview }: { item: ReviewItem; canReview: boolean }) => {
  const t = useT();
  const notify = useNotify();
  const decide = useDecideMutation();
  const busy = decide.isPending && decide.variables?.id === item.id;
  const run = (decision: 'accept' | 'reject') =>
    decide.mutate(
      { id: item.id, decision },
      {
        onSuccess: () =>
          notify.success(
            decision === 'accept' ? t('review.accepted', 'Change accepted and applied.') : t('review.rejected', 'Change rejected.')
          ),
        onError: notify.error,
      }
    );
  return (
    <Box background="neutral0" hasRadius shadow="tableShadow" padding={5} data-testid={`review-${item.id}`}>
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex justifyContent="space-between" alignItems="flex-start" gap={4} wrap="wrap">
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Flex gap={2} alignItems="center">
              <ContentTypeName uid={item.contentType} />
              <Typography textColor="neutral600">{item.documentId ?? item.remoteDocumentId}</Typography>
              {item.locale ? <Badge>{item.locale}</Badge> : null}
            </Flex>
            <Flex gap={2} alignItems="center" wrap="wrap">
              <UpdateTypeBadge updateType={item.updateType} />
              <Typography variant="pi">#{item.seq}</Typography>
              {item.conflict ? (
                <Badge backgroundColor="danger100" textColor="danger700">
                  {t('review.conflict', 'Conflict: edited here too')}
                </Badge>
              ) : null}
              {item.reason === 'queued' ? <Badge>{t('review.queued', 'Waits for an earlier change')}</Badge> : null}
              {item.diverged ? (
                <Badge backgroundColor="warning100" textColor="warning700">
                  {t('review.diverged', "Diverged: accepting brings the producer's whole current state")}
                </Badge>
              ) : null}
            </Flex>
            <Typography variant="pi" textColor="neutral600">
              {t('review.from', 'From {producer} (made on site {origin})', {
                producer: item.producer?.producerUrl ?? '—',
                origin: item.originSiteId ?? '—',
              })}
              {item.changedBy ? ` · ${t('review.changedBy', 'by {who}', { who: item.changedBy })}` : null}
              {item.changedAt ? (
                <>
                  {` · ${t('review.changedAt', 'changed')} `}
                  <DateTime value={item.changedAt} />
                </>
              ) : null}
              {` · ${t('review.receivedAt', 'received')} `}
              <DateTime value={item.receivedAt} />
            </Typography>
          </Flex>
          {canReview ? (
            <Flex gap={2}>
              <Button
                startIcon={<Check />}
                disabled={!item.reviewable || decide.isPending}
                loading={busy && decide.variables?.decision === 'accept'}
                onClick={() => run('accept')}
              >
                {t('review.accept', 'Accept')}
              </Button>
              <Button
                variant="danger-light"
                startIcon={<Cross />}
                disabled={!item.reviewable || decide.isPending}
                loading={busy && decide.variables?.decision === 'reject'}
                onClick={() => run('reject')}
              >
                {t('review.reject', 'Reject')}
              </Button>
            </Flex>
          ) : null}
        </Flex>
        <FieldsTable item={item} />
        {item.error ? (
          <Typography variant="pi" textColor="danger600">
            {item.error}
          </Typography>
        ) : null}
      </Flex>
    </Box>
  );
};

/**
 * The review queue (issue 15): incoming changes held for an editor — subscriptions in review mode,
 * and conflicts with local edits — each with its fields (local beside incoming), Accept / Reject,
 * and Accept all for the filtered list. Changes of one document are decided in order.
 */
export const ReviewPage = () => {
  const t = useT();
  const notify = useNotify();
  const { canReview } = usePluginPermissions();
  const { query, page, pageSize, setFilter } = useListQuery<'contentType' | 'producerId' | 'reason' | 'documentId'>();
  // `documentId`: the Content Manager side panel's link (one document's held changes).
  const { contentType, producerId, documentId } = query;
  const reason = isReason(query.reason) ? query.reason : undefined;
  const reviews = useReviewsQuery({ contentType, producerId, reason, documentId, page, pageSize });
  const acceptAll = useAcceptAllMutation();
  const [confirmAll, setConfirmAll] = React.useState(false);
  const contentTypeFilter = useContentTypeFilter(contentType);
  const producerFilter = useProducerFilter(producerId);
  const items = reviews.data?.data ?? [];
  const pagination = reviews.data?.meta.pagination;

  const handleAcceptAll = async () => {
    try {
      const result = await acceptAll.mutateAsync({ contentType, producerId: producerId ? Number(producerId) : undefined, reason });
      const message = t(
        'review.acceptAll.result',
        '{accepted, plural, =0 {Nothing accepted} one {# change accepted} other {# changes accepted}}, {failed} failed.',
        {
          accepted: result.accepted,
          failed: result.failed.length,
        }
      );
      if (result.failed.length) notify.warning(message);
      else notify.success(message);
      setConfirmAll(false);
    } catch (err) {
      notify.error(err);
    }
  };

  const filters = (
    <ListFilters
      filters={[
        contentTypeFilter,
        {
          name: 'reason',
          label: t('review.reason', 'Reason'),
          allLabel: t('review.allReasons', 'All reasons'),
          value: reason,
          width: '16rem',
          options: REASONS.map((r) => ({ value: r, label: t(`review.reason.${r}`, r) })),
        },
        producerFilter,
      ]}
      onChange={setFilter}
    />
  );
  const acceptAllButton = canReview ? (
    <Button startIcon={<Check />} onClick={() => setConfirmAll(true)} disabled={!items.length}>
      {t('review.acceptAll', 'Accept all')}
    </Button>
  ) : undefined;
  const overlays = (
    <ConfirmAction
      open={confirmAll}
      title={t('review.acceptAll', 'Accept all')}
      onConfirm={handleAcceptAll}
      onClose={() => setConfirmAll(false)}
    >
      {t('review.acceptAll.body', 'Accept and apply every change in this list (filters included), document by document in order?')}
    </ConfirmAction>
  );
  return (
    <ListLayout
      text={TEXT}
      query={reviews}
      items={items}
      total={pagination?.total}
      filtered={Boolean(contentType || producerId || reason || documentId)}
      primaryAction={acceptAllButton}
      filters={filters}
      overlays={overlays}
    >
      <Flex direction="column" alignItems="stretch" gap={4}>
        {items.map((item) => (
          <ReviewCard key={item.id} item={item} canReview={canReview} />
        ))}
      </Flex>
    </ListLayout>
  );
};
