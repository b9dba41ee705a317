/**
 * Issue 16 (1): the hosts a producer may fetch its own files from, even on a private address,
 * come from its upload provider's configuration only.
 */
import { isProviderHost, providerHosts } from '../../server/src/producer/files';

describe('providerHosts', () => {
  it('takes the hosts of URL-valued options and of a scheme-less S3 endpoint, at any depth', () => {
    const hosts = providerHosts({
      baseUrl: 'https://cdn.example.com/media',
      rootPath: 'uploads',
      s3Options: { endpoint: 'http://MinIO.internal:9000', region: 'eu-west-1', params: { Bucket: 'b', ACL: 'private' } },
      other: { endpoint: 'nyc3.digitaloceanspaces.com' },
    });
    expect([...hosts].sort()).toEqual(['cdn.example.com', 'minio.internal', 'nyc3.digitaloceanspaces.com']);
  });

  it('takes nothing from a provider without URLs (the local provider has no options)', () => {
    expect(providerHosts(undefined).size).toBe(0);
    expect(providerHosts({ sizeLimit: 1000, endpoint: 'not a host/..' }).size).toBe(0);
  });
});

describe('isProviderHost', () => {
  const hosts = new Set(['minio.internal', 'cdn.example.com']);
  it.each([
    ['http://minio.internal:9000/bucket/key.png', true],
    ['http://bucket.minio.internal/key.png', true], // virtual-hosted bucket
    ['https://cdn.example.com/media/key.png?X-Amz-Signature=x', true],
    ['http://evil-minio.internal/key.png', false],
    ['http://minio.internal.evil.com/key.png', false],
    ['http://169.254.169.254/latest/meta-data', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isProviderHost(url, hosts)).toBe(expected);
  });
});
