import * as React from 'react';
import { Button, Dialog, Flex, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { ConfirmDialog } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { useApi, type EventProducer } from '../api';
import { useNotify } from '../hooks/useNotify';
import { getErrorMessage } from '../utils/errors';
import { getTrad } from '../utils/getTrad';

interface DeleteProducerDialogProps {
  producer: EventProducer | null;
  onClose: () => void;
  onDeleted: () => void;
}

/**
 * Confirms deleting an Event Producer. Deleting also deregisters this site on the producer; when
 * that fails (producer unreachable, token revoked) the dialog shows why and offers "Delete
 * anyway", which sends `?force=true` and removes the producer locally only.
 */
export const DeleteProducerDialog = ({ producer, onClose, onDeleted }: DeleteProducerDialogProps) => {
  const { formatMessage } = useIntl();
  const api = useApi();
  const notify = useNotify();
  const [failure, setFailure] = React.useState<string | null>(null);
  const [isDeleting, setIsDeleting] = React.useState(false);

  React.useEffect(() => {
    setFailure(null);
  }, [producer]);

  const handleDelete = async () => {
    if (!producer) return;
    const force = failure !== null;
    setIsDeleting(true);
    try {
      await api.deleteProducer(producer.id, force);
      notify.success(
        formatMessage({
          id: getTrad('producers.delete.success'),
          defaultMessage: 'The producer was deleted.',
        })
      );
      onDeleted();
      onClose();
    } catch (err) {
      if (force) {
        notify.error(err);
      } else {
        setFailure(
          getErrorMessage(
            err,
            formatMessage({ id: getTrad('common.error'), defaultMessage: 'Whoops! Something went wrong. Please, try again.' })
          )
        );
      }
    } finally {
      setIsDeleting(false);
    }
  };

  return (
    <Dialog.Root open={producer !== null} onOpenChange={(open: boolean) => !open && onClose()}>
      <ConfirmDialog
        title={formatMessage({ id: getTrad('producers.delete.title'), defaultMessage: 'Delete producer' })}
        icon={<WarningCircle fill="danger600" />}
        endAction={
          <Button fullWidth variant={failure ? 'danger' : 'danger-light'} loading={isDeleting} onClick={handleDelete}>
            {failure
              ? formatMessage({ id: getTrad('producers.delete.force'), defaultMessage: 'Delete anyway' })
              : formatMessage({ id: getTrad('common.delete'), defaultMessage: 'Delete' })}
          </Button>
        }
      >
        <Flex direction="column" alignItems="stretch" gap={2}>
          <Typography textAlign="center">
            {formatMessage(
              {
                id: getTrad('producers.delete.body'),
                defaultMessage:
                  'Stop receiving documents from {url}? This site is deregistered on the producer. Documents already synced stay.',
              },
              { url: producer?.producerUrl ?? '' }
            )}
          </Typography>
          {failure ? (
            <>
              <Typography textAlign="center" textColor="danger600" fontWeight="semiBold">
                {failure}
              </Typography>
              <Typography textAlign="center" textColor="neutral600" variant="pi">
                {formatMessage({
                  id: getTrad('producers.delete.forceHint'),
                  defaultMessage:
                    'The producer could not be told. Delete anyway removes it here only; its admin can delete the registration there.',
                })}
              </Typography>
            </>
          ) : null}
        </Flex>
      </ConfirmDialog>
    </Dialog.Root>
  );
};
