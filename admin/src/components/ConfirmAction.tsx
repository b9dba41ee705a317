import * as React from 'react';
import { Dialog } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { ConfirmDialog } from '@strapi/strapi/admin';

interface ConfirmActionProps {
  open: boolean;
  title: string;
  /** The question, e.g. "Delete the mapping X?". */
  children: React.ReactNode;
  /** danger: a destructive action (red icon and button). */
  variant?: 'danger' | 'default';
  onConfirm: () => void | Promise<void>;
  onClose: () => void;
}

/** Strapi's confirmation dialog for one action of a page. */
export const ConfirmAction = ({ open, title, children, variant = 'default', onConfirm, onClose }: ConfirmActionProps) => (
  <Dialog.Root open={open} onOpenChange={(next: boolean) => !next && onClose()}>
    <ConfirmDialog
      title={title}
      icon={<WarningCircle fill={variant === 'danger' ? 'danger600' : 'warning600'} />}
      variant={variant === 'danger' ? 'danger' : undefined}
      onConfirm={onConfirm}
    >
      {children}
    </ConfirmDialog>
  </Dialog.Root>
);
