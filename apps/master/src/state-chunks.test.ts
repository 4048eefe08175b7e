import fc from 'fast-check';
import { ChunkedList } from './state-chunks';

function text(list: ChunkedList<string>, render: (k: string) => string = (k) => JSON.stringify(k)): string {
  const out: Buffer[] = [];
  list.pieces(0, render, out);
  return `[${Buffer.concat(out).toString('utf8')}]`;
}

describe('ChunkedList', () => {
  it('keeps Map order and joins the items of every chunk', () => {
    const list = new ChunkedList<string>(2);
    for (const k of ['a', 'b', 'c', 'd', 'e']) list.add(k);
    expect(JSON.parse(text(list))).toEqual(['a', 'b', 'c', 'd', 'e']);
    list.delete('c');
    list.delete('d');
    list.add('c');
    expect([...list.keys()]).toEqual(['a', 'b', 'e', 'c']);
    expect(JSON.parse(text(list))).toEqual(['a', 'b', 'e', 'c']);
  });

  it('re-renders only the chunk of a touched key', () => {
    const list = new ChunkedList<string>(2);
    for (const k of ['a', 'b', 'c', 'd']) list.add(k);
    const rendered: string[] = [];
    const render = (k: string): string => {
      rendered.push(k);
      return JSON.stringify(k);
    };
    text(list, render);
    rendered.length = 0;
    list.touch('c');
    text(list, render);
    expect(rendered).toEqual(['c', 'd']);
    rendered.length = 0;
    text(list, render);
    expect(rendered).toEqual([]);
  });

  it('refuses a chunk size below 1', () => {
    expect(() => new ChunkedList(0)).toThrow('Invalid chunkSize 0');
  });

  it('equals a Map under random adds, deletes and touches', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.tuple(fc.constantFrom('add', 'delete', 'touch'), fc.integer({ min: 0, max: 12 }))), (size, ops) => {
        const list = new ChunkedList<string>(size);
        const map = new Map<string, number>();
        const values = new Map<string, number>();
        let version = 0;
        for (const [op, n] of ops) {
          const k = `k${n}`;
          if (op === 'add') {
            list.add(k);
            if (!map.has(k)) map.set(k, 0);
            values.set(k, ++version);
          } else if (op === 'delete') {
            expect(list.delete(k)).toBe(map.delete(k));
          } else if (map.has(k)) {
            values.set(k, ++version);
            list.touch(k);
          }
          const render = (key: string): string => JSON.stringify([key, values.get(key)]);
          expect(JSON.parse(text(list, render))).toEqual([...map.keys()].map((key) => [key, values.get(key)]));
          expect(list.size).toBe(map.size);
        }
      }),
    );
  });
});
