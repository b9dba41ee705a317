import { normalizeSiteUrl } from '../../server/src/engine/url';
import { createSecretBox, maskSecret } from '../../server/src/engine/secret-box';
import { nextRetryDelay, type RetryPolicy } from '../../server/src/engine/backoff';
import { ApplyError, InputError, RemoteError, errorMessage } from '../../server/src/engine/errors';
import { docKey, isDocRef, isFileRef, walkRefs } from '../../server/src/engine/refs';

const caught = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('normalizeSiteUrl', () => {
  it.each([
    ['http://example.com/', 'http://example.com'],
    ['https://Example.COM', 'https://example.com'],
    ['  https://EXAMPLE.com:8443/api//  ', 'https://example.com:8443/api'],
    ['https://example.com:443/', 'https://example.com'],
    ['http://localhost:1337', 'http://localhost:1337'],
    ['http://example.com/Sub/Path/', 'http://example.com/Sub/Path'],
  ])('%p -> %p', (input, expected) => {
    expect(normalizeSiteUrl(input)).toBe(expected);
  });

  it.each([
    ['', /^producerUrl must be a non-empty URL$/],
    ['   ', /^producerUrl must be a non-empty URL$/],
    [null, /^producerUrl must be a non-empty URL$/],
    [42, /^producerUrl must be a non-empty URL$/],
    ['not a url', /^producerUrl is not a valid URL: "not a url"$/],
    ['ftp://example.com', /^producerUrl must use http or https, not ftp$/],
    ['javascript:alert(1)', /must use http or https, not javascript/],
    ['https://user:pass@example.com', /must not contain credentials/],
    ['https://user@example.com', /must not contain credentials/],
    ['https://example.com/?a=1', /must not have a query string or fragment/],
    ['https://example.com/#top', /must not have a query string or fragment/],
  ])('rejects %p', (input, message) => {
    const e = caught(() => normalizeSiteUrl(input));
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(message);
  });

  it('names the field', () => {
    expect((caught(() => normalizeSiteUrl('', 'callbackUrl')) as Error).message).toBe('callbackUrl must be a non-empty URL');
  });
});

describe('createSecretBox', () => {
  const key = 'a-long-enough-key-0123';
  const salt = Buffer.alloc(16, 7);

  it('round-trips, in the v2 format, with a fresh IV each time', () => {
    const box = createSecretBox(key, salt);
    const a = box.encrypt('my-api-token');
    const b = box.encrypt('my-api-token');
    expect(a).toMatch(/^v2:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('my-api-token');
    expect(box.decrypt(a)).toBe('my-api-token');
    expect(box.decrypt(b)).toBe('my-api-token');
    expect(box.decrypt(box.encrypt(''))).toBe('');
    expect(box.decrypt(box.encrypt('ünïcødé ✓'))).toBe('ünïcødé ✓');
    expect(createSecretBox(key, salt).decrypt(a)).toBe('my-api-token');
  });

  it('detects a tampered ciphertext', () => {
    const box = createSecretBox(key, salt);
    const [v, iv, tag, ct] = box.encrypt('my-api-token').split(':');
    const bytes = Buffer.from(ct, 'base64');
    bytes[0] ^= 1;
    expect(() => box.decrypt([v, iv, tag, bytes.toString('base64')].join(':'))).toThrow('cannot be decrypted');
    const tagBytes = Buffer.from(tag, 'base64');
    tagBytes[15] ^= 1;
    expect(() => box.decrypt([v, iv, tagBytes.toString('base64'), ct].join(':'))).toThrow('cannot be decrypted');
  });

  it('refuses a value encrypted with another key', () => {
    const stored = createSecretBox(key, salt).encrypt('my-api-token');
    expect(() => createSecretBox('another-key-0123456', salt).decrypt(stored)).toThrow(
      'event-streaming: a stored secret cannot be decrypted (was the encryption key changed?)'
    );
  });

  it('refuses clear text and malformed values', () => {
    const box = createSecretBox(key, salt);
    for (const bad of ['my-api-token', 'v2:a:b:c', 'v1:a:b', 'v1::b:c', '']) {
      expect(() => box.decrypt(bad)).toThrow('event-streaming: a stored secret is not in the encrypted format');
    }
  });

  it('refuses a short or missing key', () => {
    expect(() => createSecretBox('short', salt)).toThrow('the encryption key must be at least 16 characters');
    expect(() => createSecretBox('0123456789abcde', salt)).toThrow('at least 16 characters');
    expect(() => createSecretBox('', salt)).toThrow('at least 16 characters');
    expect(() => createSecretBox('0123456789abcdef', salt)).not.toThrow();
  });
});

describe('maskSecret', () => {
  it('shows the last 4 characters only', () => {
    expect(maskSecret('abcdef123456wxyz')).toBe('••••wxyz');
    expect(maskSecret('')).toBe('');
    expect(maskSecret(null)).toBe('');
    expect(maskSecret(undefined)).toBe('');
  });
});

describe('nextRetryDelay', () => {
  const policy: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 10_000, maxAttempts: 6 };

  it('grows exponentially from the base, with the random half at its bounds', () => {
    expect([1, 2, 3, 4].map((n) => nextRetryDelay(n, policy, () => 0))).toStrictEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => nextRetryDelay(n, policy, () => 1))).toStrictEqual([1000, 2000, 4000, 8000]);
    expect(nextRetryDelay(2, policy, () => 0.5)).toBe(1500);
  });

  it('is capped at maxDelayMs', () => {
    expect(nextRetryDelay(5, policy, () => 0)).toBe(5000);
    expect(nextRetryDelay(5, policy, () => 1)).toBe(10_000);
    expect(nextRetryDelay(40, { ...policy, maxAttempts: 100 }, () => 0.999)).toBe(9995);
  });

  it('stays within [exp/2, exp] with the default random', () => {
    for (let i = 0; i < 200; i += 1) {
      const d = nextRetryDelay(3, policy)!;
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('treats attempt 0 like attempt 1', () => {
    expect(nextRetryDelay(0, policy, () => 0)).toBe(500);
  });

  it('returns null once maxAttempts is reached', () => {
    expect(nextRetryDelay(5, policy, () => 0)).toBe(5000);
    expect(nextRetryDelay(6, policy, () => 0)).toBeNull();
    expect(nextRetryDelay(7, policy, () => 0)).toBeNull();
    expect(nextRetryDelay(1, { ...policy, maxAttempts: 1 }, () => 0)).toBeNull();
  });
});

describe('errors', () => {
  it.each([
    [0, true],
    [500, true],
    [502, true],
    [503, true],
    [429, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
  ])('RemoteError(%p).transient === %p', (status, transient) => {
    expect(new RemoteError('x', status).transient).toBe(transient);
  });

  it('carries name, status, code and details', () => {
    const r = new RemoteError('down', 503, 'ECONNREFUSED');
    expect([r.name, r.message, r.status, r.code, r instanceof Error]).toStrictEqual(['RemoteError', 'down', 503, 'ECONNREFUSED', true]);
    const i = new InputError('bad', { field: 'a' });
    expect([i.name, i.message, i.details]).toStrictEqual(['InputError', 'bad', { field: 'a' }]);
    expect(new InputError('bad').details).toStrictEqual({});
    expect(new ApplyError('nope').name).toBe('ApplyError');
  });

  it('errorMessage', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage({ code: 1 })).toBe('{"code":1}');
  });
});

describe('refs', () => {
  const r1 = { __ref: 'api::a.a', documentId: 'a1' };
  const r2 = { __ref: 'api::b.b', documentId: 'b1', locale: 'en' };
  const f1 = { __file: 'f1', hash: 'h' };
  const f2 = { __file: 'f2', hash: 'h2' };

  it('recognises references by their markers', () => {
    expect(isDocRef(r1)).toBe(true);
    expect(isDocRef({ __ref: 'api::a.a' })).toBe(false);
    expect(isDocRef({ documentId: 'x' })).toBe(false);
    expect(isDocRef(null)).toBe(false);
    expect(isFileRef(f1)).toBe(true);
    expect(isFileRef({ __file: 3 })).toBe(false);
    expect(isFileRef('f1')).toBe(false);
  });

  it('walkRefs finds references anywhere and does not descend into them', () => {
    const refs: unknown[] = [];
    const files: unknown[] = [];
    const snapshot = {
      title: 'x',
      n: 1,
      author: r1,
      cover: f1,
      blocks: [{ label: 'l', target: r2, nested: { deep: [[f2]] } }, null, 'str'],
      weird: { __ref: 'api::c.c', documentId: 'c1', inner: { __ref: 'api::d.d', documentId: 'd1' } },
    };
    walkRefs(
      snapshot,
      (r) => refs.push(r),
      (f) => files.push(f)
    );
    expect(refs).toStrictEqual([r1, r2, snapshot.weird]);
    expect(files).toStrictEqual([f1, f2]);
  });

  it('walkRefs stops beyond depth 32', () => {
    const found: unknown[] = [];
    let deep: unknown = r1;
    for (let i = 0; i < 33; i += 1) deep = [deep];
    walkRefs(
      deep,
      (r) => found.push(r),
      () => undefined
    );
    expect(found).toStrictEqual([]);
    deep = r1;
    for (let i = 0; i < 32; i += 1) deep = [deep];
    walkRefs(
      deep,
      (r) => found.push(r),
      () => undefined
    );
    expect(found).toStrictEqual([r1]);
  });

  it('docKey', () => {
    expect(docKey('api::a.a', 'd1', 'en')).toBe('api::a.a|d1|en');
    expect(docKey('api::a.a', 'd1', null)).toBe('api::a.a|d1|');
    expect(docKey('api::a.a', 'd1', undefined)).toBe('api::a.a|d1|');
  });
});
