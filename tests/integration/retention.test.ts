/**
 * Retention (issue 12.1): pruning the producer's update log never moves its head backwards, so a
 * consumer that has applied everything keeps receiving new changes with fresh seqs — also after a
 * quiet period in which every row it acknowledged was pruned (retention 0 here, the maintenance
 * job every second).
 */
import { startSites, stopAll, expectStatus, type Site } from '../helpers/sites';
import { eventually, getDoc, link, pullNow, setStatus, type Link } from '../helpers/streaming';
import { CUSTOMER } from '../helpers/uids';

let producer: Site;
let consumer: Site;
let l: Link;

beforeAll(async () => {
  [producer, consumer] = await startSites([
    {
      name: 'retention-producer',
      env: { EVENT_STREAMING_UPDATE_LOG_DAYS: '0', EVENT_STREAMING_MAINTENANCE_CRON: '*/1 * * * * *' },
    },
    { name: 'retention-consumer' },
  ]);
  l = await link(producer, consumer, [{ contentType: CUSTOMER, useSameName: true }]);
  await setStatus(l, { [CUSTOMER]: 'Approved' });
});

afterAll(() => stopAll());

const updateLog = async () => expectStatus(await producer.admin('GET', '/event-streaming/update-logs?pageSize=100'), 'update log').body;

test('after every acknowledged row is pruned, new writes get new seqs and still arrive', async () => {
  const first: string[] = [];
  for (const name of ['Ret 1', 'Ret 2', 'Ret 3']) {
    first.push(expectStatus(await producer.api('POST', '/customers', { data: { name } }), name).body.data.documentId);
  }
  await eventually(async () => (await getDoc(consumer, 'customers', first[2])) !== null, 'the first three on the consumer', 15_000);
  const before = await updateLog();
  const head = Math.max(...before.data.map((r: { seq: number }) => r.seq));
  expect(head).toBeGreaterThanOrEqual(3);

  // One more pull acknowledges the head; then the maintenance job prunes all but the newest row.
  await pullNow(l);
  await eventually(async () => (await updateLog()).data.length === 1, 'the log pruned down to its newest row', 15_000);
  const kept = (await updateLog()).data[0];
  expect(kept.seq).toBe(head);

  const later = expectStatus(await producer.api('POST', '/customers', { data: { name: 'Ret 4' } }), 'after pruning').body.data;
  await eventually(async () => (await getDoc(consumer, 'customers', later.documentId)) !== null, 'a write after pruning arrives', 15_000);
  const rows = (await updateLog()).data.filter((r: { documentId: string }) => r.documentId === later.documentId);
  expect(rows.map((r: { seq: number }) => r.seq)).toEqual([head + 1]);
  // Nothing was refused on the way: the consumer's health shows no error.
  const health = expectStatus(await consumer.admin('GET', `/event-streaming/producers/${l.producerId}`), 'producer').body.data;
  expect(health.lastError).toBeNull();
});
