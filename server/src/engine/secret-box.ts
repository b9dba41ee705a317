import crypto from 'node:crypto';

/**
 * Encrypts secrets at rest with AES-256-GCM (random 96-bit IV, full 128-bit tag).
 *
 * Key: scrypt(passphrase, salt) with N=2^15, r=8, p=1 (32 MiB, ~0.1 s, once per boot), `salt` a
 * random per-install value kept in the plugin store. The passphrase is whatever the operator
 * configured (ENCRYPTION_KEY is often a human-chosen string, so a fast hash would let a stolen
 * database be brute-forced offline; scrypt makes each guess cost memory and time, and the salt
 * makes each install's guesses separate). HKDF would only be sound if every configured key were
 * high-entropy, which the plugin cannot check.
 *
 * Stored forms (nothing is ever stored in clear; anything else is refused on decrypt):
 *   `v2:<iv b64>:<tag b64>:<ciphertext b64>`  written now; AAD `event-streaming:v2`
 *   `v1:<iv b64>:<tag b64>:<ciphertext b64>`  read only: written by 0.1 with key SHA-256(passphrase)
 * v1 values are not rewritten automatically; a token is stored as v2 the next time it is saved.
 */
export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** True when `stored` is in the current format (v2). */
  isCurrent(stored: string): boolean;
}

export interface SecretBoxOptions {
  /** Passphrase of the v1 format (SHA-256 key) if it differs from the current one; default: the same passphrase. */
  v1Passphrase?: string;
}

/** scrypt cost parameters of the v2 key. Changing them is a new format version. */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
/** Bytes of the per-install salt. */
export const SALT_BYTES = 16;
export const MIN_PASSPHRASE_LENGTH = 16;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const V2_AAD = Buffer.from('event-streaming:v2');

/** A fresh random salt, base64 (what the plugin store keeps). */
export const newSalt = (): string => crypto.randomBytes(SALT_BYTES).toString('base64');

/** The v2 key: scrypt of the passphrase with the install's salt (32 bytes). */
export function deriveKey(passphrase: string, salt: Buffer): Buffer {
  if (salt.length < SALT_BYTES) throw new Error(`event-streaming: the encryption salt must be at least ${SALT_BYTES} bytes`);
  return crypto.scryptSync(passphrase, salt, 32, SCRYPT_PARAMS);
}

const formatError = () => new Error('event-streaming: a stored secret is not in the encrypted format');

/** The four parts of a stored value, with IV and tag of the right size; throws the format error otherwise. */
function parse(stored: string): { version: string; iv: Buffer; tag: Buffer; ct: Buffer } {
  const parts = typeof stored === 'string' ? stored.split(':') : [];
  const [version, iv, tag, ct] = parts;
  if (parts.length !== 4 || (version !== 'v1' && version !== 'v2') || !iv || !tag) throw formatError();
  const ivBytes = Buffer.from(iv, 'base64');
  const tagBytes = Buffer.from(tag, 'base64');
  // A full 128-bit tag only: Node would accept a truncated one and weaken the tamper check.
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw formatError();
  return { version, iv: ivBytes, tag: tagBytes, ct: Buffer.from(ct, 'base64') };
}

/**
 * A secret box for `passphrase` (at least 16 characters) and this install's `salt` (at least 16
 * random bytes). Derives the key at once (scrypt, ~0.1 s): make one per process.
 */
export function createSecretBox(passphrase: string, salt: Buffer, options: SecretBoxOptions = {}): SecretBox {
  if (typeof passphrase !== 'string' || passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new Error(`event-streaming: the encryption key must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
  const k2 = deriveKey(passphrase, salt);
  const k1 = crypto
    .createHash('sha256')
    .update(options.v1Passphrase ?? passphrase)
    .digest();
  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', k2, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(V2_AAD);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v2', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
    },
    decrypt(stored) {
      const { version, iv, tag, ct } = parse(stored);
      const decipher = crypto.createDecipheriv('aes-256-gcm', version === 'v2' ? k2 : k1, iv, { authTagLength: TAG_BYTES });
      if (version === 'v2') decipher.setAAD(V2_AAD);
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('event-streaming: a stored secret cannot be decrypted (was the encryption key changed?)');
      }
    },
    isCurrent(stored) {
      return typeof stored === 'string' && stored.startsWith('v2:');
    },
  };
}

/** A hint that tells tokens apart without revealing them: `••••` + the last 4 characters. */
export const maskSecret = (secret: string | null | undefined): string => (secret ? `••••${secret.slice(-4)}` : '');
