/**
 * Property-based fuzzing of the apply engine (issue 13) with hostile producer data: events and
 * fetched dependencies built from the playground's field names, references of any type (admin and
 * users-permissions users, unsubscribed types, components), prototype keys at any depth, wrong
 * types, huge strings, deep nesting, odd locales and documentIds.
 *
 * Properties, for every input: the engine answers (applied, or an ApplyError — never a TypeError or
 * another crash) within a bound; a refused event leaves documents and references unchanged (no
 * partial write); an applied one writes only documents of the subscribed types and of the types
 * their relations target here, and only attributes that stream (no private field, password, system
 * field, relation to a user); the built-in prototypes keep their keys.
 */
import fc from 'fast-check';
import { FILE_UID } from '../../server/src/engine/apply';
import { ApplyError } from '../../server/src/engine/errors';
import { fieldKind, type ModelDef } from '../../server/src/engine/schema';
import type { StreamEvent } from '../../server/src/shared/contracts';
import {
  ARTICLE,
  CONTACT,
  CUSTOMER,
  INVOICE,
  ITEM,
  MODELS,
  NODE,
  PERSON,
  SUPPLIER,
  fakeSite,
  sub,
  type LocalDoc,
} from '../helpers/apply-fake';
import { run } from '../helpers/apply-run';
import {
  FUZZ_SEED,
  FuzzStats,
  PROTO_KEYS,
  deeplyNested,
  hostileScalar,
  hostileString,
  hostileTree,
  ownObject,
  prototypeKeys,
} from '../helpers/fuzz';

const RUNS = Number(process.env.FUZZ_APPLY_RUNS ?? 5000);
/** No single event may take longer than this (in-memory ports: only the engine's own work). */
const BOUND_MS = 2000;

const SUBS = [sub(INVOICE), sub(ITEM), sub(PERSON, { remoteContentType: CONTACT, mapping: 'contact-to-person', useSameName: false })];
/** What the subscriptions may write: their local types and the types their relations target here. */
const ALLOWED = new Set([INVOICE, ITEM, CUSTOMER, SUPPLIER, PERSON]);

const UIDS = [
  INVOICE,
  ITEM,
  CONTACT,
  CUSTOMER,
  SUPPLIER,
  NODE,
  ARTICLE,
  PERSON,
  'shared.line',
  'shared.quote',
  FILE_UID,
  'admin::user',
  'plugin::users-permissions.user',
  'api::secret.secret',
  '__proto__',
  '',
];
/** Types references mostly name: the relations' targets, and types no field here targets. */
const TARGETS = [CUSTOMER, SUPPLIER, ITEM, CONTACT, NODE, ARTICLE, 'admin::user', 'plugin::users-permissions.user'];
const DOC_IDS = ['c1', 's1', 'i1', 'n1', 'con1', 'x_-9', 'a'.repeat(64), 'a'.repeat(65), '', '../x', '__proto__', 'constructor'];
const LOCALES = [null, undefined, 'en', 'fr', 'de', 'zz', 'en-US', 'EN', '__proto__', '', 'x'.repeat(100), 'fr/../x', 'ü'];
const KEYS = [
  ...new Set(Object.values(MODELS).flatMap((m) => Object.keys(m.attributes))),
  ...['name', 'addrs', 'line1', 'town', '__component', '__ref', '__file', 'documentId', 'locale', 'id', 'publishedAt'],
  ...['localizations', 'createdBy', 'password', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'é', '𝒳'],
];

const docRef = fc
  .record({
    __ref: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TARGETS) }, { weight: 1, arbitrary: fc.constantFrom(...UIDS) }),
    documentId: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...DOC_IDS.slice(0, 4)) },
      { weight: 2, arbitrary: fc.constantFrom(...DOC_IDS) },
      { weight: 1, arbitrary: hostileScalar() }
    ),
    locale: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(undefined, null, 'en') },
      { weight: 1, arbitrary: fc.constantFrom(...LOCALES) }
    ),
  })
  .map((r) => ownObject(Object.entries(r).filter(([, v]) => v !== undefined)));
const fileRef = fc
  .record({ __file: fc.oneof(fc.constantFrom('f1', 'f2', ''), hostileString()), name: hostileString(), mime: hostileString() })
  .map((r) => ownObject(Object.entries(r)));
const component = fc
  .record({ __component: fc.constantFrom('shared.text', 'shared.quote', 'shared.line', 'x.y', '__proto__'), body: hostileString() })
  .map((r) => ownObject(Object.entries(r)));
const leaf = fc.oneof(
  { weight: 4, arbitrary: hostileScalar() },
  { weight: 3, arbitrary: docRef },
  { weight: 1, arbitrary: fileRef },
  { weight: 1, arbitrary: component }
);
const tree = hostileTree(KEYS, leaf);
/** Well-formed references (the guard lets them through): what reaches the walk and the write. */
const cleanRef = fc
  .record({ __ref: fc.constantFrom(...TARGETS), documentId: fc.constantFrom(...DOC_IDS.slice(0, 4)) })
  .map((r) => ownObject(Object.entries(r)));
const refs = fc.oneof(docRef, fc.array(docRef, { maxLength: 3 }));
const cleanRefs = fc.oneof(cleanRef, fc.array(cleanRef, { maxLength: 3 }));
const clean = fc
  .record(
    {
      name: fc.string({ maxLength: 10 }),
      customer: cleanRefs,
      supplier: cleanRefs,
      lines: fc.array(fc.record({ item: cleanRefs, qty: fc.integer() }), { maxLength: 3 }),
      addrs: fc.array(fc.record({ line1: fc.string({ maxLength: 5 }), owner: cleanRefs }), { maxLength: 2 }),
      extra: cleanRefs,
    },
    { requiredKeys: [] }
  )
  .map((r) => ownObject(Object.entries(r)));
/** Data shaped like the subscribed types', with references where their relations and media are. */
const shaped = fc
  .record(
    {
      number: hostileString(),
      name: hostileString(),
      customer: refs,
      supplier: refs,
      lines: fc.array(fc.record({ item: refs, qty: hostileScalar() }), { maxLength: 3 }),
      image: fileRef,
      addrs: fc.array(fc.record({ line1: hostileString(), owner: refs }), { maxLength: 2 }),
      extra: refs,
    },
    { requiredKeys: [] }
  )
  .map((r) => ownObject(Object.entries(r)));
const dataArb = fc.oneof(
  { weight: 6, arbitrary: shaped },
  { weight: 6, arbitrary: clean },
  { weight: 8, arbitrary: fc.array(fc.tuple(fc.constantFrom(...KEYS), tree), { maxLength: 8 }).map(ownObject) },
  { weight: 2, arbitrary: fc.array(fc.tuple(fc.constantFrom(...KEYS), leaf), { maxLength: 6 }).map(ownObject) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...KEYS), fc.constantFrom(...PROTO_KEYS), tree)
      .map(([k, p, v]) => ownObject([[k, ownObject([[p, v]])]])),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 3000 }), docRef).map(([d, r]) => deeplyNested(r, d) as Record<string, unknown>),
  },
  { weight: 1, arbitrary: fc.oneof(hostileScalar(), fc.array(tree, { maxLength: 3 })) }
);

const eventArb = fc.record({
  seq: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(0, -1, 2 ** 60)),
  updateType: fc.constantFrom('Create', 'Create', 'Update', 'Delete', 'Publish'),
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(INVOICE, ITEM, CONTACT) },
    { weight: 1, arbitrary: fc.constantFrom(...UIDS) }
  ),
  documentId: fc.constantFrom(...DOC_IDS.slice(0, 6)),
  locale: fc.constantFrom(null, 'en', 'fr'),
  data: dataArb,
  originSiteId: fc.constantFrom('producer', null),
});
const publishedArb = fc.array(
  fc.record({
    uid: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TARGETS) }, { weight: 1, arbitrary: fc.constantFrom(...UIDS) }),
    documentId: fc.constantFrom(...DOC_IDS.slice(0, 4)),
    data: fc.option(fc.oneof(fc.constant({ name: 'Published' }), dataArb)),
  }),
  { maxLength: 8 }
);

/**
 * Throws unless written data `data` of model `uid` holds only attributes that stream (no private
 * field, password, system field or relation to a user), recursively through components and
 * dynamic-zone entries. Scalar values are not walked: a JSON field may hold any keys.
 */
function expectStreamedOnly(uid: string, data: unknown, at: string, docs: LocalDoc[]): void {
  const model: ModelDef | undefined = MODELS[uid];
  if (!model) throw new Error(`${at}: written as ${uid}, which has no model`);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${at}: not an object`);
  for (const [name, value] of Object.entries(data)) {
    if (name === '__component') continue;
    const attr = Object.hasOwn(model.attributes, name) ? model.attributes[name] : undefined;
    if (!attr || fieldKind(name, attr) === 'skip') throw new Error(`${at}.${name}: ${uid} does not stream this attribute`);
    if (attr.type === 'component' && value !== null)
      ([] as unknown[]).concat(value).forEach((v, i) => v !== null && expectStreamedOnly(attr.component!, v, `${at}.${name}[${i}]`, docs));
    // A plain relation links documents of its target type only (they exist once the event applied).
    if (attr.type === 'relation' && attr.target && value !== null)
      for (const t of (value as { set: Array<{ documentId: string }> }).set)
        if (!docs.some((d) => d.uid === attr.target && d.documentId === t.documentId))
          throw new Error(`${at}.${name}: links ${t.documentId}, which is not a ${attr.target} here`);
    if (attr.type === 'dynamiczone')
      (value as Array<{ __component: string }>).forEach((v, i) => {
        expect(attr.components).toContain(v.__component);
        expectStreamedOnly(v.__component, v, `${at}.${name}[${i}]`, docs);
      });
  }
}

/** Every key of a value, recursively. */
function keysDeep(value: unknown, out = new Set<string>()): Set<string> {
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) keysDeep(v, out.add(k));
  return out;
}

describe('fuzz: the apply engine with hostile producer data', () => {
  const stats = new FuzzStats();
  /** How the inputs ended: shows the generator reaches the writes, not only the refusals. */
  const outcomes = { applied: 0, refused: 0, documentsWritten: 0, dependenciesFetched: 0 };
  afterAll(() => stats.write('engine (unit, in-process)', { boundMs: BOUND_MS, outcomes }));

  it(`answers every event within ${BOUND_MS} ms: applied within the subscriptions, or refused with nothing written`, async () => {
    const before = prototypeKeys();
    await fc.assert(
      fc.asyncProperty(eventArb, publishedArb, async (ev, published) => {
        const fake = fakeSite();
        fake.local(CUSTOMER, 'c1', { name: 'Here before' });
        fake.local(SUPPLIER, 's1', { name: 'Here before' });
        fake.local(NODE, 'n1', { name: 'Not a target of the subscribed types' });
        for (const p of published) fake.publish(p.uid, p.documentId, p.data as Record<string, unknown> | null);
        const docs0 = structuredClone(fake.site.docs);
        const refs0 = structuredClone(fake.site.refs.filter((r) => r.localContentType !== FILE_UID));
        const t0 = performance.now();
        const error = await stats.time(
          () => JSON.stringify(ev).slice(0, 300),
          () =>
            run(fake, SUBS, ev as unknown as StreamEvent).then(
              () => null,
              (e: unknown) => e
            )
        );
        expect(performance.now() - t0).toBeLessThan(BOUND_MS);
        outcomes[error ? 'refused' : 'applied'] += 1;
        outcomes.documentsWritten += fake.writes().length;
        outcomes.dependenciesFetched += fake.ops('fetch').length;
        if (error) {
          if (!(error instanceof ApplyError)) throw error; // a crash, not a refusal
          expect(fake.site.docs).toEqual(docs0);
          expect(fake.site.refs.filter((r) => r.localContentType !== FILE_UID)).toEqual(refs0);
        }
        for (const doc of fake.site.docs.slice(docs0.length)) {
          expect(ALLOWED).toContain(doc.uid);
        }
        for (const doc of fake.site.docs) {
          expectStreamedOnly(doc.uid, doc.data, `${doc.uid} ${doc.documentId}`, fake.site.docs);
          expect([...keysDeep(doc.data)].filter((k) => (['__proto__', 'constructor', 'prototype'] as string[]).includes(k))).toEqual([]);
        }
        expect(prototypeKeys()).toEqual(before);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS }
    );
    expect(stats.runs).toBeGreaterThanOrEqual(RUNS);
    expect(prototypeKeys()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);
});
