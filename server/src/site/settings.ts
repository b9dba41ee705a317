import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import { defaultConfig, type PluginConfig } from '../config';
import { createSecretBox, maskSecret, type SecretBox } from '../engine/secret-box';
import { resolveSiteId, siteIdPorts } from './site-id';

/**
 * This site's identity (a UUID made once and kept in the plugin store), its configuration
 * (defaults merged key by key) and the secret box that encrypts stored tokens.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  let siteId: string | null = null;
  let box: SecretBox | null = null;
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });

  const config = (): PluginConfig => {
    const raw = (strapi.config.get(`plugin::${PLUGIN_ID}`) ?? {}) as Partial<PluginConfig>;
    return {
      ...defaultConfig,
      ...raw,
      retry: { ...defaultConfig.retry, ...(raw.retry ?? {}) },
      retention: { ...defaultConfig.retention, ...(raw.retention ?? {}) },
    };
  };

  return {
    config,

    /** Loads (or creates, once) the site id. Called in bootstrap. */
    async init(): Promise<void> {
      // One site id per database, also when instances boot together (site-id.ts).
      siteId = await resolveSiteId(siteIdPorts(strapi, store()));
      const key =
        config().encryptionKey ??
        process.env.EVENT_STREAMING_ENCRYPTION_KEY ??
        (strapi.config.get('admin.secrets.encryptionKey') as string | undefined) ??
        null;
      if (!key) {
        if (process.env.NODE_ENV === 'production') {
          throw new Error(
            'event-streaming: no encryption key. Set EVENT_STREAMING_ENCRYPTION_KEY (or ENCRYPTION_KEY / config "encryptionKey", at least 16 characters) so stored API tokens can be encrypted.'
          );
        }
        strapi.log.warn(
          'event-streaming: no encryption key configured; using a development key. Set EVENT_STREAMING_ENCRYPTION_KEY in production.'
        );
      }
      box = createSecretBox(key ?? `event-streaming-dev-key-${siteId}`);
    },

    siteId(): string {
      if (!siteId) throw new Error('event-streaming: site id read before bootstrap');
      return siteId;
    },

    siteName(): string {
      return config().siteName;
    },

    publicUrl(): string | null {
      const url = config().publicUrl;
      return url ? url.replace(/\/+$/, '') : null;
    },

    encrypt(plain: string): string {
      if (!box) throw new Error('event-streaming: secret box used before bootstrap');
      return box.encrypt(plain);
    },

    decrypt(stored: string): string {
      if (!box) throw new Error('event-streaming: secret box used before bootstrap');
      return box.decrypt(stored);
    },

    /** Masked hint of an encrypted secret, for the admin ("••••a1b2"). */
    hint(stored: string | null | undefined): string | null {
      if (!stored) return null;
      try {
        return maskSecret(this.decrypt(stored));
      } catch {
        return '••••';
      }
    },
  };
};
