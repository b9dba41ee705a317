import * as React from 'react';

import { useNotify } from './useNotify';

/**
 * Delete one of `items` after a confirmation: `ask(item)` opens the dialog on it (`dialog`: the
 * props of `ConfirmAction`); confirming deletes it through `remove` and notifies `successMessage`,
 * or the error (the dialog stays open). `target` is read from `items`, so it is gone once deleted.
 */
export const useConfirmDelete = <T extends { id: number }>(
  items: T[],
  remove: { mutateAsync: (id: number) => Promise<unknown> },
  successMessage: string
) => {
  const notify = useNotify();
  const [targetId, setTargetId] = React.useState<number | null>(null);
  const target = items.find((item) => item.id === targetId);

  const confirm = async () => {
    if (!target) return;
    try {
      await remove.mutateAsync(target.id);
      notify.success(successMessage);
      setTargetId(null);
    } catch (err) {
      notify.error(err);
    }
  };

  const close = () => setTargetId(null);
  return { target, ask: (item: T) => setTargetId(item.id), dialog: { open: target !== undefined, onConfirm: confirm, onClose: close } };
};
