/**
 * The fetcher cache's bookkeeping (Mesos's `FetcherProcess::Cache`): which cache file holds which `user@uri`, how
 * many bytes each takes, which ones are in use, and which to evict, least recently used first, to make room for a
 * new one. It does no I/O itself: removing a file is the injected `removeFile`, so the accounting is testable alone.
 *
 * Invariants: `used` is the sum of the reserved sizes of the entries in the table and never exceeds `capacity`;
 * an entry with references (a fetch downloading, waiting for or copying it) is never evicted.
 */
import { join } from 'node:path';

/** One cached download. */
export class CacheEntry {
  /** Bytes reserved for the file; 0 until its size is known and reserved. */
  size = 0;
  /** Fetches using it: downloading, waiting for the download, or copying from it. */
  refs = 0;
  /** Set once the file is complete; only then may another fetch read it, and only then may it be evicted. */
  complete = false;
  /** Resolves when the download into the cache ended (rejects when it failed); set by whoever downloads it. */
  ready: Promise<void> = Promise.resolve();
  /** Aborts the download when no fetch wants it any longer. */
  readonly abort = new AbortController();

  constructor(
    /** `uri` or `user@uri`. */
    readonly key: string,
    /** Absolute path of the cache file. */
    readonly path: string,
  ) {}
}

/** Why space could not be reserved. */
export type ReserveOutcome =
  | { readonly ok: true; readonly evicted: readonly CacheEntry[] }
  | { readonly ok: false; readonly reason: string };

/** Cache files start with this prefix, so stale ones are recognised (and removed) at startup. */
export const CACHE_FILE_PREFIX = 'c';

/** Matches a cache file name this cache writes: prefix, serial, `-`, part of the URI's basename. */
export const CACHE_FILE_PATTERN = /^c\d+-/;

/**
 * The table of cache entries in least-recently-used order (a Map keeps insertion order; a use re-inserts).
 */
export class FetcherCache {
  private readonly table = new Map<string, CacheEntry>();
  private serial = 0;
  private usedBytes = 0;

  constructor(
    /** Total bytes the cache files may take; 0 turns the cache off. */
    readonly capacity: number,
    /** Deletes a cache file; failures are the caller's to log (the space is released regardless). */
    private readonly removeFile: (path: string) => Promise<void>,
  ) {}

  /** Bytes reserved by the entries now in the table. */
  get used(): number {
    return this.usedBytes;
  }

  /** Number of entries (complete or still downloading). */
  get size(): number {
    return this.table.size;
  }

  /** The entry for `key`, marked as just used; undefined if there is none. */
  get(key: string): CacheEntry | undefined {
    const entry = this.table.get(key);
    if (entry) {
      this.table.delete(key);
      this.table.set(key, entry);
    }
    return entry;
  }

  /** Whether `entry` is still the one in the table for its key (it may have been evicted or replaced). */
  contains(entry: CacheEntry): boolean {
    return this.table.get(entry.key) === entry;
  }

  /**
   * A new entry for `key` whose file goes into `directory`. The file name keeps a short piece of the URI's
   * basename, extension included, for operators looking at the directory; the serial keeps names unique.
   */
  create(key: string, directory: string, basename: string): CacheEntry {
    this.serial += 1;
    let piece = basename.replace(/[^A-Za-z0-9._-]/g, '_');
    if (piece.length > 20) piece = `${piece.slice(0, 10)}_${piece.slice(-10)}`;
    const entry = new CacheEntry(key, join(directory, `${CACHE_FILE_PREFIX}${this.serial}-${piece}`));
    this.table.set(key, entry);
    return entry;
  }

  /**
   * Reserves `bytes` for `entry`, evicting unused complete entries (least recently used first) until the space is
   * there. Nothing is evicted when even evicting every candidate would not be enough. Evicted files are deleted
   * in the background through `removeFile`.
   */
  reserve(entry: CacheEntry, bytes: number): ReserveOutcome {
    if (!this.contains(entry)) return { ok: false, reason: 'the cache entry was removed' };
    if (bytes > this.capacity) {
      return { ok: false, reason: `${bytes} bytes exceed the cache size of ${this.capacity} bytes` };
    }
    const missing = this.usedBytes + bytes - this.capacity;
    const victims: CacheEntry[] = [];
    if (missing > 0) {
      let freed = 0;
      for (const candidate of this.table.values()) {
        if (freed >= missing) break;
        if (candidate === entry || candidate.refs > 0 || !candidate.complete) continue;
        victims.push(candidate);
        freed += candidate.size;
      }
      if (freed < missing) {
        return { ok: false, reason: `not enough evictable space in the cache for ${bytes} bytes` };
      }
    }
    for (const victim of victims) this.remove(victim);
    entry.size += bytes;
    this.usedBytes += bytes;
    return { ok: true, evicted: victims };
  }

  /**
   * Corrects the reservation once the real size is known: a smaller file gives space back; a larger one reserves
   * the difference, and when that fails the caller should drop the entry after its use (as Mesos deletes a cache
   * file larger than announced).
   */
  adjust(entry: CacheEntry, actualBytes: number): ReserveOutcome {
    if (actualBytes <= entry.size) {
      const delta = entry.size - actualBytes;
      entry.size = actualBytes;
      if (this.contains(entry)) this.usedBytes -= delta;
      return { ok: true, evicted: [] };
    }
    return this.reserve(entry, actualBytes - entry.size);
  }

  /** Takes `entry` out of the table, releases its space and deletes its file. Idempotent. */
  remove(entry: CacheEntry): void {
    if (!this.contains(entry)) return;
    this.table.delete(entry.key);
    this.usedBytes -= entry.size;
    entry.size = 0;
    void this.removeFile(entry.path);
  }

  /** Every entry, least recently used first (for tests and diagnostics). */
  entries(): readonly CacheEntry[] {
    return [...this.table.values()];
  }
}
