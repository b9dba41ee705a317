/**
 * Issue 3.5: failed events retry by themselves with exponential backoff, up to a bound; the
 * admin can resync all failed at once.
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { eventually, getDoc, link, list, setStatus, syncLogs, type Link } from '../helpers/streaming';
import { ITEM } from '../helpers/uids';

let producer: Site;
let consumer: Site;
let l: Link;

beforeAll(async () => {
  [producer, consumer] = await startSites([
    { name: 'retry-producer' },
    {
      name: 'retry-consumer',
      env: {
        EVENT_STREAMING_PULL_CRON: '*/1 * * * * *',
        EVENT_STREAMING_RETRY_BASE_MS: '1500',
        EVENT_STREAMING_RETRY_MAX_MS: '4000',
        EVENT_STREAMING_RETRY_ATTEMPTS: '4',
      },
    },
  ]);
  l = await link(producer, consumer, [{ contentType: ITEM, useSameName: true }]);
  await setStatus(l, { [ITEM]: 'Approved' });
});

afterAll(() => stopAll());

const failedEntry = async (remoteId: string) => (await syncLogs(consumer)).data.find((e: any) => e.remoteDocumentId === remoteId);

test('a failed event is retried with growing delays, stops at the bound, and succeeds once the cause is gone', async () => {
  expectStatus(await consumer.api('POST', '/items', { data: { name: 'Local', sku: 'RETRY-1' } }), 'local clash');
  const remote = expectStatus(await producer.api('POST', '/items', { data: { name: 'Remote', sku: 'RETRY-1' } }), 'remote').body.data;

  // Attempts grow by themselves (cron retries), with the next retry further away each time.
  const seen: Array<{ attempts: number; delay: number }> = [];
  await eventually(
    async () => {
      const e = await failedEntry(remote.documentId);
      if (e?.nextRetryAt && !seen.some((s) => s.attempts === e.attempts)) {
        seen.push({ attempts: e.attempts, delay: Date.parse(e.nextRetryAt) - Date.parse(e.updatedAt) });
      }
      return e && e.attempts >= 4 ? e : null;
    },
    'four attempts',
    40_000
  );
  const last = await failedEntry(remote.documentId);
  expect(last).toMatchObject({ status: 'Failed', attempts: 4, nextRetryAt: null, gaveUp: true }); // bound reached: no more automatic retries
  expect(last.error).toMatch(/sku/);
  expect(seen.length).toBeGreaterThanOrEqual(2);
  // Exponential with equal jitter: delay n is within [base*2^(n-1)/2, base*2^(n-1)], capped at 4 s.
  for (const s of seen) {
    const exp = Math.min(4000, 1500 * 2 ** (s.attempts - 1));
    expect(s.delay).toBeGreaterThanOrEqual(exp / 2 - 1000);
    expect(s.delay).toBeLessThanOrEqual(exp + 1000);
  }

  // An admin fixes the cause and resyncs everything that failed.
  const local = (await list(consumer, 'items')).find((i) => i.sku === 'RETRY-1' && i.documentId !== remote.documentId);
  expectStatus(await consumer.api('DELETE', `/items/${local.documentId}`), 'remove clash', [200, 204]);
  const res = expectStatus(await consumer.admin('POST', '/event-streaming/sync-logs/resync-failed', {}), 'resync all').body.data;
  expect(res).toEqual({ resynced: 1, failed: 0 });
  expect(await getDoc(consumer, 'items', remote.documentId)).toMatchObject({ name: 'Remote', sku: 'RETRY-1' });
  expect(await failedEntry(remote.documentId)).toMatchObject({ status: 'Synced', gaveUp: false });
});

test('an automatic retry succeeds by itself when the cause goes away', async () => {
  expectStatus(await consumer.api('POST', '/items', { data: { name: 'Local 2', sku: 'RETRY-2' } }), 'local clash');
  const remote = expectStatus(await producer.api('POST', '/items', { data: { name: 'Remote 2', sku: 'RETRY-2' } }), 'remote').body.data;
  await eventually(() => failedEntry(remote.documentId), 'Failed entry');
  const local = (await list(consumer, 'items')).find((i) => i.sku === 'RETRY-2' && i.documentId !== remote.documentId);
  expectStatus(await consumer.api('DELETE', `/items/${local.documentId}`), 'remove clash', [200, 204]);
  const doc = await eventually(() => getDoc(consumer, 'items', remote.documentId), 'retried by itself', 20_000);
  expect(doc).toMatchObject({ name: 'Remote 2' });
  expect((await failedEntry(remote.documentId)).status).toBe('Synced');
});
