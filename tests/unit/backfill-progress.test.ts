/**
 * The back-fill progress store (consumer/backfill-progress.ts) over a small typed stub of Strapi's
 * plugin store: which subscriptions get a back-fill on approval, and where a back-fill starts.
 */
import type { Core } from '@strapi/strapi';
import { backfillProgress } from '../../server/src/consumer/backfill-progress';
import type { ProducerSubscription } from '../../server/src/shared/contracts';

const site = () => {
  const values = new Map<string, unknown>();
  const store = {
    get: async ({ key }: { key: string }) => values.get(key) ?? null,
    set: async ({ key, value }: { key: string; value: unknown }) => void values.set(key, structuredClone(value)),
    delete: async ({ key }: { key: string }) => void values.delete(key),
  };
  const stub = { store: () => store };
  return { progress: backfillProgress(stub as unknown as Core.Strapi), values };
};

const sub = (remoteContentType: string, status: ProducerSubscription['status'], unsubscribed = false): ProducerSubscription => ({
  contentType: remoteContentType,
  remoteContentType,
  useSameName: true,
  unsubscribed,
  mapping: null,
  status,
});

test('only subscriptions that became Approved (and are subscribed) get a pending back-fill', async () => {
  const { progress } = site();
  const marked = await progress.markApproved(
    1,
    [sub('api::a.a', 'Pending'), sub('api::b.b', 'Approved'), sub('api::c.c', 'Rejected'), sub('api::d.d', 'Pending')],
    [sub('api::a.a', 'Approved'), sub('api::b.b', 'Approved'), sub('api::c.c', 'Approved', true), sub('api::d.d', 'Pending')]
  );
  expect(marked).toEqual(['api::a.a']);
  expect(await progress.get(1, 'api::a.a')).toMatchObject({ state: 'pending', trigger: 'approval', after: 0, copied: 0 });
  expect(await progress.get(1, 'api::b.b')).toBeNull();
  // A producer's first pull (nothing stored before): every approved type.
  expect(await progress.markApproved(2, null, [sub('api::a.a', 'Approved')])).toEqual(['api::a.a']);
});

test('an interrupted back-fill resumes with its position and counts; a finished one starts over', async () => {
  const { progress } = site();
  const running = await progress.start(1, 'api::a.a', 'approval');
  await progress.save(1, { ...running, after: 40, pages: 4, copied: 40, total: 200 });
  const resumed = await progress.start(1, 'api::a.a', 'manual');
  expect(resumed).toMatchObject({ state: 'running', trigger: 'approval', after: 40, pages: 4, copied: 40, total: 200 });
  expect(await progress.unfinished(1, [sub('api::a.a', 'Approved')])).toHaveLength(1);

  await progress.save(1, { ...resumed, state: 'done' });
  expect(await progress.unfinished(1, [sub('api::a.a', 'Approved')])).toEqual([]);
  expect(await progress.start(1, 'api::a.a', 'manual')).toMatchObject({
    state: 'running',
    trigger: 'manual',
    after: 0,
    copied: 0,
    total: null,
  });
});

test('a position stored by an older version (a bare number) resumes there', async () => {
  const { progress, values } = site();
  values.set('backfill:3:api::a.a', 17);
  expect(await progress.start(3, 'api::a.a', 'manual')).toMatchObject({ state: 'running', after: 17 });
  await progress.forget(3, [sub('api::a.a', 'Approved')]);
  expect(values.size).toBe(0);
});

// --- conditions (issue 14) ---
test('an Approved subscription whose effective condition changed gets a pending reconciling back-fill', async () => {
  const { progress } = site();
  const keyed = (uid: string, conditionKey: string | null | undefined, status: ProducerSubscription['status'] = 'Approved') => ({
    ...sub(uid, status),
    ...(conditionKey === undefined ? {} : { conditionKey }),
  });
  const marked = await progress.markConditionChanged(
    1,
    [
      keyed('api::a.a', null),
      keyed('api::b.b', 'k1'),
      keyed('api::c.c', undefined),
      keyed('api::d.d', 'k1', 'Pending'),
      keyed('api::e.e', 'k1'),
    ],
    [keyed('api::a.a', 'k2'), keyed('api::b.b', 'k1'), keyed('api::c.c', null), keyed('api::d.d', 'k2'), keyed('api::e.e', null)]
  );
  // a: a condition appeared; e: it was removed; b unchanged; c: unknown before = none; d: newly approved (markApproved's job).
  expect(marked).toEqual(['api::a.a', 'api::e.e']);
  expect(await progress.get(1, 'api::a.a')).toMatchObject({ state: 'pending', trigger: 'condition', after: 0 });
  expect(await progress.markConditionChanged(1, null, [keyed('api::a.a', 'k2')])).toEqual([]);
});
