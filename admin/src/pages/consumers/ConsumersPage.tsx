import * as React from 'react';
import { Flex } from '@strapi/design-system';

import { useConsumersQuery, useDeleteConsumerMutation } from '../../api/hooks';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ListLayout } from '../../components/list/ListLayout';
import { useNotify } from '../../hooks/useNotify';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useT } from '../../hooks/useT';

import { ConsumerCard } from './ConsumerCard';

/**
 * Consumers of this site (it is their producer): each consumer's subscriptions with
 * Approve / Reject. This is the page a content editor uses to decide what leaves the site.
 */
export const ConsumersPage = () => {
  const t = useT();
  const notify = useNotify();
  const { canApprove } = usePluginPermissions();
  const query = useConsumersQuery();
  const remove = useDeleteConsumerMutation();
  const [toDelete, setToDelete] = React.useState<number | null>(null);
  const consumers = query.data ?? [];
  const deleting = consumers.find((consumer) => consumer.id === toDelete);

  const handleDelete = async () => {
    if (!deleting) return;
    try {
      await remove.mutateAsync(deleting.id);
      notify.success(t('consumers.delete.success', 'The consumer was removed.'));
      setToDelete(null);
    } catch (err) {
      notify.error(err);
    }
  };

  return (
    <ListLayout
      title={t('consumers.title', 'Consumers')}
      subtitle={t(
        'consumers.subtitle',
        'Sites that receive documents from this one. Nothing of a content type leaves until it is approved.'
      )}
      query={query}
      empty={
        consumers.length === 0 && {
          content: t(
            'consumers.empty',
            'No site consumes from this one yet. A consumer appears here when another site adds this one as a producer.'
          ),
        }
      }
      overlays={
        <ConfirmAction
          open={deleting !== undefined}
          variant="danger"
          title={t('consumers.delete', 'Remove consumer')}
          onConfirm={handleDelete}
          onClose={() => setToDelete(null)}
        >
          {t(
            'consumers.delete.body',
            '{name} is removed and stops receiving documents. It can register again by saving its producer on that site.',
            { name: deleting?.consumerName ?? '' }
          )}
        </ConfirmAction>
      }
    >
      <Flex direction="column" alignItems="stretch" gap={6}>
        {consumers.map((consumer) => (
          <ConsumerCard key={consumer.id} consumer={consumer} canApprove={canApprove} onDelete={() => setToDelete(consumer.id)} />
        ))}
      </Flex>
    </ListLayout>
  );
};
