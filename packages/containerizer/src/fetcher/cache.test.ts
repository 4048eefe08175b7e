import { FetcherCache, type CacheEntry } from './cache';

function setup(capacity: number) {
  const removed: string[] = [];
  const cache = new FetcherCache(capacity, async (path) => {
    removed.push(path);
  });
  const add = (key: string, bytes: number): CacheEntry => {
    const entry = cache.create(key, '/cache', `${key}.bin`);
    const reserved = cache.reserve(entry, bytes);
    if (!reserved.ok) throw new Error(reserved.reason);
    entry.complete = true;
    return entry;
  };
  return { cache, removed, add };
}

describe('FetcherCache', () => {
  it('names files with a serial and a short piece of the basename, extension kept', () => {
    const { cache } = setup(100);
    const a = cache.create('k1', '/c', 'a-very-long-file-name-for-testing.tar.gz');
    const b = cache.create('k2', '/c', 'x y.zip');
    expect(a.path).toBe('/c/c1-a-very-lon_ing.tar.gz');
    expect(b.path).toBe('/c/c2-x_y.zip');
  });

  it('evicts the least recently used unreferenced entries to make room', () => {
    const { cache, removed, add } = setup(100);
    const a = add('a', 40);
    add('b', 40);
    cache.get('a'); // a is now more recent than b
    const c = cache.create('c', '/cache', 'c.bin');
    const reserved = cache.reserve(c, 50);
    expect(reserved.ok).toBe(true);
    expect(removed).toEqual(['/cache/c2-b.bin']);
    expect(cache.used).toBe(90);
    expect(cache.contains(a)).toBe(true);
  });

  it('never evicts referenced or incomplete entries, and evicts nothing when it cannot make room', () => {
    const { cache, removed, add } = setup(100);
    const a = add('a', 60);
    a.refs = 1;
    const pending = cache.create('p', '/cache', 'p.bin');
    expect(cache.reserve(pending, 30).ok).toBe(true); // incomplete from here on
    add('small', 10);
    const big = cache.create('big', '/cache', 'big.bin');
    const outcome = cache.reserve(big, 40);
    expect(outcome.ok).toBe(false);
    expect(removed).toEqual([]);
    expect(cache.used).toBe(100);
    a.refs = 0;
    expect(cache.reserve(big, 40).ok).toBe(true);
    expect(removed).toEqual(['/cache/c1-a.bin']);
    expect(cache.used).toBe(80);
  });

  it('refuses a file larger than the whole cache', () => {
    const { cache } = setup(10);
    const e = cache.create('e', '/cache', 'e');
    expect(cache.reserve(e, 11)).toEqual({ ok: false, reason: '11 bytes exceed the cache size of 10 bytes' });
  });

  it('adjusts to the real size in both directions', () => {
    const { cache, add } = setup(100);
    const a = add('a', 50);
    expect(cache.adjust(a, 30).ok).toBe(true);
    expect(cache.used).toBe(30);
    expect(cache.adjust(a, 70).ok).toBe(true);
    expect(cache.used).toBe(70);
    const b = add('b', 30);
    expect(cache.adjust(a, 90)).toEqual({ ok: true, evicted: [b] }); // growing evicts b
    expect(cache.used).toBe(90);
    expect(cache.adjust(a, 101).ok).toBe(false); // nothing left to evict
    expect(cache.used).toBe(90);
  });

  it('remove releases space and is idempotent', () => {
    const { cache, removed, add } = setup(100);
    const a = add('a', 50);
    cache.remove(a);
    cache.remove(a);
    expect(cache.used).toBe(0);
    expect(cache.size).toBe(0);
    expect(removed).toEqual(['/cache/c1-a.bin']);
  });
});
