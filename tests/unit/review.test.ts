/**
 * Review queue and conflicts (engine/review.ts, issue 15): the hold decision, per-document order,
 * divergence after a Reject, the local-copy fingerprint that detects local edits, and the readable
 * field-by-field view of the Review page.
 */
import {
  diverged,
  fieldChanges,
  fingerprint,
  firstAwaiting,
  holdReason,
  locallyEdited,
  readable,
  streamedContent,
} from '../../server/src/engine/review';
import { check } from '../../server/src/shared/validation/check';
import { producerSubscriptionSchema } from '../../server/src/shared/validation/producers';
import { acceptAllSchema, reviewsQuerySchema } from '../../server/src/shared/validation/review';
import { ARTICLE, INVOICE, ITEM, MODELS, PRODUCT } from '../helpers/apply-fixtures';

const schema = { model: (uid: string) => MODELS[uid] };

describe('holdReason', () => {
  const base = { queuedBefore: false, review: false, edited: false, onConflict: 'overwrite' as const };
  it('applies at once by default, also over local edits when the policy is overwrite', () => {
    expect(holdReason(base)).toBeNull();
    expect(holdReason({ ...base, edited: true })).toBeNull();
  });
  it('holds in review mode, conflicts under hold, and everything queued behind an earlier held change', () => {
    expect(holdReason({ ...base, review: true })).toBe('review');
    expect(holdReason({ ...base, edited: true, onConflict: 'hold' })).toBe('conflict');
    expect(holdReason({ ...base, review: true, edited: true, onConflict: 'hold' })).toBe('conflict');
    // Per-document order wins over everything, whatever the mode.
    expect(holdReason({ ...base, queuedBefore: true })).toBe('queued');
    expect(holdReason({ ...base, queuedBefore: true, edited: true, onConflict: 'hold' })).toBe('queued');
  });
});

describe('per-document order and divergence', () => {
  const rows = [
    { id: 3, seq: 30, status: 'AwaitingReview' },
    { id: 1, seq: 10, status: 'Synced' },
    { id: 2, seq: 20, status: 'AwaitingReview' },
  ];
  it('only the first held change of a document is reviewable', () => {
    expect(firstAwaiting(rows)?.id).toBe(2);
    expect(firstAwaiting([{ id: 1, seq: 10, status: 'Synced' }])).toBeUndefined();
  });
  it('a document is diverged when its latest decided change before seq was rejected', () => {
    expect(diverged(rows, 30)).toBe(false);
    const rejected = [...rows, { id: 4, seq: 25, status: 'Rejected' }];
    expect(diverged(rejected, 30)).toBe(true);
    // A later accepted (Synced) change ends the divergence.
    expect(diverged([...rejected, { id: 5, seq: 27, status: 'Synced' }], 30)).toBe(false);
    // Only what came before counts.
    expect(diverged(rejected, 22)).toBe(false);
  });
});

describe('fingerprint of the local copy', () => {
  const item = {
    id: 7,
    documentId: 'it1',
    name: 'Bolt',
    specs: { a: 1 },
    image: { id: 4, url: '/u/a.png', name: 'a.png' },
    supplier: { id: 9, documentId: 'sup1', name: 'Acme', updatedAt: '2026-01-01' },
    createdAt: '2026-01-01',
    updatedAt: '2026-01-02',
    publishedAt: null,
  };
  it('covers streamed fields only: system fields and related documents’ details do not count', () => {
    const same = { ...item, updatedAt: '2030-01-01', supplier: { documentId: 'sup1', name: 'Renamed', id: 99 }, image: { id: 4 } };
    expect(fingerprint(schema, ITEM, same)).toBe(fingerprint(schema, ITEM, item));
    expect(streamedContent(schema, ITEM, item)).toEqual({ image: ['4'], name: 'Bolt', specs: { a: 1 }, supplier: ['sup1'] });
  });
  it('changes with a streamed value, a relation target or a file', () => {
    const fp = fingerprint(schema, ITEM, item);
    expect(fingerprint(schema, ITEM, { ...item, name: 'Nut' })).not.toBe(fp);
    expect(fingerprint(schema, ITEM, { ...item, supplier: { documentId: 'sup2' } })).not.toBe(fp);
    expect(fingerprint(schema, ITEM, { ...item, image: null })).not.toBe(fp);
  });
  it('leaves kept-local fields out, top-level and inside a component', () => {
    const product = { name: 'P', price: 10, seo: { metaTitle: 'T', id: 1 } };
    const fp = fingerprint(schema, PRODUCT, product, ['price', 'seo.metaTitle']);
    expect(fingerprint(schema, PRODUCT, { ...product, price: 12, seo: { metaTitle: 'Local', id: 3 } }, ['price', 'seo.metaTitle'])).toBe(
      fp
    );
    expect(fingerprint(schema, PRODUCT, { ...product, name: 'Q' }, ['price', 'seo.metaTitle'])).not.toBe(fp);
  });
  it('components and dynamic zones count by content, not by their row ids', () => {
    const inv = { number: 'A1', lines: [{ id: 1, qty: 2, item: { documentId: 'it1' } }] };
    expect(fingerprint(schema, INVOICE, { ...inv, lines: [{ id: 55, qty: 2, item: { documentId: 'it1' } }] })).toBe(
      fingerprint(schema, INVOICE, inv)
    );
    expect(fingerprint(schema, INVOICE, { ...inv, lines: [{ id: 1, qty: 3, item: { documentId: 'it1' } }] })).not.toBe(
      fingerprint(schema, INVOICE, inv)
    );
    const art = { title: 'T', blocks: [{ __component: 'shared.text', id: 1, body: 'x' }] };
    expect(fingerprint(schema, ARTICLE, { ...art, blocks: [{ __component: 'shared.text', id: 9, body: 'x' }] })).toBe(
      fingerprint(schema, ARTICLE, art)
    );
  });
  it('an unknown stored fingerprint is no local edit', () => {
    expect(locallyEdited(null, 'abc')).toBe(false);
    expect(locallyEdited('abc', 'abc')).toBe(false);
    expect(locallyEdited('abc', 'abd')).toBe(true);
    expect(locallyEdited('abc', null)).toBe(false);
  });
});

describe('readable values of the Review page', () => {
  it('relations and media by label, components as field: value pairs, JSON as JSON', () => {
    expect(readable(schema, ITEM, 'supplier', { __ref: 'api::supplier.supplier', documentId: 'sup1' })).toBe('api::supplier.supplier sup1');
    expect(readable(schema, ITEM, 'supplier', { documentId: 'sup1', name: 'Acme' })).toBe('Acme (sup1)');
    expect(readable(schema, ITEM, 'supplier', null)).toBe('—');
    expect(readable(schema, ITEM, 'specs', { a: 1 })).toBe('{"a":1}');
    expect(readable(schema, INVOICE, 'lines', [{ id: 1, qty: 2, item: { documentId: 'it1', name: 'Bolt' } }])).toBe(
      '1. qty: 2; item: Bolt (it1)'
    );
    expect(readable(schema, ARTICLE, 'blocks', [{ __component: 'shared.text', body: 'Hi' }])).toBe('1. [shared.text] body: Hi');
  });
  it('fieldChanges lists the incoming fields beside the local ones, with the base for a conflict', () => {
    const changes = fieldChanges(schema, ITEM, { name: 'Bolt', specs: null }, { name: 'Nut', documentId: 'x' }, { name: 'Screw' });
    expect(changes).toEqual([{ field: 'name', local: 'Bolt', incoming: 'Nut', base: 'Screw', changed: true }]);
    expect(fieldChanges(schema, ITEM, null, { name: 'Nut' })).toEqual([{ field: 'name', local: '—', incoming: 'Nut', changed: true }]);
    expect(fieldChanges(schema, ITEM, { name: 'Nut' }, null)).toEqual([]);
  });
});

describe('validation', () => {
  it('a subscription takes mode apply|review and onConflict overwrite|hold', () => {
    expect(() => check(producerSubscriptionSchema, { contentType: ITEM, mode: 'review', onConflict: 'hold' })).not.toThrow();
    expect(() => check(producerSubscriptionSchema, { contentType: ITEM, mode: 'later' })).toThrow(/mode must be apply or review/);
    expect(() => check(producerSubscriptionSchema, { contentType: ITEM, onConflict: 'merge' })).toThrow(
      /onConflict must be overwrite or hold/
    );
  });
  it('the review list filters and the bulk accept body are checked', () => {
    expect(() => check(reviewsQuerySchema, { reason: 'conflict', contentType: ITEM })).not.toThrow();
    expect(() => check(reviewsQuerySchema, { reason: 'nope' })).toThrow();
    expect(() => check(reviewsQuerySchema, { status: 'Synced' })).toThrow();
    expect(() => check(acceptAllSchema, { producerId: 0 })).toThrow(/producerId/);
    expect(() => check(acceptAllSchema, { contentType: ITEM, reason: 'review' })).not.toThrow();
  });
});
