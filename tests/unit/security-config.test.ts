/**
 * Issue 13: the new configuration keys (outbound address policy, file deadline) are validated at
 * boot with a message naming the key.
 */
import { defaultConfig, isAddressOrCidr, validateConfig } from '../../server/src/config';

describe('config: outbound and deadlines', () => {
  it('has safe defaults: only public addresses, 10 s per call, 120 s per file', () => {
    expect(defaultConfig.outbound).toStrictEqual({ allowPrivateAddresses: false, allowedAddresses: [], allowedHosts: [] });
    expect(defaultConfig.requestTimeoutMs).toBe(10_000);
    expect(defaultConfig.fileTimeoutMs).toBe(120_000);
    expect(() => validateConfig({})).not.toThrow();
  });

  it('accepts the playground policy and other good values', () => {
    expect(() =>
      validateConfig({
        outbound: {
          allowPrivateAddresses: false,
          allowedAddresses: ['127.0.0.0/8', '::1', '10.1.2.3', 'fd00::/8'],
          allowedHosts: ['localhost', 'Strapi-B.internal'],
        },
      })
    ).not.toThrow();
    expect(() => validateConfig({ outbound: { allowPrivateAddresses: true } as never })).not.toThrow();
  });

  it.each([
    [{ outbound: 'yes' }, 'event-streaming: config "outbound" must be an object { allowPrivateAddresses, allowedAddresses, allowedHosts }'],
    [
      { outbound: { allowPrivate: true } },
      'event-streaming: config "outbound.allowPrivate" is not a known key (allowPrivateAddresses, allowedAddresses, allowedHosts)',
    ],
    [{ outbound: { allowPrivateAddresses: 'true' } }, 'event-streaming: config "outbound.allowPrivateAddresses" must be true or false'],
    [
      { outbound: { allowedAddresses: '127.0.0.1' } },
      'event-streaming: config "outbound.allowedAddresses" must be a list of IP addresses or CIDR ranges',
    ],
    [
      { outbound: { allowedAddresses: ['localhost'] } },
      'event-streaming: config "outbound.allowedAddresses" has "localhost", which is not an IP address or CIDR range (e.g. "127.0.0.1", "10.0.0.0/8", "::1")',
    ],
    [{ outbound: { allowedAddresses: ['10.0.0.0/33'] } }, /has "10\.0\.0\.0\/33", which is not an IP address or CIDR range/],
    [{ outbound: { allowedAddresses: [''] } }, /has "", which is not an IP address/],
    [{ outbound: { allowedHosts: 'localhost' } }, 'event-streaming: config "outbound.allowedHosts" must be a list of host names'],
    [{ outbound: { allowedHosts: ['http://x'] } }, /config "outbound\.allowedHosts" has "http:\/\/x", which is not a host name/],
    [{ publicUrl: `http://a/${'/'.repeat(3000)}` }, 'event-streaming: config "publicUrl" must be at most 2048 characters'],
    [{ fileTimeoutMs: 0 }, 'event-streaming: config "fileTimeoutMs" must be a positive integer'],
    [{ requestTimeoutMs: 1.5 }, 'event-streaming: config "requestTimeoutMs" must be a positive integer'],
  ])('refuses %j', (raw, message) => {
    expect(() => validateConfig(raw as never)).toThrow(message);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.0.0.0/8', true],
    ['0.0.0.0/0', true],
    ['::1', true],
    ['fd00::/8', true],
    ['::/128', true],
    ['10.0.0.0/33', false],
    ['::1/129', false],
    ['10.0.0.0/', false],
    ['10.0.0.0/8/8', false],
    ['10.0.0', false],
    ['x'.repeat(100), false],
    [42, false],
  ])('isAddressOrCidr(%p) = %p', (value, expected) => {
    expect(isAddressOrCidr(value)).toBe(expected);
  });
});
