import { reconcileEvent, applyEvent } from '../../server/src/engine/apply';
import {
  componentPathsTouched,
  keepLocalPopulate,
  keepLocalProblem,
  keepLocalProblems,
  withoutKeptLocal,
} from '../../server/src/engine/apply/keep-local';
import { producerSubscriptionSchema } from '../../server/src/shared/validation/producers';
import { check } from '../../server/src/shared/validation/check';
import { CONTACT, MODELS, PERSON, PRODUCT, event, fakeSite, sub } from '../helpers/apply-fake';
import { run } from '../helpers/apply-run';

const schema = { model: (uid: string) => MODELS[uid] };

describe('keep-local: paths checked against the local schema', () => {
  it.each([['price'], ['seo'], ['seo.metaTitle'], ['seo.image'], ['seo.social.title'], ['lines']])('%s can be kept local', (path) => {
    expect(keepLocalProblem(schema, PRODUCT, path)).toBeNull();
  });

  it.each([
    ['cost', `"cost": ${PRODUCT} has no field "cost"`],
    ['seo.nope', `"seo.nope": ${PRODUCT}.seo has no field "nope"`],
    ['lines.qty', `"lines.qty": ${PRODUCT}.lines is a repeatable component; keep the whole field "lines" local instead`],
    ['price.x', `"price.x": ${PRODUCT}.price is not a component, it has no field "x"`],
    ['owner', `"owner": ${PRODUCT}.owner is not streamed (system, private or account field), so it is always local`],
    ['updatedAt', `"updatedAt": ${PRODUCT} has no field "updatedAt"`],
    ['constructor', `"constructor": ${PRODUCT} has no field "constructor"`],
    ['seo..x', '"seo..x" is not a field path (field, or component.field)'],
  ])('%s is refused with a message naming it', (path, message) => {
    expect(keepLocalProblem(schema, PRODUCT, path)).toBe(message);
  });

  it('a dynamic zone is kept whole only; a duplicate is named', () => {
    expect(keepLocalProblem(schema, 'api::article.article', 'blocks.body')).toContain('is a dynamic zone; keep the whole field "blocks"');
    expect(keepLocalProblems(schema, PRODUCT, ['price', 'price'])).toEqual(['"price" is listed twice']);
  });

  it('the shared schema accepts a list of paths and refuses anything else', () => {
    const base = { contentType: PRODUCT };
    expect(check(producerSubscriptionSchema, { ...base, keepLocal: ['price', 'seo.metaTitle'] })).toMatchObject({
      keepLocal: ['price', 'seo.metaTitle'],
    });
    expect(check(producerSubscriptionSchema, { ...base, keepLocal: null })).toMatchObject({ keepLocal: null });
    expect(() => check(producerSubscriptionSchema, { ...base, keepLocal: 'price' })).toThrow('keepLocal must be a list of at most 50');
    expect(() => check(producerSubscriptionSchema, { ...base, keepLocal: ['a b'] })).toThrow('keepLocal[0] must be a local field path');
    expect(() => check(producerSubscriptionSchema, { ...base, keepLocal: Array(51).fill('x') })).toThrow('at most 50');
  });
});

describe('keep-local: update data', () => {
  it('a top-level path is left out; data is not mutated', () => {
    const data = { name: 'B', price: 9 };
    expect(withoutKeptLocal(schema, PRODUCT, data, ['price'], null)).toEqual({ name: 'B' });
    expect(data).toEqual({ name: 'B', price: 9 });
  });

  it('a path inside a rewritten component takes the local value; deeper too; media and relations as input', () => {
    const data = { seo: { metaTitle: 'remote', metaDescription: 'd2', social: { title: 'rt', handle: 'h2' }, image: 7 } };
    const current = {
      seo: {
        id: 3,
        metaTitle: 'mine',
        metaDescription: 'd1',
        social: { id: 4, title: 'my t', handle: 'h1' },
        image: { id: 12, url: '/x' },
      },
    };
    const paths = ['seo.metaTitle', 'seo.social.title', 'seo.image'];
    expect(componentPathsTouched(data, paths)).toEqual(paths);
    expect(withoutKeptLocal(schema, PRODUCT, data, paths, current)).toEqual({
      seo: { metaTitle: 'mine', metaDescription: 'd2', social: { title: 'my t', handle: 'h2' }, image: 12 },
    });
    expect(data.seo.metaTitle).toBe('remote');
  });

  it('no local component yet, or the update removes it: the incoming value is taken as it comes', () => {
    const data = { seo: { metaTitle: 'remote' } };
    expect(withoutKeptLocal(schema, PRODUCT, data, ['seo.metaTitle'], { seo: null })).toEqual(data);
    expect(withoutKeptLocal(schema, PRODUCT, { seo: null }, ['seo.metaTitle'], { seo: { metaTitle: 'mine' } })).toEqual({ seo: null });
    expect(componentPathsTouched({ name: 'x' }, ['seo.metaTitle', 'price'])).toEqual([]);
  });

  it('the populate reads each component path', () => {
    expect(keepLocalPopulate(['seo.metaTitle', 'seo.social.title'])).toEqual({ seo: { populate: { social: { populate: '*' } } } });
    expect(keepLocalPopulate(['seo.metaTitle'])).toEqual({ seo: { populate: '*' } });
  });
});

describe('keep-local: through the apply engine', () => {
  const subs = [sub(PRODUCT, { keepLocal: ['price', 'seo.metaTitle'] })];

  it('a Create fills the fields; ten Updates and a resync leave them as edited here', async () => {
    const fake = fakeSite();
    await run(fake, subs, event('Create', PRODUCT, 'p1', { name: 'A', price: 10, seo: { metaTitle: 'T0', metaDescription: 'D0' } }));
    expect(fake.doc(PRODUCT, 'p1')?.data).toEqual({ name: 'A', price: 10, seo: { metaTitle: 'T0', metaDescription: 'D0' } });
    // A local editor sets the branch's own values.
    Object.assign(fake.doc(PRODUCT, 'p1')!.data, { price: 8, seo: { metaTitle: 'Mine', metaDescription: 'D0' } });
    for (let i = 1; i <= 10; i += 1)
      await run(
        fake,
        subs,
        event('Update', PRODUCT, 'p1', { name: `A${i}`, price: 10 + i, seo: { metaTitle: `T${i}`, metaDescription: `D${i}` } })
      );
    expect(fake.doc(PRODUCT, 'p1')?.data).toEqual({ name: 'A10', price: 8, seo: { metaTitle: 'Mine', metaDescription: 'D10' } });
    expect(fake.ops('update').every((u) => !('price' in u.data))).toBe(true);
    // Resync: the whole document at the producer's head.
    fake.publish(PRODUCT, 'p1', { name: 'A11', price: 99, seo: { metaTitle: 'T11', metaDescription: 'D11' } });
    const { event: ev, prepared } = await reconcileEvent(fake.ports, subs, PRODUCT, 'p1', null);
    await fake.transaction(() => applyEvent(fake.ports, subs, ev, prepared));
    expect(fake.doc(PRODUCT, 'p1')?.data).toEqual({ name: 'A11', price: 8, seo: { metaTitle: 'Mine', metaDescription: 'D11' } });
  });

  it('a resync of a document deleted here creates it again, filled from the stream', async () => {
    const fake = fakeSite();
    await run(fake, subs, event('Create', PRODUCT, 'p1', { name: 'A', price: 10 }));
    fake.site.docs = [];
    fake.publish(PRODUCT, 'p1', { name: 'A', price: 12 });
    const { event: ev, prepared } = await reconcileEvent(fake.ports, subs, PRODUCT, 'p1', null);
    await fake.transaction(() => applyEvent(fake.ports, subs, ev, prepared));
    expect(fake.doc(PRODUCT, 'p1')?.data).toEqual({ name: 'A', price: 12 });
  });

  it('a mapped type keeps its LOCAL field (after mapping), Use Same Name off', async () => {
    const fake = fakeSite();
    const mapped = [sub(PERSON, { remoteContentType: CONTACT, mapping: 'contact-to-person', useSameName: false, keepLocal: ['city'] })];
    const { localDocumentId } = await run(fake, mapped, event('Create', CONTACT, 'c1', { name: 'Ada', town: 'Nice' }));
    expect(fake.doc(PERSON, localDocumentId!)?.data).toMatchObject({ fullName: 'Ada', city: 'Nice' });
    await run(fake, mapped, event('Update', CONTACT, 'c1', { name: 'Ada L.', town: 'Lille' }));
    expect(fake.doc(PERSON, localDocumentId!)?.data).toMatchObject({ fullName: 'Ada L.', city: 'Nice' });
  });

  it('without keepLocal the stream overwrites (control)', async () => {
    const fake = fakeSite();
    await run(fake, [sub(PRODUCT)], event('Create', PRODUCT, 'p1', { name: 'A', price: 10 }));
    await run(fake, [sub(PRODUCT)], event('Update', PRODUCT, 'p1', { price: 11 }));
    expect(fake.doc(PRODUCT, 'p1')?.data).toEqual({ name: 'A', price: 11 });
  });
});
