/**
 * Linked-document mapping (engine/apply/linked.ts, seed §3.6 "Document" mapping type): the seed's
 * "inner mapping" test on the in-memory site — a Note is mirrored as an Item whose supplier is
 * built through an inner mapping from the Note found on the producer by its title.
 */
import { NeedsNetworkError } from '../../server/src/engine/errors';
import { linkedRefType } from '../../server/src/engine/apply/linked';
import type { MappingDef } from '../../server/src/engine/mapping';
import type { FieldMapping } from '../../server/src/shared/contracts';
import { relationRowProblem } from '../../server/src/shared/validation/mappings';
import { CUSTOMER, ITEM, MAPPINGS, SUPPLIER, event, fakeSite, ref, sub } from '../helpers/apply-fake';
import { run } from '../helpers/apply-run';

const NOTE = 'api::note.note';

const fm = (localField: string, remoteField: string | null, extra: Partial<FieldMapping> = {}): FieldMapping => ({
  localField,
  remoteField,
  defaultValue: null,
  mappingType: 'none',
  mapping: null,
  remoteValueFilters: null,
  ...extra,
});

const noteToSupplier: MappingDef = {
  mappingName: 'note-to-supplier',
  localContentType: SUPPLIER,
  remoteContentType: NOTE,
  fieldMappings: [fm('name', 'title')],
};
const noteToCustomer: MappingDef = { ...noteToSupplier, mappingName: 'note-to-customer', localContentType: CUSTOMER };

const outer = (supplier: Partial<FieldMapping>): MappingDef => ({
  mappingName: 'note-to-item',
  localContentType: ITEM,
  remoteContentType: NOTE,
  fieldMappings: [fm('name', 'content'), fm('supplier', 'title', { mappingType: 'relation', ...supplier })],
});

const linkedRow = { mapping: 'note-to-supplier', remoteValueFilters: { title: 'title' } };
const subs = [sub(ITEM, { remoteContentType: NOTE, mapping: 'note-to-item', useSameName: false })];

function site(row: Partial<FieldMapping> = linkedRow) {
  const fake = fakeSite();
  fake.site.mappings = [...MAPPINGS, noteToSupplier, noteToCustomer, outer(row)];
  return fake;
}

const itemOf = (fake: ReturnType<typeof fakeSite>, id: string | null) => fake.doc(ITEM, id!)?.data;

describe('linked-document mapping (seed: inner mapping)', () => {
  it('fills the relation with a document built through the inner mapping, found on the producer by the filters; created first', async () => {
    const fake = site();
    const note = { title: 'Inner Mapping Tester', content: 'Test Inner Mapping' };
    fake.publish(NOTE, 'n1', note);
    const out = await run(fake, subs, event('Create', NOTE, 'n1', note));
    expect(fake.ops('match')).toEqual([{ op: 'match', uid: NOTE, filters: { title: 'Inner Mapping Tester' } }]);
    const [supplier] = fake.docsOf(SUPPLIER);
    expect(supplier.data).toEqual({ name: 'Inner Mapping Tester' });
    expect(itemOf(fake, out.localDocumentId)).toEqual({
      name: 'Test Inner Mapping',
      supplier: { set: [{ documentId: supplier.documentId }] },
    });
    // Created before the item that links it.
    const creates = fake.ops('create').map((c) => c.uid);
    expect(creates).toEqual([SUPPLIER, ITEM]);
    expect(fake.refOf(linkedRefType(NOTE, 'note-to-supplier'), 'n1')).toMatchObject({ localDocumentId: supplier.documentId });
    // The Note's own reference still names the item.
    expect(fake.refOf(NOTE, 'n1')).toMatchObject({ localContentType: ITEM, localDocumentId: out.localDocumentId });
  });

  it('met again, the linked document is updated, not duplicated', async () => {
    const fake = site();
    fake.publish(NOTE, 'n1', { title: 'A', content: 'one' });
    await run(fake, subs, event('Create', NOTE, 'n1', { title: 'A', content: 'one' }));
    fake.publish(NOTE, 'n2', { title: 'B', content: 'two' });
    // n2 is titled A on the producer's first match: the same supplier, updated.
    await run(fake, subs, event('Create', NOTE, 'n2', { title: 'A', content: 'two' }));
    expect(fake.docsOf(SUPPLIER)).toHaveLength(1);
    expect(fake.docsOf(ITEM).map((d) => d.data.supplier)).toEqual([
      { set: [{ documentId: fake.docsOf(SUPPLIER)[0].documentId }] },
      { set: [{ documentId: fake.docsOf(SUPPLIER)[0].documentId }] },
    ]);
    expect(fake.ops('update').filter((c) => c.uid === SUPPLIER)).toHaveLength(1);
  });

  it('an Update that does not carry the row’s remote field leaves the link alone (no lookup)', async () => {
    const fake = site();
    fake.publish(NOTE, 'n1', { title: 'A', content: 'one' });
    const { localDocumentId } = await run(fake, subs, event('Create', NOTE, 'n1', { title: 'A', content: 'one' }));
    await run(fake, subs, event('Update', NOTE, 'n1', { content: 'changed' }));
    expect(fake.ops('match')).toHaveLength(1);
    expect(itemOf(fake, localDocumentId)).toMatchObject({ name: 'changed', supplier: { set: [expect.anything()] } });
  });

  it('no producer document matches: a Failed event naming the field and why; with a default, the default is linked', async () => {
    const fake = site();
    await expect(run(fake, subs, event('Create', NOTE, 'n1', { title: 'Nobody', content: 'x' }))).rejects.toThrow(
      'supplier cannot be linked: no api::note.note on the producer matches {"title":"Nobody"} (inner mapping "note-to-supplier")'
    );
    expect(fake.docsOf(ITEM)).toEqual([]);

    const withDefault = site({ ...linkedRow, defaultValue: 'sup-local' });
    withDefault.local(SUPPLIER, 'sup-local', { name: 'Fallback' });
    const out = await run(withDefault, subs, event('Create', NOTE, 'n1', { title: 'Nobody', content: 'x' }));
    expect(itemOf(withDefault, out.localDocumentId)?.supplier).toEqual({ set: [{ documentId: 'sup-local' }] });
  });

  it('an inner mapping building another type than the field points at is a Failed event', async () => {
    const fake = site({ mapping: 'note-to-customer', remoteValueFilters: { title: 'title' } });
    fake.publish(NOTE, 'n1', { title: 'A', content: 'one' });
    await expect(run(fake, subs, event('Create', NOTE, 'n1', { title: 'A', content: 'one' }))).rejects.toThrow(
      'supplier cannot be linked: its inner mapping "note-to-customer" builds api::customer.customer, which supplier does not point at'
    );
  });

  it('literal filter values are used as they are; without filters the row’s own reference names the document', async () => {
    const literal = site({ mapping: 'note-to-supplier', remoteValueFilters: { title: 'Fixed' } });
    literal.publish(NOTE, 'n9', { title: 'Fixed' });
    await run(literal, subs, event('Create', NOTE, 'n1', { title: 'A', content: 'one' }));
    expect(literal.ops('match')[0].filters).toEqual({ title: 'Fixed' });
    expect(literal.docsOf(SUPPLIER).map((d) => d.data)).toEqual([{ name: 'Fixed' }]);

    const byRef = site({ mapping: 'note-to-supplier', remoteValueFilters: null });
    byRef.site.mappings = byRef.site.mappings.map((m) =>
      m.mappingName === 'note-to-item'
        ? { ...m, fieldMappings: [fm('supplier', 'about', { mappingType: 'relation', mapping: 'note-to-supplier' })] }
        : m
    );
    byRef.publish(NOTE, 'n7', { title: 'Seven' });
    await run(byRef, subs, event('Create', NOTE, 'n1', { about: ref(NOTE, 'n7') }));
    expect(byRef.ops('match')[0].filters).toEqual({ documentId: 'n7' });
    expect(byRef.docsOf(SUPPLIER).map((d) => d.data)).toEqual([{ name: 'Seven' }]);
  });

  it('a linked document that cannot be written fails the event naming the field; nothing is left behind', async () => {
    const fake = site();
    fake.publish(NOTE, 'n1', { title: 'A', content: 'one' });
    fake.site.failWrite = (uid) => (uid === SUPPLIER ? new Error('name must be unique') : null);
    await expect(run(fake, subs, event('Create', NOTE, 'n1', { title: 'A', content: 'one' }))).rejects.toThrow(
      'supplier cannot be linked: writing its api::supplier.supplier failed: name must be unique'
    );
    expect(fake.docsOf(ITEM)).toEqual([]);
    expect(fake.refOf(linkedRefType(NOTE, 'note-to-supplier'), 'n1')).toBeNull();
  });

  it('offline (inside a batch): NeedsNetworkError instead of asking the producer', async () => {
    const fake = site();
    fake.publish(NOTE, 'n1', { title: 'A' });
    await expect(run(fake, subs, event('Create', NOTE, 'n1', { title: 'A' }), { offline: true })).rejects.toBeInstanceOf(NeedsNetworkError);
    expect(fake.ops('match')).toEqual([]);
  });
});

describe('mapped relation rows without an inner mapping', () => {
  it('a plain default links the local document it names when nothing fills the field', async () => {
    const fake = site({ remoteField: null, defaultValue: 'sup-local' } as Partial<FieldMapping>);
    fake.site.mappings = fake.site.mappings.map((m) =>
      m.mappingName === 'note-to-item'
        ? { ...m, fieldMappings: [fm('name', 'content'), fm('supplier', null, { mappingType: 'relation', defaultValue: 'sup-local' })] }
        : m
    );
    fake.local(SUPPLIER, 'sup-local', { name: 'Default' });
    const out = await run(fake, subs, event('Create', NOTE, 'n1', { content: 'x' }));
    expect(itemOf(fake, out.localDocumentId)).toEqual({ name: 'x', supplier: { set: [{ documentId: 'sup-local' }] } });
  });

  it('a reference mirrored here as another local type fails the event (not silently unlinked)', async () => {
    const fake = site({ remoteField: 'maker' } as Partial<FieldMapping>);
    fake.site.mappings = fake.site.mappings.map((m) =>
      m.mappingName === 'note-to-item'
        ? { ...m, fieldMappings: [fm('name', 'content'), fm('supplier', 'maker', { mappingType: 'relation' })] }
        : m
    );
    fake.local(CUSTOMER, 'c1', { name: 'Mirrored as a customer' });
    const both = [...subs, sub(CUSTOMER, { remoteContentType: 'api::maker.maker' })];
    fake.site.refs.push({
      id: 99,
      localContentType: CUSTOMER,
      localDocumentId: 'c1',
      docLocale: null,
      remoteContentType: 'api::maker.maker',
      remoteDocumentId: 'm1',
      lastAppliedSeq: 1,
      deleted: false,
    });
    await expect(run(fake, both, event('Create', NOTE, 'n1', { content: 'x', maker: ref('api::maker.maker', 'm1') }))).rejects.toThrow(
      'api::item.item.supplier cannot be linked to api::maker.maker m1: that document is stored here as api::customer.customer, but supplier points at api::supplier.supplier'
    );
  });
});

describe('relation rows as the shared schema checks them (server and admin)', () => {
  const problem = (row: Partial<FieldMapping>) =>
    relationRowProblem(row.remoteField ?? null, row.mapping ?? null, row.remoteValueFilters, row.defaultValue);
  it('a linked row needs filters or a remote field; filters name fields and take plain values', () => {
    expect(problem({ mapping: 'inner' })).toBe(
      'a relation with an inner mapping needs remoteValueFilters or a remoteField holding references'
    );
    expect(problem({ mapping: 'inner', remoteField: 'about' })).toBeNull();
    expect(problem({ mapping: 'inner', remoteValueFilters: { title: 'title', active: true, n: 2, none: null } })).toBeNull();
    expect(problem({ mapping: 'inner', remoteValueFilters: { 'a.b': 'x' } })).toBe('remoteValueFilters: a.b is not a field name');
    expect(problem({ mapping: 'inner', remoteValueFilters: { title: { $eq: 'x' } } })).toBe(
      'remoteValueFilters.title must be a field of the remote document or a fixed text, number or boolean'
    );
  });
  it('a default is a local documentId or a list of them', () => {
    expect(problem({ defaultValue: 'abc123' })).toBeNull();
    expect(problem({ defaultValue: ['a', 'b'] })).toBeNull();
    expect(problem({ defaultValue: { name: 'x' } })).toBe(
      'a relation default value is the documentId of a local document (or a list of them)'
    );
    expect(problem({ defaultValue: [] })).toBe('a relation default value is the documentId of a local document (or a list of them)');
  });
});

describe('a linked row without remote field', () => {
  it('is looked up while preparing a whole document (the write makes no call); an Update does not relink it', async () => {
    const fake = site();
    fake.site.mappings = fake.site.mappings.map((m) =>
      m.mappingName === 'note-to-item'
        ? {
            ...m,
            fieldMappings: [
              fm('name', 'content'),
              fm('supplier', null, { mappingType: 'relation', mapping: 'note-to-supplier', remoteValueFilters: { title: 'title' } }),
            ],
          }
        : m
    );
    fake.publish(NOTE, 'n1', { title: 'A' });
    const { prepareEvent, applyEvent } = await import('../../server/src/engine/apply');
    const ev = event('Create', NOTE, 'n1', { title: 'A', content: 'one' });
    const prepared = await prepareEvent(fake.ports, subs, ev);
    expect(fake.ops('match')).toHaveLength(1);
    const online = fake.ports.matchDocument;
    fake.ports.matchDocument = async () => {
      throw new Error('no network while applying');
    };
    const out = await fake.transaction(() => applyEvent(fake.ports, subs, ev, prepared));
    fake.ports.matchDocument = online;
    expect(itemOf(fake, out.localDocumentId)?.supplier).toEqual({ set: [{ documentId: fake.docsOf(SUPPLIER)[0].documentId }] });
    // An Update does not relink it (the row has no remote field an Update could carry).
    await run(fake, subs, event('Update', NOTE, 'n1', { content: 'two' }));
    expect(itemOf(fake, out.localDocumentId)).toMatchObject({ name: 'two' });
    expect(fake.ops('update').filter((c) => c.uid === ITEM)).toEqual([expect.objectContaining({ data: { name: 'two' } })]);
  });
});

describe('the producer cannot forge what a mapping makes', () => {
  it('{__local} and {__linked} in unmapped data link nothing', async () => {
    const fake = fakeSite();
    fake.local(SUPPLIER, 'victim', { name: 'Local only' });
    const out = await run(fake, [sub(ITEM)], event('Create', ITEM, 'i1', { name: 'x', supplier: { __local: 'victim' } }));
    expect(fake.doc(ITEM, out.localDocumentId!)?.data.supplier).toBeNull();
    const linked = { __linked: 'note-to-supplier', remoteUid: NOTE, field: 'supplier', filters: { title: 'A' }, fallback: ['victim'] };
    const out2 = await run(fake, [sub(ITEM)], event('Create', ITEM, 'i2', { name: 'y', supplier: linked }));
    expect(fake.doc(ITEM, out2.localDocumentId!)?.data.supplier).toBeNull();
    expect(fake.ops('match')).toEqual([]);
  });
});
