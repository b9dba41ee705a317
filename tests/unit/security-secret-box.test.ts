/**
 * Issue 13, finding 6: secrets at rest. The key is scrypt(passphrase, per-install random salt)
 * in the `v2:` format; `v1:` values (key = one SHA-256 of the passphrase, written by 0.1) still
 * decrypt; there is no derivable fallback key: without a configured key, boot fails unless
 * NODE_ENV=development, where a random key is kept in the plugin store.
 *
 * The settings service is built with a small typed Strapi stub: an in-memory plugin store,
 * `config.get` and `log.warn`.
 */
import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import settingsService, { encryptionKeyOf } from '../../server/src/site/settings';
import { createSecretBox, deriveKey, SALT_BYTES } from '../../server/src/engine/secret-box';
import { PLUGIN_ID } from '../../server/src/constants';

const PASSPHRASE = 'correct-horse-battery-staple';

/** What 0.1 wrote: `v1:` AES-256-GCM with key SHA-256(passphrase) (copied from the 0.1 code). */
function encryptV1(passphrase: string, plain: string): string {
  const k = crypto.createHash('sha256').update(passphrase).digest();
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', k, iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
}

describe('secret box v2', () => {
  const salt = crypto.randomBytes(SALT_BYTES);

  it('round-trips in the v2 format, with a fresh IV each time', () => {
    const box = createSecretBox(PASSPHRASE, salt);
    const a = box.encrypt('token-abc-123');
    expect(a).toMatch(/^v2:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(box.encrypt('token-abc-123'));
    expect(box.isCurrent(a)).toBe(true);
    expect(box.decrypt(a)).toBe('token-abc-123');
    expect(createSecretBox(PASSPHRASE, Buffer.from(salt)).decrypt(a)).toBe('token-abc-123');
  });

  it('still decrypts a v1 value written by 0.1 (and says it is not current)', () => {
    const v1 = encryptV1(PASSPHRASE, 'legacy-token-9876');
    const box = createSecretBox(PASSPHRASE, salt);
    expect(box.decrypt(v1)).toBe('legacy-token-9876');
    expect(box.isCurrent(v1)).toBe(false);
    // v1 under an explicit legacy passphrase (0.1's development key).
    const dev = encryptV1('event-streaming-dev-key-site-1', 'dev-token-5555');
    expect(createSecretBox(PASSPHRASE, salt, { v1Passphrase: 'event-streaming-dev-key-site-1' }).decrypt(dev)).toBe('dev-token-5555');
    expect(() => box.decrypt(dev)).toThrow('cannot be decrypted');
  });

  it('fails with a wrong key, a wrong salt, a tampered value, or a v1 value relabelled v2', () => {
    const stored = createSecretBox(PASSPHRASE, salt).encrypt('token-abc-123');
    const message = 'event-streaming: a stored secret cannot be decrypted (was the encryption key changed?)';
    expect(() => createSecretBox('incorrect-horse-battery', salt).decrypt(stored)).toThrow(message);
    expect(() => createSecretBox(PASSPHRASE, crypto.randomBytes(SALT_BYTES)).decrypt(stored)).toThrow(message);
    const [, iv, tag, ct] = stored.split(':');
    expect(() => createSecretBox(PASSPHRASE, salt).decrypt(['v1', iv, tag, ct].join(':'))).toThrow(message);
    const v1 = encryptV1(PASSPHRASE, 'x-token-0000').replace(/^v1:/, 'v2:');
    expect(() => createSecretBox(PASSPHRASE, salt).decrypt(v1)).toThrow(message);
  });

  it('refuses a short salt and truncated tags', () => {
    expect(() => createSecretBox(PASSPHRASE, Buffer.alloc(8))).toThrow('the encryption salt must be at least 16 bytes');
    const box = createSecretBox(PASSPHRASE, salt);
    const [v, iv, tag, ct] = box.encrypt('token-abc-123').split(':');
    const short = Buffer.from(tag, 'base64').subarray(0, 12).toString('base64');
    expect(() => box.decrypt([v, iv, short, ct].join(':'))).toThrow('not in the encrypted format');
  });

  it('derives the key with scrypt: deterministic for (passphrase, salt), different for another salt', () => {
    const k = deriveKey(PASSPHRASE, salt);
    expect(k).toHaveLength(32);
    expect(deriveKey(PASSPHRASE, Buffer.from(salt)).equals(k)).toBe(true);
    expect(deriveKey(PASSPHRASE, crypto.randomBytes(SALT_BYTES)).equals(k)).toBe(false);
    expect(k.equals(crypto.createHash('sha256').update(PASSPHRASE).digest())).toBe(false);
  });
});

// ---- the settings service on a stub Strapi ------------------------------------------------------

/** The parts of Strapi the settings service touches. */
interface StrapiStub {
  store(opts: { type: string; name: string }): {
    get(q: { key: string }): Promise<unknown>;
    set(q: { key: string; value: unknown }): Promise<void>;
  };
  config: { get(path: string): unknown };
  log: { warn(message: string): void };
  /** The one-row site-id table (site/site-id.ts), as far as its knex calls go. */
  db: { connection: FakeKnex };
}

type FakeKnex = ((table: string) => {
  insert(row: { id: number; site_id: string }): { onConflict(col: string): { ignore(): Promise<void> } };
  where(q: { id: number }): { first(col: string): Promise<{ site_id: string } | undefined> };
}) & { schema: { hasTable(t: string): Promise<boolean>; createTable(): Promise<void> } };

/** A knex stand-in for the site-id table: a Map keyed by id, the first insert wins. */
function fakeKnex(rows: Map<number, string>): FakeKnex {
  const table = () => ({
    insert: (row: { id: number; site_id: string }) => ({
      onConflict: () => ({
        ignore: async () => {
          if (!rows.has(row.id)) rows.set(row.id, row.site_id);
        },
      }),
    }),
    where: (q: { id: number }) => ({
      first: async () => (rows.has(q.id) ? { site_id: rows.get(q.id)! } : undefined),
    }),
  });
  return Object.assign(table, { schema: { hasTable: async () => true, createTable: async () => undefined } });
}

/** One "install": a plugin store (a Map, kept across restarts) and a configuration. */
function install(opts: { pluginConfig?: Record<string, unknown>; adminKey?: string } = {}) {
  const data = new Map<string, unknown>();
  const siteRows = new Map<number, string>();
  const warnings: string[] = [];
  const stub: StrapiStub = {
    store({ type, name }) {
      if (type !== 'plugin' || name !== PLUGIN_ID) throw new Error(`unexpected store ${type}/${name}`);
      return {
        get: async ({ key }) => data.get(key) ?? null,
        set: async ({ key, value }) => {
          data.set(key, value);
        },
      };
    },
    config: {
      get(path) {
        if (path === `plugin::${PLUGIN_ID}`) return opts.pluginConfig ?? {};
        if (path === 'admin.secrets.encryptionKey') return opts.adminKey;
        throw new Error(`unexpected config ${path}`);
      },
    },
    log: { warn: (message) => warnings.push(message) },
    db: { connection: fakeKnex(siteRows) },
  };
  // The service factory is typed for the whole Strapi; the stub is the part it uses.
  const boot = async () => {
    const settings = settingsService({ strapi: stub as unknown as Core.Strapi });
    await settings.init();
    return settings;
  };
  return { data, warnings, boot, stub };
}

describe('settings: key, salt and boot', () => {
  const saved = { NODE_ENV: process.env.NODE_ENV, KEY: process.env.EVENT_STREAMING_ENCRYPTION_KEY };
  beforeEach(() => {
    delete process.env.EVENT_STREAMING_ENCRYPTION_KEY;
    process.env.NODE_ENV = 'test';
  });
  afterAll(() => {
    process.env.NODE_ENV = saved.NODE_ENV;
    if (saved.KEY === undefined) delete process.env.EVENT_STREAMING_ENCRYPTION_KEY;
    else process.env.EVENT_STREAMING_ENCRYPTION_KEY = saved.KEY;
  });

  it.each(['production', 'test', 'staging'])('refuses to boot without a key when NODE_ENV=%s', async (env) => {
    process.env.NODE_ENV = env;
    const site = install();
    await expect(site.boot()).rejects.toThrow(
      new RegExp(`^event-streaming: no encryption key \\(NODE_ENV=${env}\\)\\. Set EVENT_STREAMING_ENCRYPTION_KEY, ENCRYPTION_KEY`)
    );
  });

  it('treats an empty key as no key', async () => {
    process.env.EVENT_STREAMING_ENCRYPTION_KEY = '';
    await expect(install({ adminKey: '' }).boot()).rejects.toThrow('no encryption key');
  });

  it('makes a random salt per install, kept across restarts', async () => {
    const a = install({ adminKey: PASSPHRASE });
    const b = install({ adminKey: PASSPHRASE });
    const a1 = await a.boot();
    const b1 = await b.boot();
    const saltA = a.data.get('encryptionSalt') as string;
    expect(Buffer.from(saltA, 'base64')).toHaveLength(SALT_BYTES);
    expect(saltA).not.toBe(b.data.get('encryptionSalt'));
    const stored = a1.encrypt('token-of-a-1234');
    expect(stored).toMatch(/^v2:/);
    // Same passphrase, other install: the salt differs, so the value does not open there.
    expect(() => b1.decrypt(stored)).toThrow('cannot be decrypted');
    // A restart of the same install reads it.
    const a2 = await a.boot();
    expect(a.data.get('encryptionSalt')).toBe(saltA);
    expect(a2.decrypt(stored)).toBe('token-of-a-1234');
    expect(a2.hint(stored)).toBe('••••1234');
  });

  it('reads v1 values of the same key after the upgrade', async () => {
    const site = await install({ adminKey: PASSPHRASE }).boot();
    expect(site.decrypt(encryptV1(PASSPHRASE, 'written-by-0.1'))).toBe('written-by-0.1');
  });

  it('takes the key in the documented order: plugin config, EVENT_STREAMING_ENCRYPTION_KEY, admin secrets.encryptionKey', async () => {
    const config = 'key-from-plugin-config';
    const env = 'key-from-the-environment';
    const admin = 'key-from-admin-secrets';
    const site = (o: Parameters<typeof install>[0]) => install(o).stub as unknown as Core.Strapi;
    process.env.EVENT_STREAMING_ENCRYPTION_KEY = env;
    expect(encryptionKeyOf({ encryptionKey: config }, site({ adminKey: admin }))).toBe(config);
    expect(encryptionKeyOf({ encryptionKey: null }, site({ adminKey: admin }))).toBe(env);
    delete process.env.EVENT_STREAMING_ENCRYPTION_KEY;
    expect(encryptionKeyOf({ encryptionKey: null }, site({ adminKey: admin }))).toBe(admin);
    expect(encryptionKeyOf({ encryptionKey: null }, site({}))).toBeNull();
    // The chosen key is the one that works: a value written under the config key opens only with it.
    const a = install({ pluginConfig: { encryptionKey: config }, adminKey: admin });
    const stored = (await a.boot()).encrypt('token-xyz-0001');
    a.stub.config.get = (path) => (path === 'admin.secrets.encryptionKey' ? admin : {});
    await expect(a.boot().then((s) => s.decrypt(stored))).rejects.toThrow('cannot be decrypted');
  });

  it('in development, without a key: a random key kept in the plugin store, a warning, and 0.1 development values still readable', async () => {
    process.env.NODE_ENV = 'development';
    const site = install();
    const s1 = await site.boot();
    const devKey = site.data.get('developmentEncryptionKey') as string;
    expect(Buffer.from(devKey, 'base64')).toHaveLength(32);
    expect(site.warnings.join('\n')).toMatch(/no encryption key configured; using a random development key kept in the plugin store/);
    const stored = s1.encrypt('dev-token-4321');
    const s2 = await site.boot();
    expect(site.data.get('developmentEncryptionKey')).toBe(devKey);
    expect(s2.decrypt(stored)).toBe('dev-token-4321');
    // 0.1 encrypted with a key derived from the site id: still readable, never used to write.
    const siteId = site.data.get('siteId') as string;
    expect(s2.decrypt(encryptV1(`event-streaming-dev-key-${siteId}`, 'old-dev-token'))).toBe('old-dev-token');
    expect(() =>
      createSecretBox(`event-streaming-dev-key-${siteId}`, Buffer.from(site.data.get('encryptionSalt') as string, 'base64')).decrypt(stored)
    ).toThrow('cannot be decrypted');
    // Another development install gets another key.
    await install().boot();
  });
});
