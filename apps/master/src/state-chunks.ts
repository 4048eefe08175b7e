/**
 * A keyed, ordered list kept in chunks, each chunk caching its items' JSON texts joined (as one Buffer per view).
 * The polled endpoints hold their big arrays (agents, a framework's tasks) this way: a change to one item clears
 * one chunk, so the next answer re-joins a few hundred cached texts instead of re-encoding the whole array, and
 * unchanged chunks go to the socket as the same Buffers again.
 *
 * Order is insertion order, as a `Map`'s: a key added again stays where it is; a key deleted and added again goes
 * to the end (new keys always go to the last chunk, so emptied space in earlier chunks is not reused).
 */

const COMMA = Buffer.from(',');

class Chunk<K> {
  readonly keys = new Set<K>();
  /** One joined text per view; undefined when an item of the chunk changed since it was made. */
  buffers: (Buffer | undefined)[] = [];

  clear(): void {
    if (this.buffers.length > 0) this.buffers = [];
  }
}

/** See the module comment. `K` is compared by identity (`Map` semantics). */
export class ChunkedList<K> {
  private readonly chunks: Chunk<K>[] = [];
  private readonly where = new Map<K, Chunk<K>>();
  private readonly chunkSize: number;

  /** @param chunkSize items per chunk (>= 1): smaller re-joins less after a change, larger writes fewer pieces. */
  constructor(chunkSize = 256) {
    if (!(chunkSize >= 1)) throw new RangeError(`Invalid chunkSize ${chunkSize}: must be at least 1`);
    this.chunkSize = chunkSize;
  }

  get size(): number {
    return this.where.size;
  }

  has(key: K): boolean {
    return this.where.has(key);
  }

  /** Adds `key` at the end, or, if present, marks its text changed. */
  add(key: K): void {
    const at = this.where.get(key);
    if (at !== undefined) {
      at.clear();
      return;
    }
    let last = this.chunks[this.chunks.length - 1];
    if (last === undefined || last.keys.size >= this.chunkSize) {
      last = new Chunk<K>();
      this.chunks.push(last);
    }
    last.keys.add(key);
    last.clear();
    this.where.set(key, last);
  }

  /** Marks the text of `key` changed (nothing if absent). */
  touch(key: K): void {
    this.where.get(key)?.clear();
  }

  /** Removes `key`; false if it was not there. */
  delete(key: K): boolean {
    const at = this.where.get(key);
    if (at === undefined) return false;
    at.keys.delete(key);
    at.clear();
    this.where.delete(key);
    // No empty chunks: `pieces` relies on every chunk giving text.
    if (at.keys.size === 0) this.chunks.splice(this.chunks.indexOf(at), 1);
    return true;
  }

  /** Forgets every key and every cached text. */
  clear(): void {
    this.chunks.length = 0;
    this.where.clear();
  }

  /** Every key, in order. */
  *keys(): IterableIterator<K> {
    for (const chunk of this.chunks) yield* chunk.keys;
  }

  /**
   * Appends the items' texts for `view`, comma-separated, to `out` (a chunk's text is made with `render` only when
   * it changed since last time). `view` selects one of several renderings kept side by side (e.g. an agent with and
   * without its `*_full` resources).
   */
  pieces(view: number, render: (key: K) => string, out: Buffer[]): void {
    let first = true;
    for (const chunk of this.chunks) {
      let buffer = chunk.buffers[view];
      if (buffer === undefined) {
        const texts: string[] = [];
        for (const key of chunk.keys) texts.push(render(key));
        buffer = Buffer.from(texts.join(','), 'utf8');
        chunk.buffers[view] = buffer;
      }
      if (!first) out.push(COMMA);
      out.push(buffer);
      first = false;
    }
  }
}
