import { prepareEvent } from '../../server/src/engine/apply';
import { ApplyError } from '../../server/src/engine/errors';
import { translate } from '../../server/src/engine/apply/translate';
import { CUSTOMER, INVOICE, ITEM, SUPPLIER, event, fakeSite, ref, sub } from '../helpers/apply-fake';
import { run } from '../helpers/apply-run';

/** Producer data as it arrives: parsed JSON, where `__proto__` is an own key. */
const wire = (json: string) => JSON.parse(json) as Record<string, unknown>;

describe('apply: hostile producer data', () => {
  it.each([
    ['__proto__ at the top', '{"name":"x","__proto__":{"isAdmin":true}}', '__proto__', 'data'],
    ['constructor in a component', '{"number":"1","lines":[{"qty":1,"constructor":{"prototype":{}}}]}', 'constructor', 'data.lines[0]'],
    ['prototype deep in a JSON value', '{"name":"x","meta":{"a":[{"prototype":1}]}}', 'prototype', 'data.meta.a[0]'],
  ])('%s is refused with an ApplyError naming the key; nothing is fetched or written', async (_, json, key, at) => {
    const fake = fakeSite();
    const uid = json.includes('lines') ? INVOICE : CUSTOMER;
    const ev = event('Create', uid, 'doc1', wire(json));
    const error = await run(fake, [sub(uid)], ev).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as Error).message).toBe(`The data of ${uid} doc1 holds the key "${key}" (at ${at}); prototype keys are refused`);
    expect(fake.site.docs).toEqual([]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('a fetched dependency with a prototype key is refused too', async () => {
    const fake = fakeSite();
    fake.publish(CUSTOMER, 'c1', wire('{"name":"x","__proto__":{"polluted":1}}'));
    await expect(run(fake, [sub(INVOICE)], event('Create', INVOICE, 'i1', { customer: ref(CUSTOMER, 'c1') }))).rejects.toThrow(
      `The data of ${CUSTOMER} c1 holds the key "__proto__" (at data)`
    );
    expect(fake.site.docs).toEqual([]);
  });

  it('only attributes the local model owns are written: inherited names (toString, hasOwnProperty) are dropped', async () => {
    const fake = fakeSite();
    const data = wire('{"name":"Ada","toString":"x","hasOwnProperty":1,"valueOf":{"__ref":"api::supplier.supplier","documentId":"s1"}}');
    expect(await translate(fake.ports, CUSTOMER, data, async () => null, new Map(), { relations: true })).toEqual({ name: 'Ada' });
    await run(fake, [sub(CUSTOMER)], event('Create', CUSTOMER, 'c1', data));
    expect(fake.doc(CUSTOMER, 'c1')?.data).toEqual({ name: 'Ada' });
    expect(fake.ops('fetch')).toEqual([]);
  });

  it('a __ref of a type the local relation does not target is neither fetched, created nor linked', async () => {
    const fake = fakeSite();
    fake.publish(CUSTOMER, 'c1', { name: 'Not a supplier' });
    fake.local(CUSTOMER, 'c2');
    const out = await run(fake, [sub(ITEM)], event('Create', ITEM, 'i1', { name: 'Bolt', supplier: ref(CUSTOMER, 'c1') }));
    expect(out.data).toEqual({ name: 'Bolt', supplier: null });
    expect(fake.ops('fetch')).toEqual([]);
    expect(fake.docsOf(CUSTOMER).map((d) => d.documentId)).toEqual(['c2']);
    // Present here, still not linked: the field holds suppliers.
    await run(fake, [sub(ITEM)], event('Update', ITEM, 'i1', { supplier: ref(CUSTOMER, 'c2') }));
    expect(fake.doc(ITEM, 'i1')?.data.supplier).toBeNull();
    // The right type is linked.
    fake.local(SUPPLIER, 's1');
    await run(fake, [sub(ITEM)], event('Update', ITEM, 'i1', { supplier: ref(SUPPLIER, 's1') }));
    expect(fake.doc(ITEM, 'i1')?.data.supplier).toEqual({ set: [{ documentId: 's1' }] });
  });

  it.each([
    ['a non-string documentId', { __ref: CUSTOMER, documentId: { $ne: null } }, 'a malformed documentId'],
    ['a numeric documentId', { __ref: CUSTOMER, documentId: 42 }, 'a malformed documentId'],
    ['a path as documentId', { __ref: CUSTOMER, documentId: '../../admin' }, 'a malformed documentId'],
    ['a malformed locale', { __ref: CUSTOMER, documentId: 'c1', locale: 'en/../x' }, 'a malformed locale'],
    ['a non-string locale', { __ref: CUSTOMER, documentId: 'c1', locale: ['en'] }, 'a malformed locale'],
  ])('a reference with %s is an ApplyError', async (_, customer, what) => {
    const fake = fakeSite();
    const ev = event('Create', INVOICE, 'i1', { number: '1', customer });
    await expect(prepareEvent(fake.ports, [sub(INVOICE)], ev)).rejects.toThrow(
      `The data of ${INVOICE} i1 holds a reference to ${CUSTOMER} with ${what} (at data.customer)`
    );
    expect(fake.ops('fetch')).toEqual([]);
  });

  it('a reference without a string type is an ApplyError', async () => {
    const fake = fakeSite();
    const ev = event('Create', INVOICE, 'i1', { customer: { __ref: 7, documentId: 'c1' } });
    await expect(prepareEvent(fake.ports, [sub(INVOICE)], ev)).rejects.toThrow('holds a reference without a type (at data.customer)');
  });
});
