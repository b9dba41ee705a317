import * as React from 'react';
import { Button, Dialog, Flex, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { ConfirmDialog } from '@strapi/strapi/admin';

import { useDeleteProducerMutation } from '../api/hooks';
import { useNotify } from '../hooks/useNotify';
import { useT } from '../hooks/useT';
import { getErrorMessage } from '../utils/errors';

import type { EventProducer } from '../api/contracts';

/**
 * Confirms deleting an Event Producer (mounted while open). Deleting also deregisters this site on
 * the producer; when that fails (producer unreachable, token revoked) the dialog shows why and
 * offers "Delete anyway", which sends `?force=true` and removes the producer locally only.
 */
export const DeleteProducerDialog = ({ producer, onClose }: { producer: EventProducer; onClose: () => void }) => {
  const t = useT();
  const notify = useNotify();
  const remove = useDeleteProducerMutation();
  /** Why the producer refused a plain delete; set, the button becomes "Delete anyway". */
  const [failure, setFailure] = React.useState<string | null>(null);

  const handleDelete = () =>
    remove.mutate(
      { id: producer.id, force: failure !== null },
      {
        onSuccess: () => {
          notify.success(t('producers.delete.success', 'The producer was deleted.'));
          onClose();
        },
        onError: (err, { force }) => {
          if (force) notify.error(err);
          else setFailure(getErrorMessage(err, t('common.error', 'Whoops! Something went wrong. Please, try again.')));
        },
      }
    );

  return (
    <Dialog.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <ConfirmDialog
        title={t('producers.delete.title', 'Delete producer')}
        icon={<WarningCircle fill="danger600" />}
        endAction={
          <Button fullWidth variant={failure ? 'danger' : 'danger-light'} loading={remove.isPending} onClick={handleDelete}>
            {failure ? t('producers.delete.force', 'Delete anyway') : t('common.delete', 'Delete')}
          </Button>
        }
      >
        <Flex direction="column" alignItems="stretch" gap={2}>
          <Typography textAlign="center">
            {t(
              'producers.delete.body',
              'Stop receiving documents from {url}? This site is deregistered on the producer. Documents already synced stay.',
              { url: producer.producerUrl }
            )}
          </Typography>
          {failure ? (
            <>
              <Typography textAlign="center" textColor="danger600" fontWeight="semiBold">
                {failure}
              </Typography>
              <Typography textAlign="center" textColor="neutral600" variant="pi">
                {t(
                  'producers.delete.forceHint',
                  'The producer could not be told. Delete anyway removes it here only; its admin can delete the registration there.'
                )}
              </Typography>
            </>
          ) : null}
        </Flex>
      </ConfirmDialog>
    </Dialog.Root>
  );
};
