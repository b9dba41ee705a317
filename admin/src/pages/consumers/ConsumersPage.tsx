import * as React from 'react';
import { Button, Flex } from '@strapi/design-system';
import { Plus } from '@strapi/icons';

import { useConsumersQuery, useDeleteConsumerMutation } from '../../api/hooks';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ListLayout, type ListText } from '../../components/list/ListLayout';
import { useConfirmDelete } from '../../hooks/useConfirmDelete';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { useT } from '../../hooks/useT';

import { ConnectPushModal } from './ConnectPushModal';
import { ConsumerCard } from './ConsumerCard';

const TEXT: ListText = {
  title: ['consumers.title', 'Consumers'],
  subtitle: ['consumers.subtitle', 'Sites that receive documents from this one. Nothing of a content type leaves until it is approved.'],
  empty: ['consumers.empty', 'No site consumes from this one yet. A consumer appears here when another site adds this one as a producer.'],
};

/**
 * Consumers of this site (it is their producer): each consumer's subscriptions with
 * Approve / Reject. This is the page a content editor uses to decide what leaves the site.
 */
export const ConsumersPage = () => {
  const { canApprove } = usePluginPermissions();
  const t = useT();
  const query = useConsumersQuery();
  const consumers = query.data ?? [];
  const removal = useConfirmDelete(consumers, useDeleteConsumerMutation(), t('consumers.delete.success', 'The consumer was removed.'));

  const [connecting, setConnecting] = React.useState(false);
  // Push mode (README "Push mode"): connecting a consumer is the route's permission, approve.
  const connectButton = canApprove ? (
    <Button startIcon={<Plus />} onClick={() => setConnecting(true)}>
      {t('consumers.push.connect', 'Connect a push consumer')}
    </Button>
  ) : undefined;

  const overlays = (
    <>
      {connecting ? <ConnectPushModal onClose={() => setConnecting(false)} /> : null}
      <ConfirmAction {...removal.dialog} variant="danger" title={t('consumers.delete', 'Remove consumer')}>
        {t(
          'consumers.delete.body',
          '{name} is removed and stops receiving documents. It can register again by saving its producer on that site.',
          { name: removal.target?.consumerName ?? '' }
        )}
      </ConfirmAction>
    </>
  );

  return (
    <ListLayout text={TEXT} query={query} items={consumers} overlays={overlays} primaryAction={connectButton}>
      <Flex direction="column" alignItems="stretch" gap={6}>
        {consumers.map((consumer) => (
          <ConsumerCard key={consumer.id} consumer={consumer} canApprove={canApprove} onDelete={() => removal.ask(consumer)} />
        ))}
      </Flex>
    </ListLayout>
  );
};
