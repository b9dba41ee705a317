import * as React from 'react';
import { Button, Flex, Modal, Typography } from '@strapi/design-system';

import { useBackfillProducerMutation } from '../api/hooks';
import { useNotify } from '../hooks/useNotify';
import { useT } from '../hooks/useT';

import { SelectField } from './form/fields';

import type { EventProducer } from '../api/contracts';

/**
 * Back-fill: fetch the documents that already exist on the producer, for one approved
 * subscription or all of them (POST /producers/:id/backfill). Mounted while open.
 */
export const BackfillModal = ({ producer, onClose }: { producer: EventProducer; onClose: () => void }) => {
  const t = useT();
  const notify = useNotify();
  const backfill = useBackfillProducerMutation();
  /** null: every approved content type. */
  const [contentType, setContentType] = React.useState<string | null>(null);
  const approved = producer.subscriptions.filter((subscription) => subscription.status === 'Approved' && !subscription.unsubscribed);
  // After a run with failures the dialog stays open: the failures are the useful part.
  const failures = backfill.data?.failures ?? [];

  const handleSubmit = () =>
    backfill.mutate(
      { id: producer.id, contentType: contentType ?? undefined },
      {
        onSuccess: (done) => {
          const message = t('producers.backfill.result', 'Back-fill done: {copied} copied, {failed} failed.', {
            copied: done.copied,
            failed: done.failed,
          });
          if (done.failed > 0) notify.warning(message);
          else {
            notify.success(message);
            onClose();
          }
        },
        onError: (err) => notify.error(err),
      }
    );

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header closeLabel={t('common.close', 'Close')}>
          <Modal.Title>{t('producers.backfill.title', 'Back-fill')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Typography>
              {t(
                'producers.backfill.body',
                'Copy the documents that already exist on {url} to this site. Documents synced before are updated, not duplicated. This can take a while for large types.',
                { url: producer.producerUrl }
              )}
            </Typography>
            {failures.length > 0 ? (
              <Flex direction="column" alignItems="stretch" gap={1}>
                <Typography variant="sigma" textColor="danger600">
                  {t('producers.backfill.failures', 'Failures')}
                </Typography>
                {failures.map((failure) => (
                  <Typography key={failure} variant="pi" textColor="danger600">
                    {failure}
                  </Typography>
                ))}
              </Flex>
            ) : null}
            {approved.length === 0 ? (
              <Typography textColor="warning600">
                {t('producers.backfill.noApproved', 'No subscription of this producer is approved yet.')}
              </Typography>
            ) : (
              <SelectField
                name="backfill-content-type"
                label={t('producers.backfill.contentType', 'Content type')}
                noneLabel={t('producers.backfill.allTypes', 'All approved content types')}
                value={contentType}
                options={approved.map((subscription) => ({ value: subscription.contentType, label: subscription.contentType }))}
                onChange={setContentType}
              />
            )}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('common.cancel', 'Cancel')}</Button>
          </Modal.Close>
          <Button onClick={handleSubmit} loading={backfill.isPending} disabled={approved.length === 0}>
            {t('producers.backfill.start', 'Start back-fill')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
