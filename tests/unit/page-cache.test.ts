import { PageCache } from '../../server/src/engine/page-cache';

const opts = { ttlMs: 1000, maxEntries: 3, maxChars: 400 };
const key = (after: number, head: number, types = ['api::a.a']) =>
  PageCache.key({ epoch: 'e1', after, head, types, limit: 100, maxChars: null });

describe('PageCache (engine/page-cache.ts)', () => {
  it('answers the same key within the TTL, and not after it', () => {
    const c = new PageCache<string>(opts);
    c.seeHead('e1', 10);
    c.set(key(5, 10), 'page', 10, 1000);
    expect(c.get(key(5, 10), 1500)).toBe('page');
    expect(c.get(key(5, 10), 2001)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('keys by every input of the page (types in any order are the same page)', () => {
    const base = { epoch: 'e1', after: 1, head: 2, types: ['b', 'a'], limit: 10, maxChars: 100 };
    expect(PageCache.key(base)).toBe(PageCache.key({ ...base, types: ['a', 'b'] }));
    for (const other of [{ epoch: 'e2' }, { after: 0 }, { head: 3 }, { types: ['a'] }, { limit: 11 }, { maxChars: null }]) {
      expect(PageCache.key({ ...base, ...other })).not.toBe(PageCache.key(base));
    }
  });

  it('forgets everything when the head goes back (a restore) or the epoch changes', () => {
    const c = new PageCache<string>(opts);
    c.seeHead('e1', 10);
    c.set(key(5, 10), 'page', 10, 0);
    c.seeHead('e1', 12); // the log moved on: old pages stay true
    expect(c.get(key(5, 10), 1)).toBe('page');
    c.seeHead('e1', 9); // restored below a head seen before
    expect(c.get(key(5, 10), 1)).toBeUndefined();
    c.set(key(5, 9), 'again', 10, 1);
    c.seeHead('e2', 9);
    expect(c.size).toBe(0);
  });

  it('is bounded by entries and by characters, oldest out first; a big page is not kept', () => {
    const c = new PageCache<number>(opts);
    c.seeHead('e1', 100);
    for (let i = 0; i < 5; i += 1) c.set(key(i, 100), i, 10, i);
    expect(c.size).toBe(3);
    expect(c.get(key(0, 100), 5)).toBeUndefined();
    expect(c.get(key(4, 100), 5)).toBe(4);
    c.set(key(50, 100), 50, 101, 6); // > maxChars / 4
    expect(c.get(key(50, 100), 6)).toBeUndefined();
    const d = new PageCache<number>(opts);
    d.seeHead('e1', 100);
    for (let i = 0; i < 3; i += 1) d.set(key(i, 100), i, 100, i); // 300 chars
    d.set(key(9, 100), 9, 100, 3); // 400: still within
    expect(d.size).toBe(3); // entries bound
    d.set(key(10, 100), 10, 100, 4);
    expect(d.get(key(10, 100), 4)).toBe(10);
    expect(d.size).toBeLessThanOrEqual(3);
  });
});
