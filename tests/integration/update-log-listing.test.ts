/**
 * Issue 11 leftover (issue 12, point 4): the admin Update Log listing is read-only. With only a
 * pull-only consumer nothing sequences a write until that consumer pulls; listing the log must
 * show the write (pending, no seq yet) and leave it where it is.
 */
import { expectStatus, startSites, stopAll, type Site } from '../helpers/sites';
import { sql } from '../helpers/db';
import { link, pullNow, setStatus, type Link } from '../helpers/streaming';
import { CUSTOMER } from '../helpers/uids';

let producer: Site;
let consumer: Site;
let l: Link;

beforeAll(async () => {
  [producer, consumer] = await startSites([
    // No cron tick: its monitoring sample sequences the outbox (health counts committed writes),
    // which would race the "nothing moved" checks below.
    { name: 'listing-producer', env: { EVENT_STREAMING_PULL_CRON: '0 0 1 1 *' } },
    // Pulls only when told to (no cron pull in the test's time, no boot pull).
    { name: 'listing-consumer', env: { EVENT_STREAMING_PULL_CRON: '0 0 1 1 *', EVENT_STREAMING_PULL_ON_BOOT: 'false' } },
  ]);
  l = await link(producer, consumer, [{ contentType: CUSTOMER, useSameName: true }], { pullOnly: true });
  await setStatus(l, { [CUSTOMER]: 'Approved' });
});

afterAll(() => stopAll());

test('listing shows a pending write with seq null and moves nothing; a pull sequences it', async () => {
  const id = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Listed Lou' } }), 'create').body.data.documentId;
  await new Promise((r) => setTimeout(r, 500)); // the notifier's window: it must not sequence for a pull-only consumer
  const outbox = async () => (await sql(producer, `SELECT id FROM event_streaming_outbox`)).length;
  expect(await outbox()).toBe(1);

  const listed = expectStatus(await producer.admin('GET', `/event-streaming/update-logs?documentId=${id}`), 'list').body;
  expect(listed.data).toEqual([expect.objectContaining({ seq: null, updateType: 'Create', documentId: id, contentType: CUSTOMER })]);
  expect(listed.meta.pagination).toMatchObject({ page: 1, total: 1 });
  expect(await outbox()).toBe(1);
  expect(await sql(producer, `SELECT id FROM event_streaming_update_logs`)).toEqual([]);

  await pullNow(l);
  expect(await outbox()).toBe(0);
  const after = expectStatus(await producer.admin('GET', `/event-streaming/update-logs?documentId=${id}`), 'list after pull').body;
  expect(after.data).toEqual([expect.objectContaining({ seq: expect.any(Number), updateType: 'Create', documentId: id })]);
  expect(after.meta.pagination).toMatchObject({ page: 1, total: 1 });
});
