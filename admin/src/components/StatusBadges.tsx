import { Badge, Status, Typography } from '@strapi/design-system';

import { useT, type TranslationKey } from '../hooks/useT';

import type { SubscriptionStatus, SyncStatus, UpdateType } from '../api/contracts';

type Variant = 'success' | 'danger' | 'warning' | 'neutral' | 'primary' | 'secondary' | 'alternative';

const VARIANTS: Record<SubscriptionStatus | SyncStatus | UpdateType, Variant> = {
  Pending: 'warning',
  Approved: 'success',
  Rejected: 'danger',
  Synced: 'success',
  Failed: 'danger',
  Blocked: 'warning',
  AwaitingReview: 'warning',
  Create: 'success',
  Update: 'primary',
  Delete: 'danger',
};

/** A status dot with its translated name (message `id`, the status by default). */
const StatusDot = ({ id, status }: { id: TranslationKey; status: SubscriptionStatus | SyncStatus }) => {
  const t = useT();
  return (
    <Status variant={VARIANTS[status] ?? 'neutral'} size="S">
      <Typography tag="span" variant="omega" fontWeight="bold">
        {t(id, status)}
      </Typography>
    </Status>
  );
};

/** Pending / Approved / Rejected of one subscription. */
export const SubscriptionStatusBadge = ({ status }: { status: SubscriptionStatus }) => (
  <StatusDot id={`subscriptionStatus.${status}`} status={status} />
);

/** Synced / Failed / Blocked of one sync-log entry. */
export const SyncStatusBadge = ({ status }: { status: SyncStatus }) => <StatusDot id={`syncStatus.${status}`} status={status} />;

/** Create / Update / Delete. */
export const UpdateTypeBadge = ({ updateType }: { updateType: UpdateType }) => {
  const t = useT();
  const variant = VARIANTS[updateType] ?? 'neutral';
  return (
    <Badge textColor={`${variant}600`} backgroundColor={`${variant}100`}>
      {t(`updateType.${updateType}`, updateType)}
    </Badge>
  );
};
