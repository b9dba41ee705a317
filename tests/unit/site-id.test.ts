import { resolveSiteId, type SiteIdPorts } from '../../server/src/site/site-id';

/** The database of one site: the plugin store's value and the one-row table (first insert wins). */
function fakeDb(stored: string | null = null) {
  const db = { stored, row: null as string | null, storeWrites: [] as string[] };
  /** Every port yields first, so two boots run step by step, interleaved. */
  const tick = () => new Promise<void>((r) => setImmediate(r));
  const ports: SiteIdPorts = {
    readStored: async () => {
      await tick();
      return db.stored;
    },
    insertIfAbsent: async (siteId) => {
      await tick();
      if (db.row === null) db.row = siteId; // the primary key rejects a second row
    },
    read: async () => {
      await tick();
      return db.row;
    },
    writeStored: async (siteId) => {
      await tick();
      db.stored = siteId;
      db.storeWrites.push(siteId);
    },
  };
  return { db, ports };
}

describe('site id: one per database, whatever the boot order', () => {
  it('two instances booting together on an empty database get the same site id', async () => {
    const { db, ports } = fakeDb();
    let n = 0;
    const newId = () => `uuid-${(n += 1)}`;
    const [a, b] = await Promise.all([resolveSiteId(ports, newId), resolveSiteId(ports, newId)]);
    expect(n).toBe(2); // both proposed one: the interleaving is real
    expect(a).toBe(b);
    expect(db.row).toBe(a);
    expect(db.stored).toBe(a);
  });

  it('keeps the id an earlier version stored in the plugin store', async () => {
    const { db, ports } = fakeDb('legacy-id');
    const ids = await Promise.all([resolveSiteId(ports, () => 'new-1'), resolveSiteId(ports, () => 'new-2')]);
    expect(ids).toStrictEqual(['legacy-id', 'legacy-id']);
    expect(db.storeWrites).toStrictEqual([]);
  });

  it('a later boot reads the same id', async () => {
    const { ports } = fakeDb();
    const first = await resolveSiteId(ports, () => 'first');
    await expect(resolveSiteId(ports, () => 'second')).resolves.toBe(first);
  });
});
