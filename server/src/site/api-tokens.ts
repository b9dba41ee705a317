import type { Core } from '@strapi/strapi';

/** What this plugin uses of Strapi's content-API token service (`admin::api-token-content-api`). */
interface ApiTokenService {
  hash(accessKey: string): string;
  getByAccessKey(accessKeyHash: string): Promise<{ id: number } | null>;
}

/**
 * The id of the API token of this site whose secret is `accessKey`, or null when no token has it
 * (never issued, or deleted). An expired token is still found: it still proves who held it.
 */
export async function apiTokenIdOf(strapi: Core.Strapi, accessKey: string): Promise<number | null> {
  const tokens = strapi.service('admin::api-token-content-api') as unknown as ApiTokenService;
  const token = await tokens.getByAccessKey(tokens.hash(accessKey));
  return token ? Number(token.id) : null;
}
