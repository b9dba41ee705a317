import { Badge, Status, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import { getTrad } from '../utils/getTrad';

import type { SubscriptionStatus, SyncStatus, UpdateType } from '../api';

type Variant = 'success' | 'danger' | 'warning' | 'neutral' | 'primary' | 'secondary' | 'alternative';

const SUBSCRIPTION_VARIANTS: Record<SubscriptionStatus, Variant> = {
  Pending: 'warning',
  Approved: 'success',
  Rejected: 'danger',
};

const SYNC_VARIANTS: Record<SyncStatus, Variant> = {
  Synced: 'success',
  Failed: 'danger',
  Blocked: 'warning',
};

const UPDATE_TYPE_VARIANTS: Record<UpdateType, Variant> = {
  Create: 'success',
  Update: 'primary',
  Delete: 'danger',
};

/** Pending / Approved / Rejected of one subscription. */
export const SubscriptionStatusBadge = ({ status }: { status: SubscriptionStatus }) => {
  const { formatMessage } = useIntl();
  return (
    <Status variant={SUBSCRIPTION_VARIANTS[status] ?? 'neutral'} size="S">
      <Typography tag="span" variant="omega" fontWeight="bold">
        {formatMessage({ id: getTrad(`subscriptionStatus.${status}`), defaultMessage: status })}
      </Typography>
    </Status>
  );
};

/** Synced / Failed / Blocked of one sync-log entry. */
export const SyncStatusBadge = ({ status }: { status: SyncStatus }) => {
  const { formatMessage } = useIntl();
  return (
    <Status variant={SYNC_VARIANTS[status] ?? 'neutral'} size="S">
      <Typography tag="span" variant="omega" fontWeight="bold">
        {formatMessage({ id: getTrad(`syncStatus.${status}`), defaultMessage: status })}
      </Typography>
    </Status>
  );
};

/** Create / Update / Delete. */
export const UpdateTypeBadge = ({ updateType }: { updateType: UpdateType }) => {
  const { formatMessage } = useIntl();
  const variant = UPDATE_TYPE_VARIANTS[updateType] ?? 'neutral';
  return (
    <Badge textColor={`${variant}600`} backgroundColor={`${variant}100`}>
      {formatMessage({ id: getTrad(`updateType.${updateType}`), defaultMessage: updateType })}
    </Badge>
  );
};
