import crypto from 'node:crypto';

/**
 * Encrypts secrets at rest (AES-256-GCM, random 96-bit IV, key = SHA-256 of the configured key).
 * Stored form: `v1:<iv b64>:<tag b64>:<ciphertext b64>`. A value that does not start with `v1:`
 * is refused on decrypt: nothing is ever stored in clear.
 */
export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

export function createSecretBox(key: string): SecretBox {
  if (!key || key.length < 16) {
    throw new Error('event-streaming: the encryption key must be at least 16 characters');
  }
  const k = crypto.createHash('sha256').update(key).digest();
  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', k, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
    },
    decrypt(stored) {
      const [v, iv, tag, ct] = stored.split(':');
      if (v !== 'v1' || !iv || !tag || ct === undefined) {
        throw new Error('event-streaming: a stored secret is not in the encrypted format');
      }
      // A full 128-bit tag only: Node would accept a truncated one and weaken the tamper check.
      const decipher = crypto.createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64'), { authTagLength: 16 });
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('event-streaming: a stored secret cannot be decrypted (was the encryption key changed?)');
      }
    },
  };
}

/** A hint that tells tokens apart without revealing them: `••••` + the last 4 characters. */
export const maskSecret = (secret: string | null | undefined): string => (secret ? `••••${secret.slice(-4)}` : '');
