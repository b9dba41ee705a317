import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { ArrowRight, Check } from '@strapi/icons';

import { useApproveConsumerCallbackMutation } from '../../api/hooks';
import { DateTime } from '../../components/DateTime';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';

import type { EventConsumer } from '../../api/contracts';

/**
 * A callback URL change the consumer asked for: old → new, and Approve for an admin who may
 * approve. Until then the consumer is notified at neither address (it still pulls on its schedule).
 */
export const CallbackChange = ({ consumer, canApprove }: { consumer: EventConsumer; canApprove: boolean }) => {
  const t = useT();
  const notify = useNotify();
  const approve = useApproveConsumerCallbackMutation();
  if (!consumer.pendingCallbackUrl) return null;
  return (
    <Box background="warning100" borderColor="warning200" hasRadius padding={4} data-testid="callback-change">
      <Flex justifyContent="space-between" alignItems="center" gap={4}>
        <Flex direction="column" alignItems="flex-start" gap={1}>
          <Typography fontWeight="bold" textColor="warning700">
            {t('consumers.callbackChange.title', 'Callback URL change awaiting approval')}
          </Typography>
          <Flex gap={2} wrap="wrap">
            <Typography>{consumer.callbackUrl ?? t('consumers.pullOnly', 'None (pull only)')}</Typography>
            <ArrowRight aria-hidden />
            <Typography fontWeight="semiBold">{consumer.pendingCallbackUrl}</Typography>
          </Flex>
          <Flex gap={1}>
            <Typography variant="pi" textColor="neutral600">
              {t('consumers.callbackChange.help', 'Requested on')}
            </Typography>
            <DateTime value={consumer.callbackChangeRequestedAt} />
            <Typography variant="pi" textColor="neutral600">
              {t('consumers.callbackChange.paused', '— notifications are paused until then; the consumer still pulls on its schedule.')}
            </Typography>
          </Flex>
        </Flex>
        {canApprove ? (
          <Button
            variant="success-light"
            startIcon={<Check />}
            loading={approve.isPending}
            onClick={() =>
              approve.mutate(consumer.id, {
                onSuccess: () =>
                  notify.success(
                    t('consumers.callbackChange.approved', 'Notifications for {name} now go to {url}.', {
                      name: consumer.consumerName,
                      url: consumer.pendingCallbackUrl ?? '',
                    })
                  ),
                onError: notify.error,
              })
            }
          >
            {t('consumers.callbackChange.approve', 'Approve new URL')}
          </Button>
        ) : null}
      </Flex>
    </Box>
  );
};
