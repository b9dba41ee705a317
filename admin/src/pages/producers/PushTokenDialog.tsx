import { Box, Button, Flex, Modal, Typography } from '@strapi/design-system';
import { Duplicate } from '@strapi/icons';
import { useClipboard } from '@strapi/strapi/admin';

import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';

/**
 * Push mode (README "Push mode"): the push token the server mints for a new push-mode Event
 * Producer is in the create answer only. It is kept here, in memory, from the save until its
 * dialog is closed on the new producer's page (the create form and that page are two mounts).
 */
const unshown = new Map<number, string>();

export const rememberPushToken = (producerId: number, token: string) => unshown.set(producerId, token);
export const peekPushToken = (producerId: number): string | undefined => unshown.get(producerId);
const forgetPushToken = (producerId: number) => unshown.delete(producerId);

/** The push token, once, with Copy and what to do with it on the producer site. */
export const PushTokenDialog = ({ producerId, token, onClose }: { producerId: number; token: string; onClose: () => void }) => {
  const t = useT();
  const notify = useNotify();
  const { copy } = useClipboard();
  const close = () => {
    forgetPushToken(producerId);
    onClose();
  };
  const onCopy = async () => {
    if (await copy(token)) notify.success(t('producers.pushToken.copied', 'Push token copied.'));
    else notify.warning(t('producers.pushToken.copyFailed', 'The token could not be copied; select it and copy it by hand.'));
  };
  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && close()}>
      <Modal.Content>
        <Modal.Header closeLabel={t('common.close', 'Close')}>
          <Modal.Title>{t('producers.pushToken.title', 'Push token')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Typography>
              {t(
                'producers.pushToken.instructions',
                'On the producer site, open Event Streaming → Consumers, choose "Connect a push consumer" and paste this token with this site\'s URL: {url}',
                { url: window.location.origin }
              )}
            </Typography>
            <Box background="neutral100" padding={3} hasRadius>
              <Typography
                tag="code"
                fontWeight="bold"
                style={{ wordBreak: 'break-all' }}
                aria-label={t('producers.pushToken.title', 'Push token')}
              >
                {token}
              </Typography>
            </Box>
            <Typography variant="pi" textColor="warning600">
              {t('producers.pushToken.once', 'It is shown only now: copy it before closing this dialog.')}
            </Typography>
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Button variant="tertiary" onClick={close}>
            {t('common.close', 'Close')}
          </Button>
          <Button startIcon={<Duplicate />} onClick={() => void onCopy()}>
            {t('producers.pushToken.copy', 'Copy token')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
