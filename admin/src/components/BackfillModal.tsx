import * as React from 'react';
import { Button, Field, Flex, Modal, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import { useApi, type BackfillResult, type EventProducer } from '../api';
import { useNotify } from '../hooks/useNotify';
import { getTrad } from '../utils/getTrad';

const ALL = '__all__';

interface BackfillModalProps {
  producer: EventProducer | null;
  onClose: () => void;
  onDone: () => void;
}

/**
 * Back-fill: fetch the documents that already exist on the producer, for one approved
 * subscription or all of them (POST /producers/:id/backfill).
 */
export const BackfillModal = ({ producer, onClose, onDone }: BackfillModalProps) => {
  const { formatMessage } = useIntl();
  const api = useApi();
  const notify = useNotify();
  const [contentType, setContentType] = React.useState<string>(ALL);
  const [isSubmitting, setIsSubmitting] = React.useState(false);
  const [result, setResult] = React.useState<BackfillResult | null>(null);

  React.useEffect(() => {
    setContentType(ALL);
    setResult(null);
  }, [producer]);

  const approved = (producer?.subscriptions ?? []).filter(
    (subscription) => subscription.status === 'Approved' && !subscription.unsubscribed
  );

  const handleSubmit = async () => {
    if (!producer) return;
    setIsSubmitting(true);
    try {
      const done = await api.backfillProducer(producer.id, contentType === ALL ? undefined : contentType);
      const message = formatMessage(
        {
          id: getTrad('producers.backfill.result'),
          defaultMessage: 'Back-fill done: {copied} copied, {failed} failed.',
        },
        { copied: done.copied, failed: done.failed }
      );
      onDone();
      if (done.failed > 0) {
        // Keep the dialog open: the failures are the useful part.
        notify.warning(message);
        setResult(done);
      } else {
        notify.success(message);
        onClose();
      }
    } catch (err) {
      notify.error(err);
    } finally {
      setIsSubmitting(false);
    }
  };

  return (
    <Modal.Root open={producer !== null} onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header closeLabel={formatMessage({ id: getTrad('common.close'), defaultMessage: 'Close' })}>
          <Modal.Title>{formatMessage({ id: getTrad('producers.backfill.title'), defaultMessage: 'Back-fill' })}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Typography>
              {formatMessage(
                {
                  id: getTrad('producers.backfill.body'),
                  defaultMessage:
                    'Copy the documents that already exist on {url} to this site. Documents synced before are updated, not duplicated. This can take a while for large types.',
                },
                { url: producer?.producerUrl ?? '' }
              )}
            </Typography>
            {result && result.failures.length > 0 ? (
              <Flex direction="column" alignItems="stretch" gap={1}>
                <Typography variant="sigma" textColor="danger600">
                  {formatMessage({ id: getTrad('producers.backfill.failures'), defaultMessage: 'Failures' })}
                </Typography>
                {result.failures.map((failure) => (
                  <Typography key={failure} variant="pi" textColor="danger600">
                    {failure}
                  </Typography>
                ))}
              </Flex>
            ) : null}
            {approved.length === 0 ? (
              <Typography textColor="warning600">
                {formatMessage({
                  id: getTrad('producers.backfill.noApproved'),
                  defaultMessage: 'No subscription of this producer is approved yet.',
                })}
              </Typography>
            ) : (
              <Field.Root name="backfill-content-type">
                <Field.Label>
                  {formatMessage({ id: getTrad('producers.backfill.contentType'), defaultMessage: 'Content type' })}
                </Field.Label>
                <SingleSelect value={contentType} onChange={(value: string | number) => setContentType(String(value))}>
                  <SingleSelectOption value={ALL}>
                    {formatMessage({
                      id: getTrad('producers.backfill.allTypes'),
                      defaultMessage: 'All approved content types',
                    })}
                  </SingleSelectOption>
                  {approved.map((subscription) => (
                    <SingleSelectOption key={subscription.contentType} value={subscription.contentType}>
                      {subscription.contentType}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Field.Root>
            )}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{formatMessage({ id: getTrad('common.cancel'), defaultMessage: 'Cancel' })}</Button>
          </Modal.Close>
          <Button onClick={handleSubmit} loading={isSubmitting} disabled={approved.length === 0}>
            {formatMessage({ id: getTrad('producers.backfill.start'), defaultMessage: 'Start back-fill' })}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
