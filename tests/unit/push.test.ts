/**
 * Push mode (README "Push mode"): the consumer's bundle of what a push carried (engine/push-bundle.ts),
 * the checks of both directions of the wire (protocol/push.ts), and a pushed page through the
 * real pull loop: the events before one that needs something are applied and their cursor saved;
 * that event is not recorded; the same page pushed again with the need applies the rest; a page
 * cut from another cursor applies nothing.
 */
import { pullOnce, type PullPorts } from '../../server/src/engine/pull-loop';
import { isTransient, RemoteError, TransientEventError } from '../../server/src/engine/errors';
import { isPushNeed, MissingFromPushError, PushBundle } from '../../server/src/engine/push-bundle';
import { checkPushRequest, checkPushResponse, type PushedPage } from '../../server/src/protocol/push';
import { PUSH_MAX_DOCUMENTS, PUSH_MAX_NEEDS } from '../../server/src/protocol/wire';
import type { FetchDocumentResponse, StreamEvent } from '../../server/src/shared/contracts';

const UID = 'api::item.item';
const SUPPLIER = 'api::supplier.supplier';
const doc = (documentId: string, data: Record<string, unknown> | null = { name: documentId }): FetchDocumentResponse => ({
  headSeq: 9,
  contentType: SUPPLIER,
  documentId,
  locale: null,
  data,
});
const via = [{ __ref: UID, documentId: 'item1', locale: null }];

describe('PushBundle', () => {
  it('answers a pushed document and records a missing one once, as a transient need', () => {
    const b = new PushBundle([doc('sup1')], [], () => false, PUSH_MAX_NEEDS);
    expect(b.document(SUPPLIER, 'sup1', null, via).data).toEqual({ name: 'sup1' });
    expect(b.hasNeeds).toBe(false);
    let thrown: unknown;
    for (let i = 0; i < 2; i += 1) {
      try {
        b.document(SUPPLIER, 'sup2', null, via);
      } catch (error) {
        thrown = error;
      }
    }
    expect(thrown).toBeInstanceOf(MissingFromPushError);
    expect(isTransient(thrown)).toBe(true);
    expect(isPushNeed(thrown)).toBe(true);
    expect(isPushNeed(new TransientEventError(3, thrown))).toBe(true);
    expect(isPushNeed(new RemoteError('down', 0))).toBe(false);
    expect(b.needs).toEqual({ documents: [{ contentType: SUPPLIER, documentId: 'sup2', locale: null, via }], files: [] });
  });

  it('a document of another locale is another document', () => {
    const b = new PushBundle([{ ...doc('sup1'), locale: 'fr' }], [], () => false, PUSH_MAX_NEEDS);
    expect(() => b.document(SUPPLIER, 'sup1', null, [])).toThrow(MissingFromPushError);
    expect(b.document(SUPPLIER, 'sup1', 'fr', []).locale).toBe('fr');
  });

  it('a refusal fails like the producer refusing a pull (deterministic 4xx), a storage failure stays transient', () => {
    const b = new PushBundle(
      [],
      [
        { contentType: SUPPLIER, documentId: 'secret', locale: null, status: 403, message: 'not readable' },
        { fileId: 'f-broken', status: 502, message: 'storage down' },
      ],
      () => false,
      PUSH_MAX_NEEDS
    );
    let refused: unknown;
    try {
      b.document(SUPPLIER, 'secret', null, via);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RemoteError);
    expect((refused as RemoteError).status).toBe(403);
    expect(isTransient(refused)).toBe(false);
    expect(isPushNeed(refused)).toBe(false);
    let storage: unknown;
    try {
      b.file('f-broken', via);
    } catch (error) {
      storage = error;
    }
    expect(isTransient(storage)).toBe(true);
    expect(isPushNeed(storage)).toBe(false);
    expect(b.hasNeeds).toBe(false);
  });

  it('files: a staged one is there, a missing one is a need; needs are bounded', () => {
    const b = new PushBundle([], [], (id) => id === 'f1', 2);
    expect(b.file('f1', via)).toBe(true);
    for (const id of ['f2', 'f3', 'f4']) expect(() => b.file(id, via)).toThrow(MissingFromPushError);
    expect(b.needs.files.map((f) => f.fileId)).toEqual(['f2', 'f3']);
  });
});

const ev = (seq: number, extra: Partial<StreamEvent> = {}): StreamEvent => ({
  seq,
  updateType: 'Update',
  contentType: UID,
  documentId: `item${seq}`,
  locale: null,
  data: { n: seq },
  originSiteId: 'producer',
  ...extra,
});

const pushed = (after: number, events: StreamEvent[], nextCursor: number): PushedPage => ({
  siteId: 'producer',
  headSeq: nextCursor,
  epoch: 'e1',
  prunedThrough: 0,
  nextCursor,
  hasMore: false,
  cursorKey: null,
  diverged: false,
  subscriptions: [{ contentType: UID, status: 'Approved', unsubscribed: false }],
  events,
  after,
  afterKey: null,
});

/** A consumer store in memory whose fetchPage is the pushed page, as consumer/push-receiver.ts wires it. */
function consumer() {
  const state = { cursor: 0, epoch: 'e1' as string | null, logged: [] as number[], applied: [] as number[] };
  const run = (page: PushedPage, bundle: PushBundle) => {
    const ports: PullPorts = {
      loadCursor: async () => state.cursor,
      loadEpoch: async () => state.epoch,
      saveEpoch: async (e) => {
        state.epoch = e;
      },
      fetchPage: async (after) => {
        if (after !== page.after) throw new Error('stale');
        return page;
      },
      recopy: async () => {
        throw new Error('no recopy');
      },
      recordPull: async () => undefined,
      keepLease: async () => undefined,
      prepare: async (event) => {
        const dep = (event.data as { supplier?: string } | null)?.supplier;
        if (dep) bundle.document(SUPPLIER, dep, null, [{ __ref: UID, documentId: event.documentId, locale: null }]);
        return { seq: event.seq };
      },
      transaction: async (fn) => {
        const saved = JSON.parse(JSON.stringify(state)) as typeof state;
        try {
          return await fn();
        } catch (error) {
          Object.assign(state, saved);
          throw error;
        }
      },
      eventState: async (event) => ({ processed: state.logged.includes(event.seq), blocker: null }),
      apply: async (event) => {
        state.applied.push(event.seq);
        return { localDocumentId: event.documentId, data: event.data };
      },
      record: async (event) => {
        state.logged.push(event.seq);
      },
      saveCursor: async (seq) => {
        state.cursor = seq;
      },
    };
    return pullOnce(ports, { maxPages: 1, batchSize: 1 });
  };
  return { state, run };
}

describe('a pushed page through the pull loop', () => {
  const page = pushed(0, [ev(1), ev(2, { data: { supplier: 'sup9' } }), ev(3)], 3);

  it('stops before the event that needs a document, answers the need, and applies the rest when it comes', async () => {
    const c = consumer();
    const first = new PushBundle([], [], () => false, PUSH_MAX_NEEDS);
    const error = await c.run(page, first).catch((e: unknown) => e);
    expect(isPushNeed(error)).toBe(true);
    expect(c.state).toMatchObject({ cursor: 1, logged: [1], applied: [1] });
    expect(first.needs.documents.map((d) => d.documentId)).toEqual(['sup9']);

    // The same page pushed again with the need: #1 was cut from before the cursor -> stale.
    await expect(c.run(page, new PushBundle([doc('sup9')], [], () => false, PUSH_MAX_NEEDS))).rejects.toThrow('stale');
    // The producer recuts from the consumer's cursor and sends the need with it.
    const again = pushed(1, [ev(2, { data: { supplier: 'sup9' } }), ev(3)], 3);
    const result = await c.run(again, new PushBundle([doc('sup9')], [], () => false, PUSH_MAX_NEEDS));
    expect(result).toMatchObject({ applied: 2, cursor: 3 });
    expect(c.state).toMatchObject({ cursor: 3, logged: [1, 2, 3], applied: [1, 2, 3] });
  });

  it('a duplicate of a page already applied changes nothing (the idempotency key is the seq)', async () => {
    const c = consumer();
    await c.run(pushed(0, [ev(1)], 1), new PushBundle([], [], () => false, 1));
    c.state.cursor = 0; // as if the cursor had not moved: the sync log still says #1 was processed
    await c.run(pushed(0, [ev(1)], 1), new PushBundle([], [], () => false, 1));
    expect(c.state.applied).toEqual([1]);
  });
});

describe('checkPushRequest (consumer side: the producer is not trusted)', () => {
  const base = { siteId: 'producer-site', name: 'Store' };
  it('accepts a hello and a page with documents', () => {
    expect(checkPushRequest(base)).toMatchObject({ ...base, documents: [], refused: [] });
    const req = checkPushRequest({ ...base, page: pushed(0, [ev(1)], 1), documents: [doc('sup1')] });
    expect(req.page?.events.map((e) => e.seq)).toEqual([1]);
    expect(req.documents).toHaveLength(1);
  });
  it.each([
    ['no siteId', { name: 'x' }, /siteId/],
    ['page without after', { ...base, page: { ...pushed(0, [], 0), after: undefined } }, /page.after/],
    ['an event at or below after', { ...base, page: pushed(2, [ev(2)], 3) }, /outside/],
    ['too many documents', { ...base, documents: Array.from({ length: PUSH_MAX_DOCUMENTS + 1 }, (_, i) => doc(`d${i}`)) }, /at most/],
    ['a document of a bad type', { ...base, documents: [{ ...doc('d'), contentType: 'plugin::x.y' }] }, /not a document/],
    ['a refusal with a 200', { ...base, refused: [{ status: 200, message: 'ok', fileId: 'f' }] }, /refused\[0\]/],
  ])('refuses %s', (_what, body, message) => {
    expect(() => checkPushRequest(body)).toThrow(message);
  });
});

describe('checkPushResponse (producer side: the consumer is not trusted either)', () => {
  const ok = { siteId: 'c', name: 'Consumer', subscriptions: [{ contentType: UID }], cursor: 4, cursorKey: null, needs: {} };
  it('normalises a good answer', () => {
    expect(checkPushResponse({ ...ok, needs: { files: [{ fileId: 'f1', via }] } }, 'http://c')).toMatchObject({
      cursor: 4,
      subscriptions: [{ contentType: UID, unsubscribed: false }],
      needs: { documents: [], files: [{ fileId: 'f1', via }] },
    });
  });
  it.each([
    ['a negative cursor', { ...ok, cursor: -1 }],
    ['a subscription of a non-API type', { ...ok, subscriptions: [{ contentType: 'admin::user' }] }],
    ['too many needs', { ...ok, needs: { files: Array.from({ length: PUSH_MAX_NEEDS + 1 }, (_, i) => ({ fileId: `f${i}`, via })) } }],
    ['a need with a bad via', { ...ok, needs: { documents: [{ contentType: SUPPLIER, documentId: 'x', via: [['bad']] }] } }],
  ])('refuses %s', (_what, res) => {
    expect(() => checkPushResponse(res, 'http://c')).toThrow(RemoteError);
  });
});
