import { Badge, Flex, Typography } from '@strapi/design-system';

import { useT } from '../../hooks/useT';

import type { ConsumerSubscription } from '../../api/contracts';

const text = (condition: Record<string, unknown>) => {
  const json = JSON.stringify(condition);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
};

/** A subscription's conditions in a cell: the producer admin's, the one the consumer asked for, and onExit. */
export const ConditionSummary = ({ subscription }: { subscription: ConsumerSubscription }) => {
  const t = useT();
  const { condition, requestedCondition, onExit } = subscription;
  if (!condition && !requestedCondition) {
    return <Typography textColor="neutral600">{t('conditions.none', 'All documents')}</Typography>;
  }
  return (
    <Flex direction="column" alignItems="flex-start" gap={1}>
      {condition ? (
        <Typography variant="pi" title={JSON.stringify(condition)} data-testid="condition-summary">
          {text(condition)}
        </Typography>
      ) : null}
      {requestedCondition ? (
        <Typography variant="pi" textColor="neutral600" title={JSON.stringify(requestedCondition)}>
          {t('conditions.requested', 'Asked by the consumer: {condition}', { condition: text(requestedCondition) })}
        </Typography>
      ) : null}
      {onExit === 'keep' ? <Badge>{t('conditions.keepsLeaving', 'Keeps what stops matching')}</Badge> : null}
    </Flex>
  );
};
