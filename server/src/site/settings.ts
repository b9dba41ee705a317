import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import { defaultConfig, type PluginConfig } from '../config';
import { createSecretBox, maskSecret, MIN_PASSPHRASE_LENGTH, newSalt, type SecretBox } from '../engine/secret-box';
import { trimTrailingSlashes } from '../engine/url';

/** The configured encryption passphrase, in this order: plugin config, plugin env var, Strapi's admin key. */
export function encryptionKeyOf(cfg: Pick<PluginConfig, 'encryptionKey'>, strapi: Pick<Core.Strapi, 'config'>): string | null {
  return (
    cfg.encryptionKey ||
    process.env.EVENT_STREAMING_ENCRYPTION_KEY ||
    (strapi.config.get('admin.secrets.encryptionKey') as string | undefined) ||
    null
  );
}
import { resolveSiteId, siteIdPorts } from './site-id';

/**
 * This site's identity (a UUID made once and kept in the plugin store), its configuration
 * (defaults merged key by key) and the secret box that encrypts stored tokens.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  let siteId: string | null = null;
  let box: SecretBox | null = null;
  const store = () => strapi.store({ type: 'plugin', name: PLUGIN_ID });

  /**
   * A value of the plugin store, made by `create` the first time. Read back after writing so
   * that instances booting together on one database converge on the value that was kept.
   */
  const loadOrCreate = async (key: string, create: () => string): Promise<string> => {
    const stored = (await store().get({ key })) as unknown;
    if (typeof stored === 'string' && stored) return stored;
    await store().set({ key, value: create() });
    return (await store().get({ key })) as string;
  };

  const config = (): PluginConfig => {
    const raw = (strapi.config.get(`plugin::${PLUGIN_ID}`) ?? {}) as Partial<PluginConfig>;
    return {
      ...defaultConfig,
      ...raw,
      retry: { ...defaultConfig.retry, ...(raw.retry ?? {}) },
      retention: { ...defaultConfig.retention, ...(raw.retention ?? {}) },
      outbound: { ...defaultConfig.outbound, ...(raw.outbound ?? {}) },
      alerts: { ...defaultConfig.alerts, ...(raw.alerts ?? {}) },
    };
  };

  return {
    config,

    /**
     * Loads (or creates, once) the site id, then the secret box. Called in bootstrap.
     * Key: the first set of config `encryptionKey`, EVENT_STREAMING_ENCRYPTION_KEY, the admin's
     * `secrets.encryptionKey` (ENCRYPTION_KEY). Without one, boot fails unless
     * NODE_ENV=development, where a random key is made once and kept in the plugin store (next to
     * the data it protects: obfuscation only, fine for a developer's machine).
     * @throws Error naming the settings to set when there is no key outside development.
     */
    async init(): Promise<void> {
      // One site id per database, also when instances boot together (site-id.ts).
      siteId = await resolveSiteId(siteIdPorts(strapi, store()));
      const configured = encryptionKeyOf(config(), strapi);
      let passphrase: string;
      let v1Passphrase: string | undefined;
      if (configured) {
        passphrase = configured;
      } else if (process.env.NODE_ENV === 'development') {
        strapi.log.warn(
          'event-streaming: no encryption key configured; using a random development key kept in the plugin store. Set EVENT_STREAMING_ENCRYPTION_KEY (or ENCRYPTION_KEY) outside development.'
        );
        passphrase = await loadOrCreate('developmentEncryptionKey', () => crypto.randomBytes(32).toString('base64'));
        // Tokens saved by 0.1 in development were encrypted (v1) with this derivable key: read them.
        v1Passphrase = `event-streaming-dev-key-${siteId}`;
      } else {
        throw new Error(
          `event-streaming: no encryption key (NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}). Set EVENT_STREAMING_ENCRYPTION_KEY, ENCRYPTION_KEY (admin secrets.encryptionKey) or the plugin config "encryptionKey" (at least ${MIN_PASSPHRASE_LENGTH} characters) so stored API tokens can be encrypted; only NODE_ENV=development runs without one.`
        );
      }
      const salt = Buffer.from(await loadOrCreate('encryptionSalt', newSalt), 'base64');
      box = createSecretBox(passphrase, salt, { v1Passphrase });
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
      return url ? trimTrailingSlashes(url) : null;
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
