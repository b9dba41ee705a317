/**
 * server/src/site/raw-rows.ts keeps one raw statement on capture's write path (the consumers'
 * subscriptions and a document's row in one round trip) and maps that row the way the Query
 * Engine does (`fromRow` / the field classes' `fromDB`), so that capture's before-read gives the
 * same snapshot as a Query Engine read (otherwise the diff would report unchanged fields).
 *
 * Pinned here against Strapi itself through its public API only: a real `Database` of
 * @strapi/database on SQLite (in memory), a model with every scalar attribute type, rows stored
 * in the shapes the driver hands back, and for each row the result of the raw statement + mapping
 * compared with the Query Engine's own `findOne`. With DATABASE_CLIENT=postgres (the local
 * PostgreSQL that `npm test` sets up) the same tests run there too, with PostgreSQL's shapes
 * (Date objects, numeric strings, parsed jsonb); with DATABASE_CLIENT=mysql on the local MariaDB
 * (JSON as text, 0/1 booleans).
 */
import { Database } from '@strapi/database';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Knex } from 'knex';
import { rowToEntry, selectColumnAndDocumentRow, writeAcknowledgements } from '../../server/src/site/raw-rows';

const UID = 'api::sample.sample';
const TABLE = 'samples';
const CONSUMERS = 'consumers';
const COLS = { documentId: 'document_id', publishedAt: 'published_at' };
const AGG = { table: CONSUMERS, column: 'subscriptions' };
// The acknowledgement columns of the Event Consumer table (content-types/event-consumer).
const ACK_UID = 'plugin::es.ack';
const ACK_TABLE = 'acks';
const ACK_COLS = { id: 'id', ackSeq: 'ack_seq', lastSeenAt: 'last_seen_at' };

const attributes = {
  id: { type: 'increments' },
  documentId: { type: 'string' },
  publishedAt: { type: 'datetime' },
  title: { type: 'string' },
  body: { type: 'text' },
  notes: { type: 'richtext' },
  email: { type: 'email' },
  slug: { type: 'uid' },
  kind: { type: 'enumeration', enum: ['a', 'b'] },
  secret: { type: 'password' },
  meta: { type: 'json' },
  content: { type: 'blocks' },
  count: { type: 'integer' },
  big: { type: 'biginteger' },
  ratio: { type: 'float' },
  price: { type: 'decimal' },
  day: { type: 'date' },
  clock: { type: 'time' },
  at: { type: 'datetime' },
  stamp: { type: 'timestamp' },
  flag: { type: 'boolean' },
  firstName: { type: 'string', columnName: 'given_name' },
} as const;

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const server = process.env.DATABASE_CLIENT;
const clients: string[] = ['sqlite', ...(server === 'postgres' || server === 'mysql' ? [server] : [])];

describe.each(clients)('raw-rows on %s, against the Query Engine of @strapi/database', (client) => {
  let db: Database;
  let pgName: string | undefined;
  let dir: string | undefined;
  const when = new Date('2024-05-06T07:08:09.123Z');

  const combined = (documentId: string, publishedOnly: boolean, dialect = db.dialect.client) =>
    db.connection.transaction((trx: Knex.Transaction) =>
      selectColumnAndDocumentRow(trx, dialect, AGG, TABLE, COLS, documentId, publishedOnly)
    );
  /** The raw statement's row, mapped, next to the Query Engine's findOne of the same document. */
  const both = async (documentId: string, publishedOnly = false) => {
    const res = await combined(documentId, publishedOnly);
    const where = publishedOnly ? { documentId, publishedAt: { $notNull: true } } : { documentId };
    return { raw: rowToEntry(db, UID, res!.row), queryEngine: (await db.query(UID).findOne({ where })) as unknown };
  };

  beforeAll(async () => {
    // A file, not ':memory:' (Strapi's SQLite dialect resolves the name to a path).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-raw-rows-'));
    let connection: Knex.Config['connection'] = { filename: path.join(dir, 'data.db') };
    if (client !== 'sqlite') {
      const helper = require(client === 'mysql' ? '../helpers/mysql' : '../helpers/pg') as { createDatabase(n: string): Promise<string> };
      pgName = `es_test_rawrows_p${process.pid}_${Date.now().toString(36)}`;
      await helper.createDatabase(pgName);
      connection = {
        host: process.env.DATABASE_HOST || '127.0.0.1',
        port: Number(process.env.DATABASE_PORT || (client === 'mysql' ? 3306 : 5432)),
        user: process.env.DATABASE_USERNAME || 'strapi',
        password: process.env.DATABASE_PASSWORD || 'strapi',
        database: pgName,
      };
    }
    db = new Database({
      connection: { client, connection, useNullAsDefault: true, pool: client === 'sqlite' ? { min: 1, max: 1 } : { min: 0, max: 2 } },
      settings: { migrations: { dir: __dirname }, runMigrations: false },
      logger: silent,
    });
    await db.init({
      models: [
        { uid: UID, singularName: 'sample', tableName: TABLE, attributes: { ...attributes } },
        {
          uid: ACK_UID,
          singularName: 'ack',
          tableName: ACK_TABLE,
          attributes: {
            id: { type: 'increments' },
            name: { type: 'string' },
            ackSeq: { type: 'integer' },
            lastSeenAt: { type: 'datetime' },
          },
        },
      ],
    });
    await db.schema.sync();
    await db.connection.schema.createTable(CONSUMERS, (t) => {
      t.increments('id');
      t.jsonb('subscriptions');
    });
  });
  afterAll(async () => {
    await db?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (pgName) {
      const helper = require(client === 'mysql' ? '../helpers/mysql' : '../helpers/pg') as { dropDatabase(n: string): Promise<void> };
      await helper.dropDatabase(pgName);
    }
  });

  it('no consumers: no values; an absent document: no row', async () => {
    await expect(combined('nope', false)).resolves.toEqual({ values: [], row: undefined });
  });

  it('a row the Query Engine wrote: the same entry as its findOne', async () => {
    // createMany: `create` reaches for the global `strapi` (relations), createMany does not.
    await db.query(UID).createMany({
      data: [
        {
          documentId: 'qe1',
          title: 'Title',
          body: 'long text',
          notes: '# md',
          email: 'a@b.c',
          slug: 'a-slug',
          kind: 'b',
          secret: 'x',
          meta: { a: [1, 2], b: { c: null } },
          content: [{ type: 'paragraph', children: [{ type: 'text', text: 'x' }] }],
          count: 7,
          big: '9007199254740993',
          ratio: 1.5,
          price: 10.5,
          day: '2024-05-06',
          clock: '07:08:09.123',
          at: when,
          stamp: when,
          flag: true,
          firstName: 'Ann',
        },
      ],
    });
    const { raw, queryEngine } = await both('qe1');
    expect(queryEngine).toMatchObject({ title: 'Title', firstName: 'Ann', flag: true, meta: { a: [1, 2] } });
    expect(raw).toEqual(queryEngine);
  });

  it('rows stored in other shapes (written raw, as other writers or older rows leave them): the same as findOne', async () => {
    // MySQL refuses ISO text with a zone in a datetime column: the driver's Date there.
    const iso = client === 'mysql' ? when : when.toISOString();
    const rows: Array<Record<string, unknown>> = [
      { document_id: 'r1', title: '', flag: false, count: 0, price: 0, meta: JSON.stringify('plain') },
      { document_id: 'r2', meta: JSON.stringify(JSON.stringify({ twice: true })), content: '[]', big: 12, ratio: -2.25 },
      { document_id: 'r3', meta: JSON.stringify([1, 'two', null]), at: iso, stamp: iso, flag: true },
      { document_id: 'r4' }, // every other column NULL
    ];
    if (client === 'sqlite') {
      // SQLite keeps what it is given: text where the Query Engine writes numbers, 0/1 booleans,
      // epoch milliseconds for datetimes, text that is not JSON in a json column.
      rows.push(
        { document_id: 's1', meta: 'not json', flag: '1', count: '2', at: when.getTime(), stamp: when.getTime(), big: ' 42 ' },
        { document_id: 's2', meta: '"\\"twice\\""', flag: '0', at: '2024-05-06 07:08:09', stamp: 'garbage', big: 'x1', price: '10.50' }
      );
    }
    await db.connection(TABLE).insert(rows);
    for (const { document_id: documentId } of rows) {
      const { raw, queryEngine } = await both(String(documentId));
      expect([documentId, raw]).toEqual([documentId, queryEngine]);
    }
  });

  it('publishedOnly (Draft & Publish): the published row, or none when only a draft exists', async () => {
    await db.query(UID).createMany({ data: [{ documentId: 'dp', title: 'draft', publishedAt: null }] });
    await expect(combined('dp', true)).resolves.toMatchObject({ row: undefined });
    await db.query(UID).createMany({ data: [{ documentId: 'dp', title: 'published', publishedAt: when }] });
    const { raw, queryEngine } = await both('dp', true);
    expect(raw).toMatchObject({ title: 'published' });
    expect(raw).toEqual(queryEngine);
  });

  it("every consumer's subscriptions, as stored (JSON text on SQLite and MariaDB, parsed on PostgreSQL)", async () => {
    const subs = [{ contentType: 'api::a.a', status: 'Approved' }];
    await db.connection(CONSUMERS).insert([{ subscriptions: JSON.stringify(subs) }, { subscriptions: null }]);
    const res = await combined('qe1', false);
    expect(res!.values.map((v) => (typeof v === 'string' ? JSON.parse(v) : v))).toEqual([subs, null]);
    expect(res!.row).not.toHaveProperty('__es_agg');
    expect(rowToEntry(db, UID, res!.row)).toEqual(await db.query(UID).findOne({ where: { documentId: 'qe1' } }));
  });

  it('a dialect without the JSON aggregate here: null (the caller asks the Query Engine instead)', async () => {
    await expect(combined('qe1', false, 'mssql')).resolves.toBeNull();
  });

  it('acknowledgements of many consumers in one statement: each row as the Query Engine updateMany would leave it', async () => {
    const t0 = new Date('2024-01-02T03:04:05.678Z');
    const t1 = new Date('2024-06-07T08:09:10.111Z');
    const names = ['ahead', 'none', 'behind', 'same', 'untouched', 'qe'];
    await db.query(ACK_UID).createMany({
      data: [
        { name: 'ahead', ackSeq: 5, lastSeenAt: t0 },
        { name: 'none', ackSeq: null, lastSeenAt: null },
        { name: 'behind', ackSeq: 10, lastSeenAt: t0 },
        { name: 'same', ackSeq: 4, lastSeenAt: t0 },
        { name: 'untouched', ackSeq: 3, lastSeenAt: t0 },
        { name: 'qe', ackSeq: 1, lastSeenAt: t0 },
      ],
    });
    const rows = async () => {
      const all = (await db.query(ACK_UID).findMany({ orderBy: { id: 'asc' } })) as Array<{
        id: number;
        name: string;
        ackSeq: number | null;
        lastSeenAt: unknown;
      }>;
      return Object.fromEntries(all.map((r) => [r.name, r]));
    };
    const before = await rows();
    expect(Object.keys(before)).toEqual(names);
    const id = (n: string) => before[n].id;
    await db.connection.transaction((trx: Knex.Transaction) =>
      writeAcknowledgements(trx, ACK_TABLE, ACK_COLS, [
        { id: id('ahead'), ackSeq: 7, seenAt: t1 },
        { id: id('none'), ackSeq: 2, seenAt: t1 },
        { id: id('behind'), ackSeq: 9, seenAt: t1 }, // lower than stored: nothing moves
        { id: id('same'), ackSeq: 4, seenAt: t1 }, // equal: seen again
      ])
    );
    // The one-row write it replaces (consumer-store.ts before), for the stored date's shape.
    await db
      .query(ACK_UID)
      .updateMany({ where: { id: id('qe'), $or: [{ ackSeq: { $lte: 8 } }, { ackSeq: null }] }, data: { ackSeq: 8, lastSeenAt: t1 } });
    const after = await rows();
    const view = (n: string) => ({ ackSeq: after[n].ackSeq, lastSeenAt: after[n].lastSeenAt });
    expect(view('ahead')).toEqual({ ackSeq: 7, lastSeenAt: after.qe.lastSeenAt });
    expect(view('none')).toEqual({ ackSeq: 2, lastSeenAt: after.qe.lastSeenAt });
    expect(view('behind')).toEqual({ ackSeq: 10, lastSeenAt: before.behind.lastSeenAt });
    expect(view('same')).toEqual({ ackSeq: 4, lastSeenAt: after.qe.lastSeenAt });
    expect(view('untouched')).toEqual({ ackSeq: 3, lastSeenAt: before.untouched.lastSeenAt });
    expect(new Date(String(after.qe.lastSeenAt)).getTime()).toBe(t1.getTime());
    await expect(writeAcknowledgements(db.connection, ACK_TABLE, ACK_COLS, [])).resolves.toBeUndefined();
  });
});
