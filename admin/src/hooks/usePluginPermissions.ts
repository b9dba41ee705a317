import { useRBAC } from '@strapi/strapi/admin';

import { PERMISSIONS } from '../constants';

export interface PluginPermissions {
  isLoading: boolean;
  canRead: boolean;
  canApprove: boolean;
  canConfigureProducers: boolean;
  canResync: boolean;
  canConfigureMappings: boolean;
  /** Accept / reject incoming changes (the Review page). */
  canReview: boolean;
}

/**
 * What the current admin may do in this plugin. `useRBAC` names each allowed action after the
 * last segment of its id: `plugin::event-streaming.configure-producers` → `canConfigureProducers`.
 */
export const usePluginPermissions = (): PluginPermissions => {
  const { allowedActions, isLoading } = useRBAC(PERMISSIONS.all);
  return {
    isLoading,
    canRead: Boolean(allowedActions.canRead),
    canApprove: Boolean(allowedActions.canApprove),
    canConfigureProducers: Boolean(allowedActions.canConfigureProducers),
    canResync: Boolean(allowedActions.canResync),
    canConfigureMappings: Boolean(allowedActions.canConfigureMappings),
    canReview: Boolean(allowedActions.canReview),
  };
};
