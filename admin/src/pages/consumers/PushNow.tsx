import { Button } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';

import { usePushConsumerNowMutation } from '../../api/hooks';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';

import type { EventConsumer } from '../../api/contracts';

/** "Push now" on a push-mode consumer's card: one push session now, its outcome as a notification. */
export const PushNowButton = ({ consumer }: { consumer: EventConsumer }) => {
  const t = useT();
  const notify = useNotify();
  const push = usePushConsumerNowMutation();
  const onClick = () =>
    push.mutate(consumer.id, {
      onSuccess: (result) => {
        if (!result) {
          notify.warning(t('consumers.push.stopped', 'Nothing was pushed: this site is stopping.'));
          return;
        }
        const message = t(
          'consumers.push.result',
          'Pushed to {name}: {pulled, plural, =0 {no new events} one {# event} other {# events}}, {applied} applied, {failed} failed.',
          { name: consumer.consumerName, pulled: result.pulled, applied: result.applied, failed: result.failed }
        );
        if (result.failed > 0) notify.warning(message);
        else notify.success(message);
      },
      onError: notify.error,
    });
  return (
    <Button variant="secondary" startIcon={<ArrowClockwise />} loading={push.isPending} onClick={onClick}>
      {t('consumers.push.now', 'Push now')}
    </Button>
  );
};
