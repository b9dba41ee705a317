import { Badge } from '@strapi/design-system';

import { useT } from '../hooks/useT';

/** Push mode (README "Push mode"): an Event Producer that sends to this site, or an Event Consumer this site sends to. */
export const PushBadge = () => {
  const t = useT();
  return (
    <Badge textColor="primary600" backgroundColor="primary100">
      {t('push.badge', 'Push')}
    </Badge>
  );
};
