/**
 * The shared input schemas (server/src/shared/validation), run as the server runs them (strict,
 * every failure collected): each rule, each bound, unknown keys, hostile values. No Strapi here.
 */
import { errors } from '@strapi/utils';
import {
  backfillSchema,
  check,
  createProducerSchema,
  deleteProducerQuerySchema,
  documentOriginQuerySchema,
  documentParamsSchema,
  fetchDocumentQuerySchema,
  fetchFileQuerySchema,
  fileParamsSchema,
  idParamsSchema,
  isSchemaError,
  LIMITS,
  mappingSchema,
  notifySchema,
  pageQuerySchema,
  registerSchema,
  resyncFailedSchema,
  schemaIssues,
  schemaMessage,
  setConsumerSubscriptionsSchema,
  syncLogsQuerySchema,
  updateLogsQuerySchema,
  updateProducerSchema,
  DOC_ID_RE,
  LOCALE_RE,
  MAX_CURSOR,
} from '../../server/src/shared/validation';
import { DOC_ID_RE as ENGINE_DOC_ID_RE } from '../../server/src/engine/refs';
import { MAX_CURSOR as ENGINE_MAX_CURSOR } from '../../server/src/engine/cursor';
import { LOCALE_RE as PROTOCOL_LOCALE_RE } from '../../server/src/protocol/via';

type Schema = Parameters<typeof check>[0];

/** The messages a value fails with ([] when it passes). */
function failures(schema: Schema, value: unknown): string[] {
  try {
    check(schema, value);
    return [];
  } catch (error) {
    if (!isSchemaError(error)) throw error;
    return schemaIssues(error).map((i) => i.message);
  }
}

const ok = (schema: Schema, value: unknown) => expect(failures(schema, value)).toEqual([]);
/** Fails, and one of its messages matches. */
const bad = (schema: Schema, value: unknown, message: RegExp) => {
  const msgs = failures(schema, value);
  expect(msgs.length).toBeGreaterThan(0);
  expect(msgs.some((m) => message.test(m)) ? msgs : [`none of ${JSON.stringify(msgs)} matches ${message}`]).toEqual(msgs);
};

const MB = 'x'.repeat(1024 * 1024);
const withProto = (json: string) => JSON.parse(json) as unknown;
const CUSTOMER = 'api::customer.customer';

describe('the schemas share their formats with the engine and the protocol', () => {
  test('DOC_ID_RE, MAX_CURSOR and LOCALE_RE are the same values', () => {
    expect(DOC_ID_RE.source).toBe(ENGINE_DOC_ID_RE.source);
    expect(MAX_CURSOR).toBe(ENGINE_MAX_CURSOR);
    expect(LOCALE_RE.source).toBe(PROTOCOL_LOCALE_RE.source);
  });
});

describe('Event Producer body (POST/PUT /producers)', () => {
  const prod = (extra: Record<string, unknown> = {}) => ({
    producerUrl: 'http://127.0.0.1:9',
    apiToken: 'x'.repeat(40),
    subscriptions: [{ contentType: CUSTOMER }],
    ...extra,
  });

  test('a minimal and a full body pass', () => {
    ok(createProducerSchema, prod());
    ok(
      createProducerSchema,
      prod({
        callbackToken: 'c'.repeat(20),
        pullOnly: false,
        subscriptions: [
          {
            contentType: CUSTOMER,
            remoteContentType: 'api::person.person',
            useSameName: false,
            unsubscribed: true,
            mapping: 'm',
            status: 'Approved',
          },
          { contentType: 'api::item.item', remoteContentType: '', mapping: null },
        ],
      })
    );
    ok(createProducerSchema, prod({ callbackToken: null }));
  });

  test('not an object', () => {
    for (const v of [[prod()], 'x', 5, null, undefined]) bad(createProducerSchema, v, /^The body must be a JSON object$/);
  });

  test('producerUrl: a string, present, at most 2048 characters (its format is normalizeSiteUrl’s)', () => {
    bad(createProducerSchema, prod({ producerUrl: 5 }), /^producerUrl must be a non-empty URL/);
    bad(createProducerSchema, prod({ producerUrl: '' }), /^producerUrl must be a non-empty URL/);
    bad(createProducerSchema, prod({ producerUrl: undefined }), /^producerUrl must be a non-empty URL/);
    bad(createProducerSchema, prod({ producerUrl: `http://h/${MB}` }), /producerUrl is too long \(\d+ characters; at most 2048\)/);
    ok(createProducerSchema, prod({ producerUrl: 'file:///etc/passwd' }));
  });

  test('apiToken: required on create, optional on update; 8-1024 visible characters', () => {
    const msg = /^apiToken must be the producer API token \(8-1024 visible characters\)$/;
    bad(createProducerSchema, prod({ apiToken: undefined }), msg);
    ok(updateProducerSchema, prod({ apiToken: undefined }));
    for (const t of [5, 'short', `${'x'.repeat(20)}\r\nX-Evil: 1`, 'has space inside', 'é'.repeat(10), 'x'.repeat(1025), MB, null]) {
      bad(createProducerSchema, prod({ apiToken: t }), msg);
      bad(updateProducerSchema, prod({ apiToken: t }), msg);
    }
    ok(createProducerSchema, prod({ apiToken: 'x'.repeat(8) }));
    ok(createProducerSchema, prod({ apiToken: 'x'.repeat(1024) }));
  });

  test('callbackToken and pullOnly', () => {
    bad(createProducerSchema, prod({ callbackToken: ['x'] }), /^callbackToken must be an API token of this site/);
    bad(createProducerSchema, prod({ callbackToken: 'short' }), /^callbackToken must be/);
    bad(createProducerSchema, prod({ pullOnly: 'no' }), /^pullOnly must be a boolean$/);
  });

  test('subscriptions: a list of 1 to 200', () => {
    const msg = /^subscriptions must be a list of 1 to 200 content types$/;
    for (const v of [{}, null, undefined, 'x', []]) bad(createProducerSchema, prod({ subscriptions: v }), msg);
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ contentType: `api::t${i}.t${i}` }));
    ok(createProducerSchema, prod({ subscriptions: many(200) }));
    bad(createProducerSchema, prod({ subscriptions: many(201) }), msg);
  });

  test('a 100 000-entry list is refused by its length alone (no per-entry work)', () => {
    const huge = Array.from({ length: 100_000 }, () => null);
    const t0 = Date.now();
    expect(failures(createProducerSchema, prod({ subscriptions: huge }))).toEqual([
      'subscriptions must be a list of 1 to 200 content types',
    ]);
    expect(Date.now() - t0).toBeLessThan(500);
  });

  test('each subscription', () => {
    bad(createProducerSchema, prod({ subscriptions: ['x'] }), /^subscriptions\[0\] must be an object$/);
    bad(createProducerSchema, prod({ subscriptions: [null] }), /^subscriptions\[0\] must be an object$/);
    bad(createProducerSchema, prod({ subscriptions: [{}] }), /^subscriptions\[0\]\.contentType must be a content type UID$/);
    bad(createProducerSchema, prod({ subscriptions: [{ contentType: 5 }] }), /^subscriptions\[0\]\.contentType must be/);
    bad(createProducerSchema, prod({ subscriptions: [{ contentType: MB }] }), /^subscriptions\[0\]\.contentType must be/);
    bad(
      createProducerSchema,
      prod({ subscriptions: [{ contentType: CUSTOMER, remoteContentType: '../../x' }] }),
      /^subscriptions\[0\]\.remoteContentType must be a content type UID like api::name.name$/
    );
    bad(
      createProducerSchema,
      prod({ subscriptions: [{ contentType: CUSTOMER, remoteContentType: `api::${'a'.repeat(300)}.a` }] }),
      /remoteContentType must be/
    );
    bad(
      createProducerSchema,
      prod({ subscriptions: [{ contentType: CUSTOMER, useSameName: 'yes' }] }),
      /^subscriptions\[0\]\.useSameName must be a boolean$/
    );
    bad(
      createProducerSchema,
      prod({ subscriptions: [{ contentType: CUSTOMER, unsubscribed: 1 }] }),
      /^subscriptions\[0\]\.unsubscribed must be a boolean$/
    );
    bad(
      createProducerSchema,
      prod({ subscriptions: [{ contentType: CUSTOMER, mapping: 5 }] }),
      /^subscriptions\[0\]\.mapping must be a mapping name$/
    );
    bad(
      createProducerSchema,
      prod({ subscriptions: [{ contentType: CUSTOMER, mapping: 'm'.repeat(101) }] }),
      /mapping must be a mapping name/
    );
    bad(createProducerSchema, prod({ subscriptions: [{ contentType: CUSTOMER, status: 'Owner' }] }), /status must be one of/);
  });

  test('a remote type other than the local one needs a mapping', () => {
    bad(
      createProducerSchema,
      prod({ subscriptions: [{ contentType: CUSTOMER, remoteContentType: 'api::person.person' }] }),
      /^subscriptions\[0\]: streaming api::person.person into api::customer.customer needs a mapping$/
    );
    ok(createProducerSchema, prod({ subscriptions: [{ contentType: CUSTOMER, remoteContentType: 'api::person.person', mapping: 'p' }] }));
  });

  test('a remote type listed twice (an empty remote type is the local one)', () => {
    bad(
      createProducerSchema,
      prod({ subscriptions: [{ contentType: CUSTOMER }, { contentType: CUSTOMER, remoteContentType: '' }] }),
      /^subscriptions list api::customer.customer twice$/
    );
  });

  test('unknown keys are refused, at the top and in a subscription, __proto__ included', () => {
    bad(createProducerSchema, prod({ producerSiteId: 'forged' }), /^Unknown field\(s\): producerSiteId$/);
    bad(
      createProducerSchema,
      prod({ subscriptions: [{ contentType: CUSTOMER, evil: 1 }] }),
      /^subscriptions\[0\] has unknown field\(s\): evil$/
    );
    bad(
      createProducerSchema,
      withProto(
        `{"__proto__": {"isAdmin": true}, "producerUrl": "http://h", "apiToken": "${'x'.repeat(20)}", "subscriptions": [{"contentType": "${CUSTOMER}"}]}`
      ),
      /^Unknown field\(s\): __proto__$/
    );
    bad(
      createProducerSchema,
      prod({ subscriptions: [withProto(`{"contentType": "${CUSTOMER}", "__proto__": {"x": 1}, "constructor": {}}`)] }),
      /^subscriptions\[0\] has unknown field\(s\): .*__proto__/
    );
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  test('a message quoting unknown keys stays short, however many and long they are', () => {
    const body: Record<string, unknown> = prod();
    for (let i = 0; i < 1000; i += 1) body[`${'k'.repeat(1000)}${i}`] = 1;
    const [msg] = failures(createProducerSchema, body);
    expect(msg).toMatch(/^Unknown field\(s\): /);
    expect(msg.length).toBeLessThan(600);
  });

  test('back-fill body and delete query', () => {
    ok(backfillSchema, {});
    ok(backfillSchema, { contentType: CUSTOMER });
    bad(backfillSchema, { contentType: 5 }, /^contentType must be a content type UID$/);
    bad(backfillSchema, { contentType: MB }, /^contentType must be a content type UID$/);
    bad(backfillSchema, { all: true }, /^Unknown field\(s\): all$/);
    bad(backfillSchema, [], /^The body must be a JSON object$/);
    ok(deleteProducerQuerySchema, {});
    ok(deleteProducerQuerySchema, { force: 'true' });
    bad(deleteProducerQuerySchema, { force: 'yes' }, /^force must be true or false$/);
    bad(deleteProducerQuerySchema, { force: ['true', 'true'] }, /^force must be true or false$/);
    bad(deleteProducerQuerySchema, { forse: 'true' }, /^Unknown query parameter\(s\): forse$/);
  });
});

describe('consumer subscription statuses (PUT /consumers/:id/subscriptions)', () => {
  const S = setConsumerSubscriptionsSchema;
  test('valid', () => {
    ok(S, { subscriptions: [{ contentType: CUSTOMER, status: 'Approved' }] });
    ok(S, { subscriptions: ['Pending', 'Approved', 'Rejected'].map((status, i) => ({ contentType: `api::t${i}.t${i}`, status })) });
  });
  test('the list', () => {
    const msg = /^subscriptions must be a non-empty list of \{contentType, status\}/;
    for (const v of [undefined, null, 'Approved', [], {}]) bad(S, { subscriptions: v }, msg);
    bad(S, {}, msg);
    bad(S, { subscriptions: Array.from({ length: 201 }, (_, i) => ({ contentType: `api::t${i}.t${i}`, status: 'Approved' })) }, msg);
    bad(
      S,
      {
        subscriptions: [
          { contentType: CUSTOMER, status: 'Approved' },
          { contentType: CUSTOMER, status: 'Rejected' },
        ],
      },
      /twice/
    );
  });
  test('each entry', () => {
    bad(
      S,
      { subscriptions: [{ contentType: CUSTOMER, status: 'Maybe' }] },
      /^subscriptions\[0\]\.status must be one of Pending, Approved, Rejected$/
    );
    bad(S, { subscriptions: [{ contentType: CUSTOMER }] }, /^subscriptions\[0\]\.status must be one of/);
    bad(S, { subscriptions: [{ status: 'Approved' }] }, /^subscriptions\[0\]\.contentType is required$/);
    bad(S, { subscriptions: [{ contentType: 5, status: 'Approved' }] }, /^subscriptions\[0\]\.contentType is required/);
    bad(S, { subscriptions: [{ contentType: MB, status: 'Approved' }] }, /contentType is required/);
    bad(
      S,
      {
        subscriptions: [
          { contentType: CUSTOMER, status: 'Rejected' },
          { contentType: 'api::item.item', status: 'Nope' },
        ],
      },
      /^subscriptions\[1\]\.status must be one of/
    );
    bad(S, { subscriptions: [null] }, /^subscriptions\[0\] must be an object/);
  });
  test('unknown keys', () => {
    bad(
      S,
      { subscriptions: [{ contentType: CUSTOMER, status: 'Approved', approvedAtSeq: 0 }] },
      /^subscriptions\[0\] has unknown field\(s\): approvedAtSeq$/
    );
    bad(S, { subscriptions: [{ contentType: CUSTOMER, status: 'Approved' }], force: true }, /^Unknown field\(s\): force$/);
    bad(S, withProto('{"subscriptions": [], "__proto__": {}}'), /Unknown field\(s\): __proto__/);
  });
});

describe('Document Type Mapping body (POST/PUT /mappings)', () => {
  const map = (extra: Record<string, unknown> = {}) => ({
    mappingName: 'customer-map',
    localContentType: CUSTOMER,
    remoteContentType: 'api::person.person',
    fieldMappings: [{ localField: 'name', remoteField: 'fullName' }],
    ...extra,
  });
  const fm = (extra: Record<string, unknown>) => map({ fieldMappings: [{ localField: 'name', remoteField: 'name', ...extra }] });

  test('valid, minimal and full', () => {
    ok(mappingSchema, map());
    ok(mappingSchema, map({ remoteContentType: 'shared.address' }));
    ok(
      mappingSchema,
      map({
        fieldMappings: [
          { localField: 'name', remoteField: null, defaultValue: 'n/a', mappingType: 'none', mapping: null, remoteValueFilters: null },
          { localField: 'address', remoteField: 'addr', mappingType: 'component', mapping: 'address-map' },
          {
            localField: 'owner',
            remoteField: 'owner',
            mappingType: 'relation',
            mapping: null,
            defaultValue: 3,
            remoteValueFilters: { active: true },
          },
        ],
      })
    );
  });
  test('mappingName', () => {
    const msg = /^mappingName must be 1-100 letters, digits, spaces, dots, dashes or underscores$/;
    for (const v of ['../../etc', 5, '', 'a'.repeat(101), MB, 'name;drop', undefined]) bad(mappingSchema, map({ mappingName: v }), msg);
    ok(mappingSchema, map({ mappingName: 'Name with spaces_1.0-b' }));
  });
  test('local and remote types', () => {
    bad(mappingSchema, map({ localContentType: 5 }), /^localContentType must be a content type or component UID$/);
    bad(mappingSchema, map({ localContentType: MB }), /^localContentType must be/);
    ok(mappingSchema, map({ localContentType: 'api::nope.nope' })); // existence is the service's rule
    for (const v of ['DROP TABLE', 5, '', `api::${'a'.repeat(300)}.a`])
      bad(mappingSchema, map({ remoteContentType: v }), /^remoteContentType must be a content type UID/);
  });
  test('fieldMappings: 1 to 200 entries, each local field once', () => {
    const msg = /^fieldMappings must be a list of 1 to 200 entries$/;
    for (const v of [[], 'all', null, undefined, {}]) bad(mappingSchema, map({ fieldMappings: v }), msg);
    bad(mappingSchema, map({ fieldMappings: Array.from({ length: 201 }, (_, i) => ({ localField: `f${i}`, remoteField: 'x' })) }), msg);
    bad(
      mappingSchema,
      map({
        fieldMappings: [
          { localField: 'name', remoteField: 'a' },
          { localField: 'name', remoteField: 'b' },
        ],
      }),
      /^fieldMappings\[1\]\.localField name is mapped twice$/
    );
  });
  test('each field mapping', () => {
    bad(mappingSchema, map({ fieldMappings: ['x'] }), /^fieldMappings\[0\] must be an object$/);
    bad(mappingSchema, fm({ localField: 5 }), /^fieldMappings\[0\]\.localField must be a field name$/);
    bad(mappingSchema, fm({ remoteField: 'a.b;c' }), /^fieldMappings\[0\]\.remoteField must be a field name$/);
    bad(mappingSchema, fm({ remoteField: 'a'.repeat(101) }), /remoteField must be a field name/);
    bad(
      mappingSchema,
      fm({ mappingType: 'eval' }),
      /^fieldMappings\[0\]\.mappingType must be one of none, component, relation, dynamiczone$/
    );
    bad(mappingSchema, fm({ mapping: 5 }), /^fieldMappings\[0\]\.mapping must be a mapping name$/);
    bad(mappingSchema, fm({ remoteValueFilters: [] }), /^fieldMappings\[0\]\.remoteValueFilters must be an object of field: value$/);
    bad(mappingSchema, fm({ remoteValueFilters: 'x' }), /remoteValueFilters must be an object/);
    const manyKeys = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    bad(mappingSchema, fm({ remoteValueFilters: manyKeys }), /remoteValueFilters must be an object of at most 50/);
    bad(mappingSchema, fm({ remoteValueFilters: { a: MB } }), /remoteValueFilters must be an object of at most 50/);
    bad(mappingSchema, fm({ defaultValue: MB }), /^fieldMappings\[0\]\.defaultValue is too large/);
    bad(mappingSchema, fm({ id: 3 }), /^fieldMappings\[0\] has unknown field\(s\): id$/);
  });
  test('structural rules of a field mapping', () => {
    bad(mappingSchema, fm({ remoteField: null }), /^fieldMappings\[0\]: name needs a remoteField or a defaultValue$/);
    bad(mappingSchema, fm({ remoteField: '' }), /needs a remoteField or a defaultValue/);
    ok(mappingSchema, fm({ remoteField: null, defaultValue: false }));
    bad(mappingSchema, fm({ mappingType: 'component' }), /^fieldMappings\[0\]: a component mapping needs an inner mapping$/);
    bad(
      mappingSchema,
      fm({ mappingType: 'relation' }),
      /^fieldMappings\[0\]: a relation mapping needs an inner mapping or a default value$/
    );
    ok(mappingSchema, fm({ mappingType: 'relation', defaultValue: 1 }));
  });
  test('unknown keys and hostile bodies', () => {
    bad(mappingSchema, map({ id: 1 }), /^Unknown field\(s\): id$/);
    bad(mappingSchema, [map()], /^The body must be a JSON object$/);
    bad(mappingSchema, withProto('{"__proto__": {"polluted": 1}}'), /Unknown field\(s\): __proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('site-to-site registration (POST /register)', () => {
  const reg = (extra: Record<string, unknown> = {}) => ({
    siteId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    name: 'Consumer',
    callbackUrl: null,
    subscriptions: [{ contentType: CUSTOMER }],
    ...extra,
  });
  test('valid; an empty list is structurally fine (the service decides)', () => {
    ok(registerSchema, reg());
    ok(registerSchema, reg({ callbackUrl: 'http://127.0.0.1:9', callbackToken: 't'.repeat(40) }));
    ok(registerSchema, reg({ callbackUrl: undefined, callbackToken: undefined }));
    ok(registerSchema, reg({ subscriptions: [] }));
  });
  test('siteId and name', () => {
    for (const v of [12345678, '../../etc/passwd', 'a'.repeat(65), 'short', MB])
      bad(registerSchema, reg({ siteId: v }), /^siteId must be 8-64 letters, digits or dashes$/);
    for (const v of [[], '   ', 'n'.repeat(201), undefined, MB])
      bad(registerSchema, reg({ name: v }), /^name must be a non-empty string of at most 200 characters$/);
  });
  test('callback URL and token', () => {
    bad(registerSchema, reg({ callbackUrl: {} }), /^callbackUrl must be a non-empty URL/);
    bad(registerSchema, reg({ callbackUrl: 12345, callbackToken: 'x'.repeat(40) }), /^callbackUrl must be a non-empty URL/);
    bad(
      registerSchema,
      reg({ callbackUrl: `http://h/${MB}`, callbackToken: 'x'.repeat(40) }),
      /callbackUrl is too long \(\d+ characters; at most 2048\)/
    );
    bad(registerSchema, reg({ callbackUrl: 'http://127.0.0.1:9' }), /^callbackToken is required with a callbackUrl$/);
    bad(registerSchema, reg({ callbackUrl: 'http://127.0.0.1:9', callbackToken: '' }), /callbackToken/);
    bad(
      registerSchema,
      reg({ callbackUrl: 'http://127.0.0.1:9', callbackToken: 42 }),
      /^callbackToken must be a string of at most 1024 characters$/
    );
    bad(registerSchema, reg({ callbackToken: 'x'.repeat(1025) }), /^callbackToken must be a string of at most 1024/);
  });
  test('subscriptions', () => {
    const msg = /^subscriptions must be a list of 1 to 200 entries/;
    bad(registerSchema, reg({ subscriptions: CUSTOMER }), msg);
    bad(registerSchema, reg({ subscriptions: undefined }), msg);
    bad(registerSchema, reg({ subscriptions: Array.from({ length: 201 }, (_, i) => ({ contentType: `api::t${i}.t${i}` })) }), /1 to 200/);
    bad(registerSchema, reg({ subscriptions: [{ contentType: 5 }] }), /^subscriptions\[0\]\.contentType must be a content type UID$/);
    bad(registerSchema, reg({ subscriptions: [null] }), /^subscriptions\[0\]\.contentType must be a content type UID$/);
    bad(registerSchema, reg({ subscriptions: [{ contentType: MB }] }), /contentType must be a content type UID/);
    bad(
      registerSchema,
      reg({ subscriptions: [{ contentType: CUSTOMER }, { contentType: CUSTOMER }] }),
      /^subscriptions list a content type twice$/
    );
    ok(registerSchema, reg({ subscriptions: [{ contentType: '../../etc/passwd' }] })); // not streamable: the service's message
  });
  test('unknown keys', () => {
    bad(registerSchema, reg({ isAdmin: true }), /^Unknown field\(s\): isAdmin$/);
    bad(
      registerSchema,
      reg({ subscriptions: [{ contentType: CUSTOMER, status: 'Approved' }] }),
      /^subscriptions\[0\] has unknown field\(s\): status$/
    );
    bad(registerSchema, [reg()], /^The body must be a JSON object$/);
  });
});

describe('notify body (POST /notify)', () => {
  test('siteId required and bounded; headSeq optional', () => {
    ok(notifySchema, { siteId: 'abc-123' });
    ok(notifySchema, { siteId: 'abc-123', headSeq: 0 });
    for (const v of [{}, { siteId: 5 }, { siteId: 'x'.repeat(65) }, { siteId: '' }, [{ siteId: 'abc' }], null])
      bad(notifySchema, v, /^siteId is required/);
    bad(notifySchema, { siteId: 'abc', headSeq: -1 }, /^headSeq must be a non-negative integer$/);
    bad(notifySchema, { siteId: 'abc', headSeq: 1.5 }, /^headSeq must be a non-negative integer$/);
    bad(notifySchema, { siteId: 'abc', headSeq: '5' }, /^headSeq must be a non-negative integer$/);
    bad(notifySchema, { siteId: 'abc', extra: 1 }, /^Unknown field\(s\): extra$/);
  });
});

describe('query strings and route parameters', () => {
  test('id: a positive integer of at most 9 digits', () => {
    ok(idParamsSchema, { id: '1' });
    ok(idParamsSchema, { id: '999999999' });
    for (const v of ['abc', '-1', '0', '1e3', '1.5', '9'.repeat(10), '9'.repeat(30), '', undefined, ' 1'])
      bad(idParamsSchema, { id: v }, /^id must be a positive integer$/);
  });
  test('page and pageSize (a large pageSize is capped by the controller, not refused)', () => {
    ok(updateLogsQuerySchema, { page: '2', pageSize: '10000' });
    ok(updateLogsQuerySchema, { page: '', pageSize: '' });
    for (const v of ['0', '-1', 'abc', '1e9', '1234567', ['1', '2']]) {
      bad(updateLogsQuerySchema, { pageSize: v }, /^pageSize must be a positive integer$/);
      bad(syncLogsQuerySchema, { page: v }, /^page must be a positive integer$/);
    }
  });
  test('filters: one bounded value, enumerations checked, operators refused', () => {
    ok(updateLogsQuerySchema, { contentType: CUSTOMER, updateType: 'Create', documentId: 'abc' });
    ok(syncLogsQuerySchema, { status: 'Failed', producerId: '3', contentType: CUSTOMER });
    ok(syncLogsQuerySchema, { status: '' });
    bad(updateLogsQuerySchema, { updateType: 'Drop' }, /^updateType must be one of Create, Update, Delete$/);
    bad(updateLogsQuerySchema, { contentType: ['a', 'b'] }, /^contentType must be a single value$/);
    bad(updateLogsQuerySchema, { documentId: 'd'.repeat(300) }, /^documentId must be a single value$/);
    bad(syncLogsQuerySchema, { status: 'Deleted' }, /^status must be one of Synced, Failed, Blocked, AwaitingReview, Rejected$/);
    bad(syncLogsQuerySchema, { status: { $ne: 'Synced' } }, /^status must be a single value$/);
    bad(syncLogsQuerySchema, { producerId: 'abc' }, /^producerId must be a positive integer$/);
    bad(syncLogsQuerySchema, { producerId: '0' }, /^producerId must be a positive integer$/);
    bad(syncLogsQuerySchema, { producerId: { $gt: '0' } }, /^producerId must be a single value$/);
    bad(syncLogsQuerySchema, { sort: 'id:desc' }, /^Unknown query parameter\(s\): sort$/);
  });
  test('resync-failed body', () => {
    ok(resyncFailedSchema, {});
    ok(resyncFailedSchema, { producerId: 3 });
    for (const v of ['x', -3, 0, 1.5, '3', 1e12]) bad(resyncFailedSchema, { producerId: v }, /^producerId must be a positive integer$/);
    bad(resyncFailedSchema, { all: true }, /^Unknown field\(s\): all$/);
  });
  test('document origin', () => {
    ok(documentOriginQuerySchema, { contentType: CUSTOMER, documentId: 'abc' });
    expect(failures(documentOriginQuerySchema, {})).toEqual(['contentType and documentId are required']);
    bad(documentOriginQuerySchema, { contentType: { $ne: 'x' }, documentId: 'a' }, /^contentType must be a single value$/);
  });
  test('cursors: after is a non-negative integer up to 2^31-1; limit a positive integer', () => {
    ok(pageQuerySchema, {});
    ok(pageQuerySchema, { after: '0', limit: '10000' });
    ok(pageQuerySchema, { after: String(MAX_CURSOR) });
    for (const v of ['-1', 'abc', '1e9', '1.5', '\u0000', '99999999999', MB])
      bad(pageQuerySchema, { after: v }, /^after must be a non-negative integer, got /);
    bad(pageQuerySchema, { after: String(MAX_CURSOR + 1) }, /^after is out of range$/);
    bad(pageQuerySchema, { after: { a: '1' } }, /^after must be a non-negative integer$/);
    for (const v of ['0', '-5', 'abc', '9999999', ['1']]) bad(pageQuerySchema, { limit: v }, /^limit must be a positive integer$/);
    const [msg] = failures(pageQuerySchema, { after: MB });
    expect(msg.length).toBeLessThan(100);
  });
  test('locale and via', () => {
    ok(fetchDocumentQuerySchema, { locale: 'fr-FR', via: '[]' });
    ok(fetchDocumentQuerySchema, { locale: '' });
    for (const v of ['en;DROP', { x: 'en' }, 'e', MB])
      bad(fetchDocumentQuerySchema, { locale: v }, /^locale must be a locale code such as en or fr-FR$/);
    bad(fetchDocumentQuerySchema, { via: 'a'.repeat(4001) }, /^via must be a JSON list/);
    bad(fetchFileQuerySchema, { via: ['[]', '[]'] }, /^via must be a JSON list/);
    ok(fetchFileQuerySchema, { via: 'a'.repeat(4000) }); // its structure is protocol/via.ts's
  });
  test('document and file ids in the path', () => {
    ok(documentParamsSchema, { uid: CUSTOMER, documentId: 'abc_DEF-1' });
    for (const v of ['../../etc/passwd', 'abc\u0000def', 'a'.repeat(5000), "abc' OR 1=1"])
      bad(documentParamsSchema, { uid: CUSTOMER, documentId: v }, /^documentId is malformed$/);
    bad(documentParamsSchema, { uid: 'a'.repeat(3000), documentId: 'abc' }, /^Unknown content type/);
    bad(fileParamsSchema, { fileId: '../../etc/passwd' }, /^file id is malformed$/);
    bad(fileParamsSchema, { fileId: 'a'.repeat(5000) }, /^file id is malformed$/);
  });
});

describe('schemaIssues / schemaMessage', () => {
  const issuesOf = (schema: Schema, value: unknown) => {
    try {
      check(schema, value);
    } catch (error) {
      if (isSchemaError(error)) return schemaIssues(error);
    }
    throw new Error('expected a failure');
  };
  test('each issue names its field as a path list', () => {
    expect(issuesOf(setConsumerSubscriptionsSchema, { subscriptions: [{ contentType: CUSTOMER, status: 'x' }] })).toEqual([
      { path: ['subscriptions', '0', 'status'], message: 'subscriptions[0].status must be one of Pending, Approved, Rejected' },
    ]);
    expect(issuesOf(backfillSchema, { x: 1 })).toEqual([{ path: [], message: 'Unknown field(s): x' }]);
  });
  test('one line: the first failure, then the others; at most 20 issues', () => {
    const issues = issuesOf(createProducerSchema, { producerUrl: 5, apiToken: 5, subscriptions: [] });
    expect(schemaMessage(issues)).toMatch(
      /^producerUrl must be a non-empty URL.* \(and 2 more: apiToken must be .*; subscriptions must be/
    );
    const many = issuesOf(mappingSchema, {
      mappingName: 'm',
      localContentType: CUSTOMER,
      remoteContentType: CUSTOMER,
      fieldMappings: Array.from({ length: 100 }, (_, i) => ({ localField: `f${i}`, mappingType: `bad${i}` })),
    });
    expect(many).toHaveLength(20);
  });
});

test('LIMITS bound every kind of string', () => {
  expect(Object.values(LIMITS).every((n) => Number.isInteger(n) && n > 0 && n <= 10_000)).toBe(true);
});

test('a Strapi ValidationError is not mistaken for a yup one (both are named ValidationError)', () => {
  expect(isSchemaError(new errors.ValidationError('x'))).toBe(false);
});
