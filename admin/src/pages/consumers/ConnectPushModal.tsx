import * as React from 'react';
import { Button, Flex, Modal, Typography } from '@strapi/design-system';

import { connectPushSchema } from '../../../../server/src/shared/validation/push';
import { useConnectPushConsumerMutation } from '../../api/hooks';
import { TextField } from '../../components/form/fields';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import { schemaFormErrors } from '../../utils/errors';

interface ConnectPushForm {
  consumerUrl: string;
  token: string;
}

/**
 * Push mode (README "Push mode"), producer side: connect a consumer site that cannot call this
 * one, with its URL and the push token its admin got when creating the push-mode Event Producer
 * there. This site says hello to the consumer at once; a refusal is shown as the server words it.
 * Mounted while open.
 */
export const ConnectPushModal = ({ onClose }: { onClose: () => void }) => {
  const t = useT();
  const notify = useNotify();
  const connect = useConnectPushConsumerMutation();
  const [form, setForm] = React.useState<ConnectPushForm>({ consumerUrl: '', token: '' });
  const [errors, setErrors] = React.useState<Record<string, string>>({});

  const set = (key: keyof ConnectPushForm) => (value: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: '' }));
  };

  const handleSubmit = (event?: React.FormEvent) => {
    event?.preventDefault();
    const body = { consumerUrl: form.consumerUrl.trim(), token: form.token.trim() };
    const required = t('validation.required', 'This value is required.');
    const found: Record<string, string> = {};
    if (!body.consumerUrl) found.consumerUrl = required;
    if (!body.token) found.token = required;
    const all = schemaFormErrors(connectPushSchema, body, found);
    if (Object.values(all).some(Boolean)) {
      setErrors(all);
      return;
    }
    connect.mutate(body, {
      onSuccess: (consumer) => {
        notify.success(
          t('consumers.push.connected', '{name} is connected: this site pushes its documents to it.', { name: consumer.consumerName })
        );
        onClose();
      },
      onError: notify.error,
    });
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <form onSubmit={handleSubmit} noValidate>
          <Modal.Header closeLabel={t('common.close', 'Close')}>
            <Modal.Title>{t('consumers.push.connect', 'Connect a push consumer')}</Modal.Title>
          </Modal.Header>
          <Modal.Body>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography textColor="neutral600">
                {t(
                  'consumers.push.connect.intro',
                  "For a consumer site that cannot call this one (behind NAT): its admin creates an Event Producer for this site with the Push connection and gets a push token. Enter that site's URL and the token; this site then sends it its documents."
                )}
              </Typography>
              <TextField
                name="consumerUrl"
                label={t('consumers.push.consumerUrl', 'Consumer URL')}
                hint={t(
                  'consumers.push.consumerUrl.hint',
                  'Base URL of the consumer site as this site reaches it, e.g. https://branch.example.com'
                )}
                required
                type="url"
                placeholder="https://"
                value={form.consumerUrl}
                error={errors.consumerUrl || undefined}
                onChange={set('consumerUrl')}
              />
              <TextField
                name="token"
                label={t('consumers.push.token', 'Push token')}
                hint={t('consumers.push.token.hint', 'Shown once to the consumer’s admin when the push-mode Event Producer was created.')}
                required
                type="password"
                autoComplete="off"
                value={form.token}
                error={errors.token || undefined}
                onChange={set('token')}
              />
            </Flex>
          </Modal.Body>
          <Modal.Footer>
            <Modal.Close>
              <Button variant="tertiary">{t('common.cancel', 'Cancel')}</Button>
            </Modal.Close>
            <Button type="submit" loading={connect.isPending}>
              {t('consumers.push.connect.submit', 'Connect')}
            </Button>
          </Modal.Footer>
        </form>
      </Modal.Content>
    </Modal.Root>
  );
};
