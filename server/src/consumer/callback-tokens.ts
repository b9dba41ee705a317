/**
 * The API tokens this site mints for an Event Producer to call it with, each allowed nothing else:
 * a callback token (pull mode: the producer's POST /notify pokes) or a push token (push mode: the
 * producer's pages and files). Minted on save, revoked when no longer held or on delete.
 */
import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { CALLBACK_TOKEN_PERMISSIONS } from '../constants';

/** What this module uses of Strapi's content-API token service. */
const tokens = (strapi: Core.Strapi) =>
  strapi.service('admin::api-token-content-api') as unknown as {
    create(attrs: object): Promise<{ id: number; accessKey: string }>;
    revoke(id: number): Promise<unknown>;
  };

/** Mints a token for `producerUrl`: a callback token, or a push token with PUSH_TOKEN_PERMISSIONS. */
export const mintCallbackToken = async (
  strapi: Core.Strapi,
  producerUrl: string,
  permissions: readonly string[] = CALLBACK_TOKEN_PERMISSIONS
): Promise<{ id: number; accessKey: string }> => {
  const push = permissions !== CALLBACK_TOKEN_PERMISSIONS;
  const token = await tokens(strapi).create({
    name: `event-streaming ${push ? 'pushes' : 'callbacks'} from ${producerUrl} ${crypto.randomBytes(3).toString('hex')}`.slice(0, 100),
    description: push
      ? 'Minted by the event-streaming plugin: lets a push-mode producer push its pages and files to this site. Allows nothing else.'
      : 'Minted by the event-streaming plugin: lets the producer notify this site of new events. Allows nothing else.',
    type: 'custom',
    permissions: [...permissions],
    lifespan: null,
  });
  return { id: token.id, accessKey: token.accessKey };
};

export const revokeCallbackToken = async (strapi: Core.Strapi, id: number): Promise<void> => {
  await tokens(strapi).revoke(id);
};
