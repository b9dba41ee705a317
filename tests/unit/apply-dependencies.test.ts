import { MAX_DEPENDENCIES, MAX_VIA, applyEvent, prepareEvent } from '../../server/src/engine/apply';
import { NeedsNetworkError } from '../../server/src/engine/errors';
import { CUSTOMER, INVOICE, ITEM, NODE, SUPPLIER, event, fakeSite, file, ref, sub } from '../helpers/apply-fake';
import { run } from '../helpers/apply-run';

const invoice = () =>
  event('Create', INVOICE, 'inv1', {
    number: 'A-1',
    customer: ref(CUSTOMER, 'cust1'),
    lines: [
      { item: ref(ITEM, 'item1'), qty: 2 },
      { item: ref(ITEM, 'item2'), qty: 1 },
    ],
  });

describe('apply: dependencies', () => {
  it('missing dependencies are fetched (with their path) and created first; relations are set after the document', async () => {
    const fake = fakeSite();
    fake.publish(CUSTOMER, 'cust1', { name: 'Ada' });
    fake.publish(ITEM, 'item1', { name: 'Bolt', supplier: ref(SUPPLIER, 'sup1') });
    fake.publish(ITEM, 'item2', { name: 'Nut', supplier: ref(SUPPLIER, 'sup1') });
    fake.publish(SUPPLIER, 'sup1', { name: 'Acme' });
    const out = await run(fake, [sub(INVOICE)], invoice());
    expect(out.note).toBe('with 4 dependencies');
    expect(fake.ops('fetch').map((c) => c.op === 'fetch' && [c.documentId, c.via])).toEqual([
      ['cust1', ['inv1']],
      ['item1', ['inv1']],
      ['item2', ['inv1']],
      ['sup1', ['inv1', 'item1']],
    ]);
    // Creates without relations, the root, then the items' relations.
    expect(fake.writes().map((c) => `${c.op} ${c.documentId}`)).toEqual([
      'create cust1',
      'create item1',
      'create item2',
      'create sup1',
      'create inv1',
      'update item1',
      'update item2',
    ]);
    expect(fake.ops('create')[1]).toMatchObject({ data: { name: 'Bolt' } });
    expect(fake.doc(ITEM, 'item1')?.data).toEqual({ name: 'Bolt', supplier: { set: [{ documentId: 'sup1' }] } });
    expect(fake.doc(INVOICE, 'inv1')?.data).toEqual({
      number: 'A-1',
      customer: { set: [{ documentId: 'cust1' }] },
      lines: [
        { item: { set: [{ documentId: 'item1' }] }, qty: 2 },
        { item: { set: [{ documentId: 'item2' }] }, qty: 1 },
      ],
    });
    for (const [uid, id] of [
      [CUSTOMER, 'cust1'],
      [ITEM, 'item1'],
      [SUPPLIER, 'sup1'],
    ])
      expect(fake.refOf(uid, id)).toMatchObject({ localDocumentId: id, lastAppliedSeq: fake.site.headSeq });
  });

  it('dependencies present here are not fetched; each BFS level is looked up with one query per remote type and per local type', async () => {
    const fake = fakeSite();
    fake.local(CUSTOMER, 'cust1');
    fake.local(ITEM, 'item1');
    fake.local(ITEM, 'item2');
    fake.reset();
    const prepared = await prepareEvent(fake.ports, [sub(INVOICE)], invoice());
    expect(fake.ops('fetch')).toEqual([]);
    expect(fake.ops('findReferences').map((c) => c.uid)).toEqual([CUSTOMER, ITEM]);
    expect(fake.ops('localLocales').map((c) => c.uid)).toEqual([CUSTOMER, ITEM]);
    expect(fake.ops('findReference')).toEqual([]);
    expect(fake.ops('localExists')).toEqual([]);
    fake.reset();
    await applyEvent(fake.ports, [sub(INVOICE)], invoice(), prepared);
    // apply: the root's reference once, its local copy once, then only the write (lookups were memoised).
    expect(fake.site.calls.map((c) => c.op)).toEqual(['findReference', 'localExists', 'create']);
  });

  it('a dependency unpublished on the producer is left out of the relation', async () => {
    const fake = fakeSite();
    fake.publish(CUSTOMER, 'cust1', null);
    await run(fake, [sub(INVOICE)], event('Create', INVOICE, 'inv1', { number: 'A-1', customer: ref(CUSTOMER, 'cust1') }));
    expect(fake.doc(INVOICE, 'inv1')?.data).toEqual({ number: 'A-1', customer: null });
    expect(fake.docsOf(CUSTOMER)).toEqual([]);
  });

  it('a cycle A -> B -> A: B fetched once, A written, then B linked to A', async () => {
    const fake = fakeSite();
    fake.publish(NODE, 'b', { name: 'B', next: ref(NODE, 'a') });
    const out = await run(fake, [sub(NODE)], event('Create', NODE, 'a', { name: 'A', next: ref(NODE, 'b') }));
    expect(out.note).toBe('with 1 dependency');
    expect(fake.ops('fetch')).toHaveLength(1);
    expect(fake.doc(NODE, 'a')?.data).toEqual({ name: 'A', next: { set: [{ documentId: 'b' }] } });
    expect(fake.doc(NODE, 'b')?.data).toEqual({ name: 'B', next: { set: [{ documentId: 'a' }] } });
  });

  it(`a path of missing dependencies longer than MAX_VIA (${MAX_VIA}) documents is an ApplyError; one within it applies`, async () => {
    const chain = (fake: ReturnType<typeof fakeSite>, length: number) => {
      for (let i = 1; i <= length; i += 1)
        fake.publish(NODE, `n${i}`, { name: `N${i}`, ...(i < length ? { next: ref(NODE, `n${i + 1}`) } : {}) });
      return event('Create', NODE, 'n0', { name: 'N0', next: ref(NODE, 'n1') });
    };
    const deep = fakeSite();
    await expect(run(deep, [sub(NODE)], chain(deep, MAX_VIA))).rejects.toThrow(
      `Dependencies of ${NODE} n0 nest deeper than ${MAX_VIA} levels`
    );
    expect(deep.site.docs).toEqual([]);
    const ok = fakeSite();
    // n0 -> n1 -> ... -> n15: the last one is fetched with a path (via) of 15 documents.
    expect((await run(ok, [sub(NODE)], chain(ok, MAX_VIA - 1))).note).toBe(`with ${MAX_VIA - 1} dependencies`);
    expect(ok.doc(NODE, `n${MAX_VIA - 2}`)?.data.next).toEqual({ set: [{ documentId: `n${MAX_VIA - 1}` }] });
    expect(deep.ops('fetch').at(-1)).toMatchObject({ documentId: `n${MAX_VIA - 1}` });
  });

  it(`more than MAX_DEPENDENCIES (${MAX_DEPENDENCIES}) missing documents is an ApplyError`, async () => {
    const fake = fakeSite();
    const links = Array.from({ length: MAX_DEPENDENCIES + 1 }, (_, i) => ref(NODE, `m${i}`));
    for (const l of links) fake.publish(NODE, l.documentId, { name: l.documentId });
    await expect(run(fake, [sub(NODE)], event('Create', NODE, 'root', { name: 'R', links }))).rejects.toThrow(
      `${NODE} root has more than ${MAX_DEPENDENCIES} missing dependencies`
    );
    expect(fake.ops('fetch')).toHaveLength(MAX_DEPENDENCIES);
    // One lookup query for the 501 references, one for the local documents.
    expect(fake.ops('findReferences')).toHaveLength(1);
    expect(fake.ops('localLocales')).toHaveLength(1);
  });

  it('a reference to a type that does not exist here is an ApplyError', async () => {
    const fake = fakeSite();
    const ev = event('Create', NODE, 'a', { name: 'A', links: [ref('api::unknown.unknown', 'x')] });
    await expect(prepareEvent(fake.ports, [sub(NODE)], ev)).rejects.toThrow(
      `${NODE} a refers to api::unknown.unknown, which does not exist on this site`
    );
  });
});

describe('apply: offline preparation (inside a batch)', () => {
  it('throws NeedsNetworkError for a missing dependency, a file, or an Update to re-fetch; calls nothing', async () => {
    const fake = fakeSite();
    const offline = { offline: true };
    await expect(prepareEvent(fake.ports, [sub(INVOICE)], invoice(), offline)).rejects.toThrow(NeedsNetworkError);
    await expect(prepareEvent(fake.ports, [sub(ITEM)], event('Create', ITEM, 'i', { image: file('f1') }), offline)).rejects.toThrow(
      'Needs the network: file f1'
    );
    await expect(prepareEvent(fake.ports, [sub(CUSTOMER)], event('Update', CUSTOMER, 'c', { name: 'x' }), offline)).rejects.toThrow(
      `Needs the network: ${CUSTOMER} c`
    );
    expect(fake.ops('fetch')).toEqual([]);
    expect(fake.ops('transfer')).toEqual([]);
  });

  it('succeeds when everything is here', async () => {
    const fake = fakeSite();
    fake.local(CUSTOMER, 'cust1');
    fake.local(ITEM, 'item1');
    fake.local(ITEM, 'item2');
    await run(fake, [sub(INVOICE)], invoice(), { offline: true });
    expect(fake.doc(INVOICE, 'inv1')?.data.customer).toEqual({ set: [{ documentId: 'cust1' }] });
  });
});
