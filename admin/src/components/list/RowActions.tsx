import * as React from 'react';
import { Flex, IconButton } from '@strapi/design-system';

export interface RowAction {
  label: string;
  icon: React.ReactNode;
  onClick: () => void;
  disabled?: boolean;
  /** false: the action is not offered (e.g. the admin lacks the permission). */
  visible?: boolean;
}

/** The icon buttons of a table row; each button's accessible name is its label. */
export const RowActions = ({ actions }: { actions: RowAction[] }) => (
  <Flex gap={1}>
    {actions
      .filter((action) => action.visible !== false)
      .map((action) => (
        <IconButton key={action.label} label={action.label} variant="ghost" disabled={action.disabled} onClick={action.onClick}>
          {action.icon}
        </IconButton>
      ))}
  </Flex>
);
