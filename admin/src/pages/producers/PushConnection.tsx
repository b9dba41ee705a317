import * as React from 'react';
import { Flex, Typography } from '@strapi/design-system';

import { SelectField } from '../../components/form/fields';
import { useT } from '../../hooks/useT';
import { PushBadge } from '../../components/PushBadge';

import { peekPushToken, PushTokenDialog, rememberPushToken } from './PushTokenDialog';

import type { EventProducer } from '../../api/contracts';
import type { Save } from '../../api/hooks';

type Mode = 'pull' | 'push';

interface PushConnectionFieldProps {
  /** Name, label, hint, error and disabled state (`useEditForm`'s `field('mode')`). */
  field: { name: string; label: string; hint?: string; error?: string; disabled?: boolean };
  isCreate: boolean;
  value: Mode;
  onChange: (mode: Mode) => void;
}

/**
 * Push mode (README "Push mode"), consumer side: Pull (this site calls the producer) or Push (the
 * producer, behind NAT, sends here). Chosen on create; afterwards the mode is shown, not changed.
 */
export const PushConnectionField = ({ field, isCreate, value, onChange }: PushConnectionFieldProps) => {
  const t = useT();
  if (!isCreate) {
    return value === 'push' ? (
      <Flex gap={2}>
        <PushBadge />
        <Typography variant="pi" textColor="neutral600">
          {t('producers.form.mode.pushInfo', 'The producer sends its documents to this site; this site never calls it.')}
        </Typography>
      </Flex>
    ) : null;
  }
  return (
    <SelectField
      {...field}
      value={value}
      options={[
        { value: 'pull', label: t('producers.form.mode.pull', 'Pull: this site calls the producer') },
        { value: 'push', label: t('producers.form.mode.push', 'Push: the producer sends to this site (behind NAT)') },
      ]}
      onChange={(next) => onChange(next === 'push' ? 'push' : 'pull')}
    />
  );
};

interface SaveMutation {
  mutateAsync: (variables: Save<never>) => Promise<EventProducer>;
  isPending: boolean;
}

/**
 * The producer save, keeping the push token of a push-mode create (in its answer only) for the
 * dialog on the new producer's page, and that dialog when this page has a token to show.
 */
export const usePushSave = <M extends SaveMutation>(save: M, producerId: number | undefined) => {
  const [token, setToken] = React.useState(() => (producerId === undefined ? undefined : peekPushToken(producerId)));
  const mutateAsync = async (variables: Parameters<M['mutateAsync']>[0]) => {
    const saved = await save.mutateAsync(variables);
    if (saved.pushToken) rememberPushToken(saved.id, saved.pushToken);
    return saved;
  };
  const pushTokenDialog =
    token && producerId !== undefined ? (
      <PushTokenDialog producerId={producerId} token={token} onClose={() => setToken(undefined)} />
    ) : null;
  return { mutateAsync, isPending: save.isPending, pushTokenDialog };
};
