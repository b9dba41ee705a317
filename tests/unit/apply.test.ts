import { applyEvent, prepareEvent, reconcileEvent, routeFor } from '../../server/src/engine/apply';
import { ApplyError } from '../../server/src/engine/errors';
import { CUSTOMER, INVOICE, SUPPLIER, event, fakeSite, sub } from '../helpers/apply-fake';
import { run } from '../helpers/apply-run';

describe('apply: create, update, delete', () => {
  it('Use Same Name on: a Create makes the document with the producer documentId and records its reference', async () => {
    const fake = fakeSite();
    const ev = event('Create', CUSTOMER, 'cust1', { name: 'Ada', email: 'ada@x', secret: 's', createdAt: 'x', unknown: 1 });
    const out = await run(fake, [sub(CUSTOMER)], ev);
    expect(out).toEqual({ localDocumentId: 'cust1', data: { name: 'Ada', email: 'ada@x' }, note: undefined });
    expect(fake.doc(CUSTOMER, 'cust1')?.data).toEqual({ name: 'Ada', email: 'ada@x' });
    expect(fake.refOf(CUSTOMER, 'cust1')).toMatchObject({ localDocumentId: 'cust1', lastAppliedSeq: ev.seq, deleted: false });
  });

  it('Use Same Name off: a local documentId, found again through the reference by the next Update', async () => {
    const fake = fakeSite();
    const subs = [sub(CUSTOMER, { useSameName: false })];
    const created = await run(fake, subs, event('Create', CUSTOMER, 'cust1', { name: 'Ada' }));
    expect(created.localDocumentId).toMatch(/^local/);
    expect(fake.doc(CUSTOMER, 'cust1')).toBeUndefined();
    const up = event('Update', CUSTOMER, 'cust1', { email: 'new@x' });
    const updated = await run(fake, subs, up);
    expect(updated.localDocumentId).toBe(created.localDocumentId);
    expect(fake.doc(CUSTOMER, created.localDocumentId!)?.data).toEqual({ name: 'Ada', email: 'new@x' });
    expect(fake.ops('update')).toEqual([expect.objectContaining({ data: { email: 'new@x' } })]);
    expect(fake.refOf(CUSTOMER, 'cust1')?.lastAppliedSeq).toBe(up.seq);
    expect(fake.ops('fetch')).toEqual([]);
  });

  it('Draft & Publish: the write is published', async () => {
    const fake = fakeSite();
    await run(fake, [sub(INVOICE)], event('Create', INVOICE, 'inv1', { number: 'A-1' }));
    expect(fake.doc(INVOICE, 'inv1')).toMatchObject({ status: 'published', data: { number: 'A-1' } });
  });

  it('a Delete removes the local copy and marks the reference deleted; a second Delete finds it absent', async () => {
    const fake = fakeSite();
    await run(fake, [sub(CUSTOMER)], event('Create', CUSTOMER, 'cust1', { name: 'Ada' }));
    const del = event('Delete', CUSTOMER, 'cust1', null);
    expect(await run(fake, [sub(CUSTOMER)], del)).toEqual({ localDocumentId: 'cust1', data: null, note: undefined });
    expect(fake.docsOf(CUSTOMER)).toEqual([]);
    expect(fake.refOf(CUSTOMER, 'cust1')).toMatchObject({ deleted: true, lastAppliedSeq: del.seq });
    const again = await run(fake, [sub(CUSTOMER)], event('Delete', CUSTOMER, 'cust1', null));
    expect(again).toMatchObject({ localDocumentId: null, note: 'already absent here' });
  });

  it('an unsubscribed type is ignored; a type not subscribed to, or missing here, is an ApplyError', async () => {
    const fake = fakeSite();
    const ev = event('Create', CUSTOMER, 'cust1', { name: 'Ada' });
    const prepared = await prepareEvent(fake.ports, [sub(CUSTOMER, { unsubscribed: true })], ev);
    expect(prepared).toEqual({ kind: 'ignore', note: `${CUSTOMER} is unsubscribed` });
    expect(await applyEvent(fake.ports, [], ev, prepared)).toMatchObject({ skipped: true, localDocumentId: null });
    await expect(prepareEvent(fake.ports, [sub(SUPPLIER)], ev)).rejects.toThrow(/which this site does not subscribe to/);
    await expect(prepareEvent(fake.ports, [sub('api::gone.gone', { remoteContentType: CUSTOMER })], ev)).rejects.toThrow(
      'Content type api::gone.gone does not exist on this site'
    );
    await expect(prepareEvent(fake.ports, [sub(CUSTOMER)], { ...ev, data: null })).rejects.toThrow(ApplyError);
    expect(fake.site.docs).toEqual([]);
  });

  it('routeFor: the subscription, else the same type when it can stream (Use Same Name inherited), else null', () => {
    const fake = fakeSite();
    const subs = [sub('api::person.person', { remoteContentType: 'api::contact.contact', useSameName: false, mapping: 'm' })];
    expect(routeFor(subs, 'api::contact.contact', fake.ports.isStreamable)).toEqual({
      localUid: 'api::person.person',
      useSameName: false,
      mapping: 'm',
    });
    expect(routeFor(subs, CUSTOMER, fake.ports.isStreamable, { localUid: 'x', useSameName: false, mapping: null })).toEqual({
      localUid: CUSTOMER,
      useSameName: false,
      mapping: null,
    });
    expect(routeFor(subs, CUSTOMER, fake.ports.isStreamable)?.useSameName).toBe(true);
    expect(routeFor(subs, 'plugin::users-permissions.user', fake.ports.isStreamable)).toBeNull();
  });
});

describe('apply: an Update of a document missing here', () => {
  it('re-fetches the whole document and applies it; the reference records the producer head', async () => {
    const fake = fakeSite();
    fake.publish(CUSTOMER, 'cust1', { name: 'Ada', email: 'ada@x' });
    const up = event('Update', CUSTOMER, 'cust1', { email: 'ada@x' });
    const out = await run(fake, [sub(CUSTOMER)], up);
    expect(fake.ops('fetch')).toEqual([{ op: 'fetch', uid: CUSTOMER, documentId: 'cust1', locale: null, via: [] }]);
    expect(out.localDocumentId).toBe('cust1');
    expect(fake.doc(CUSTOMER, 'cust1')?.data).toEqual({ name: 'Ada', email: 'ada@x' });
    expect(fake.refOf(CUSTOMER, 'cust1')?.lastAppliedSeq).toBe(fake.site.headSeq);
  });

  it('"gone" when the producer has it no more: nothing is written, the outcome says so', async () => {
    const fake = fakeSite();
    const up = event('Update', CUSTOMER, 'cust1', { email: 'x' });
    const prepared = await prepareEvent(fake.ports, [sub(CUSTOMER)], up);
    expect(prepared.kind).toBe('gone');
    expect(await applyEvent(fake.ports, [sub(CUSTOMER)], up, prepared)).toEqual({
      localDocumentId: null,
      data: null,
      skipped: true,
      note: 'the document no longer exists on the producer; its Delete event follows',
    });
    expect(fake.site.docs).toEqual([]);
    expect(fake.site.refs).toEqual([]);
  });
});

describe('apply: idempotency', () => {
  it('a replayed event (or an older one) is skipped without a write', async () => {
    const fake = fakeSite();
    const subs = [sub(CUSTOMER)];
    const create = event('Create', CUSTOMER, 'cust1', { name: 'Ada' });
    const up = event('Update', CUSTOMER, 'cust1', { name: 'Ada 2' });
    await run(fake, subs, create);
    await run(fake, subs, up);
    fake.reset();
    for (const ev of [up, create]) {
      expect(await run(fake, subs, ev)).toEqual({
        localDocumentId: 'cust1',
        data: null,
        skipped: true,
        note: `already applied (document is at #${up.seq})`,
      });
    }
    expect(fake.writes()).toEqual([]);
    expect(fake.doc(CUSTOMER, 'cust1')?.data).toEqual({ name: 'Ada 2' });
    // One reference read in apply per event (the Update found its local copy through the memo of prepare).
    expect(fake.ops('findReference').length).toBe(3);
  });

  it('a whole document (resync / back-fill) restores a local copy deleted here; an Update replay does not', async () => {
    const fake = fakeSite();
    const subs = [sub(CUSTOMER, { useSameName: false })];
    const create = event('Create', CUSTOMER, 'cust1', { name: 'Ada' });
    const { localDocumentId } = await run(fake, subs, create);
    fake.site.docs = []; // an editor deleted it here
    const up = event('Update', CUSTOMER, 'cust1', { name: 'x' }, { seq: create.seq });
    fake.publish(CUSTOMER, 'cust1', null);
    expect((await run(fake, subs, up)).skipped).toBe(true);
    expect(fake.site.docs).toEqual([]);
    const restored = await run(fake, subs, create);
    expect(restored.skipped).toBeUndefined();
    expect(restored.localDocumentId).not.toBe(localDocumentId);
    expect(fake.doc(CUSTOMER, restored.localDocumentId!)?.data).toEqual({ name: 'Ada' });
    expect(fake.site.refs).toHaveLength(1);
    expect(fake.refOf(CUSTOMER, 'cust1')).toMatchObject({ localDocumentId: restored.localDocumentId, lastAppliedSeq: create.seq });
  });

  it('reconcile: the producer state as a Create at its head, or a Delete', async () => {
    const fake = fakeSite();
    fake.publish(CUSTOMER, 'cust1', { name: 'Now' });
    const { event: ev, prepared } = await reconcileEvent(fake.ports, [sub(CUSTOMER)], CUSTOMER, 'cust1', null);
    expect(ev).toMatchObject({ updateType: 'Create', seq: fake.site.headSeq, data: { name: 'Now' } });
    await applyEvent(fake.ports, [sub(CUSTOMER)], ev, prepared);
    expect(fake.doc(CUSTOMER, 'cust1')?.data).toEqual({ name: 'Now' });
    fake.publish(CUSTOMER, 'cust1', null);
    const gone = await reconcileEvent(fake.ports, [sub(CUSTOMER)], CUSTOMER, 'cust1', null);
    expect(gone.event.updateType).toBe('Delete');
    await applyEvent(fake.ports, [sub(CUSTOMER)], { ...gone.event, seq: fake.site.headSeq + 1 }, gone.prepared);
    expect(fake.site.docs).toEqual([]);
  });
});

describe('apply: a write failing mid-way', () => {
  it('propagates the error; the dependencies written before it are rolled back with the transaction', async () => {
    const fake = fakeSite();
    fake.publish(CUSTOMER, 'cust1', { name: 'Ada' });
    const ev = event('Create', INVOICE, 'inv1', { number: 'A-1', customer: { __ref: CUSTOMER, documentId: 'cust1' } });
    const prepared = await prepareEvent(fake.ports, [sub(INVOICE)], ev);
    fake.site.failWrite = (uid) => (uid === INVOICE ? new Error('number: must be unique') : null);
    // Without a transaction the fake shows the half-done state: the dependency exists, the root and every reference do not.
    await expect(applyEvent(fake.ports, [sub(INVOICE)], ev, prepared)).rejects.toThrow('number: must be unique');
    expect(fake.site.docs.map((d) => d.uid)).toEqual([CUSTOMER]);
    expect(fake.site.refs).toEqual([]);
    // In the transaction the adapter runs it in, nothing of it remains.
    fake.site.docs = [];
    await expect(fake.transaction(() => applyEvent(fake.ports, [sub(INVOICE)], ev, prepared))).rejects.toThrow('number: must be unique');
    expect(fake.site.docs).toEqual([]);
    expect(fake.site.refs).toEqual([]);
  });
});
