/**
 * The fetcher: puts a container's `CommandInfo.uris` into its sandbox before the executor starts (Mesos's
 * `Fetcher` and `mesos-fetcher`, in process). Each URI is downloaded (HTTP/HTTPS) or copied (local file), then
 * made executable or extracted, and handed to the task's user; URIs with `cache: true` go through a cache shared
 * by all containers, keyed by user and URI, bounded in bytes, evicting the least recently used unused files.
 *
 * URIs of one fetch are processed one after another (as Mesos does); fetches of different containers run
 * concurrently, and concurrent fetches of one cached URI download it once.
 */
import { copyFile, lchown, chmod, mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Dispatcher } from 'undici';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { CommandInfo_URI } from '@mesos-ts/proto';
import type { ContainerizerLogger } from '../posix-containerizer';
import { lookupUser, type UserLookup } from '../internal/users';
import { CACHE_FILE_PATTERN, FetcherCache, type CacheEntry } from './cache';
import { FetchFailure, createDispatcher, openSource, partialPath, writeAtomically, type ReadAs } from './download';
import { extractArchive, makeDirectoriesInside } from './extract';
import { cacheKey, planUri, type UriPlan } from './uri';

/** Options of {@link Fetcher}. */
export interface FetcherOptions {
  /** The cache directory (Mesos's `--fetcher_cache_dir`); per-user subdirectories go below it. */
  readonly cacheDir: string;
  /** Bytes the cache files may take in all (`--fetcher_cache_size`); 0 turns the cache off. */
  readonly cacheSizeBytes: number;
  /** Base of relative local paths (`--frameworks_home`); relative paths are refused without it. */
  readonly frameworksHome?: string;
  /** Abort a download that receives nothing for this long (`--fetcher_stall_timeout`, default 60 s). */
  readonly stallTimeoutMs?: number;
  /** Redirects followed per download (default 10). */
  readonly maxRedirections?: number;
  /** Where warnings (cache fallbacks, eviction failures) and progress go; silent when absent. */
  readonly logger?: ContainerizerLogger;
  /** Resolves user names (tests replace it); `getent passwd` by default. */
  readonly lookupUser?: (name: string) => Promise<UserLookup>;
}

/** One fetch: the URIs of a container's command, its sandbox, and the user the task runs as. */
export interface FetchRequest {
  readonly containerId: string;
  readonly uris: readonly CommandInfo_URI[];
  /** An existing directory. */
  readonly sandbox: string;
  /** The task's user (`CommandInfo.user` or the framework's); fetched files are given to it when we are root. */
  readonly user?: string | undefined;
  /** Cancels the fetch, like {@link Fetcher.kill}. */
  readonly signal?: AbortSignal | undefined;
}

/** How a URI's content was obtained. */
export type CacheUse = 'bypass' | 'miss' | 'hit' | 'fallback';

/** What became of one URI. */
export interface FetchedUri {
  readonly uri: string;
  /** The file written into the sandbox, or the sandbox itself when a cached archive was only extracted. */
  readonly path: string;
  /** Bytes downloaded or copied from the source (0 for a cache hit). */
  readonly bytes: number;
  /** `bypass`: no cache; `miss`: downloaded into the cache; `hit`: served from it; `fallback`: cache wanted but full. */
  readonly cache: CacheUse;
  readonly extracted: boolean;
  readonly executable: boolean;
}

/** The outcome of a successful fetch. */
export interface FetchReport {
  readonly containerId: string;
  readonly sandbox: string;
  readonly fetched: readonly FetchedUri[];
}

/** The cache's state, for metrics (Mesos's `containerizer/fetcher/cache_size_*`). */
export interface FetcherCacheStats {
  readonly capacityBytes: number;
  readonly usedBytes: number;
  readonly entries: number;
}

/** Thrown inside a cached download when the cache cannot take the file: the fetch then goes around the cache. */
class CacheFallback extends Error {}

interface FetchContext {
  readonly containerId: string;
  readonly sandbox: string;
  readonly user: string | undefined;
  /** Owner for everything written into the sandbox; set only when we are root and a user is given. */
  readonly owner: ReadAs | undefined;
  /** Identity local files are read as; set when we are root and the user is not root. */
  readonly readAs: ReadAs | undefined;
  readonly signal: AbortSignal;
}

const SILENT: ContainerizerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const EXECUTABLE_MODE = 0o755;

function waitOrCancel(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new FetchFailure('fetch cancelled'));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new FetchFailure('fetch cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/** The fetcher. One per agent; `close()` it to release its HTTP connections. */
export class Fetcher {
  private readonly options: FetcherOptions;
  private readonly logger: ContainerizerLogger;
  private readonly cache: FetcherCache;
  private readonly dispatcher: Dispatcher;
  private readonly running = new Map<string, AbortController>();
  /** Entries whose file turned out larger than the cache could take: dropped after their last use. */
  private readonly doomed = new WeakSet<CacheEntry>();
  private initialized: Promise<void> | undefined;

  constructor(options: FetcherOptions) {
    if (!Number.isFinite(options.cacheSizeBytes) || options.cacheSizeBytes < 0) {
      throw new MesosTsError('INVALID_ARGUMENT', `cacheSizeBytes must be a non-negative number, got ${options.cacheSizeBytes}`);
    }
    this.options = options;
    this.logger = options.logger ?? SILENT;
    this.cache = new FetcherCache(options.cacheSizeBytes, async (path) => {
      await rm(path, { force: true }).catch((error: unknown) => {
        this.logger.warn({ path, error: String(error) }, 'Failed to remove a fetcher cache file');
      });
    });
    this.dispatcher = createDispatcher(options.stallTimeoutMs ?? 60_000, options.maxRedirections ?? 10);
  }

  /** The cache's capacity and use. */
  cacheStats(): FetcherCacheStats {
    return { capacityBytes: this.cache.capacity, usedBytes: this.cache.used, entries: this.cache.size };
  }

  /** Cancels the fetch running for `containerId` (its container is being destroyed); false if there is none. */
  kill(containerId: string): boolean {
    const controller = this.running.get(containerId);
    controller?.abort();
    return controller !== undefined;
  }

  /** Releases the HTTP connection pool. Fetches still running fail. */
  async close(): Promise<void> {
    for (const controller of this.running.values()) controller.abort();
    await this.dispatcher.close();
  }

  /**
   * Fetches every URI of `request` into its sandbox, in order. Fails with the first URI that fails, its message
   * being `Failed to fetch '<uri>': <why>` (what the agent reports with REASON_CONTAINER_LAUNCH_FAILED).
   * Codes: INVALID_ARGUMENT for bad input (a malformed URI or output_file, an unknown user, no sandbox),
   * CONFLICT when a fetch for the container already runs, UNAVAILABLE when a URI could not be fetched or the
   * fetch was cancelled.
   */
  async fetch(request: FetchRequest): Promise<Result<FetchReport>> {
    const { containerId, sandbox, user } = request;
    const plans: UriPlan[] = [];
    for (const spec of request.uris) {
      const plan = planUri(spec, this.options.frameworksHome);
      if (!plan.ok) return err(new MesosTsError('INVALID_ARGUMENT', `Failed to fetch '${spec.value ?? ''}': ${plan.reason}`));
      plans.push(plan.value);
    }
    try {
      if (!(await stat(sandbox)).isDirectory()) throw new Error('not a directory');
    } catch (error) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Failed to fetch URIs: sandbox '${sandbox}' is not a directory`, { cause: error }));
    }
    let owner: ReadAs | undefined;
    if (user !== undefined) {
      const found = await (this.options.lookupUser ?? lookupUser)(user);
      if (!found.found) return err(new MesosTsError('INVALID_ARGUMENT', `Failed to fetch URIs: ${found.reason}`));
      if (process.getuid?.() === 0) owner = { uid: found.user.uid, gid: found.user.gid };
    }
    if (this.running.has(containerId)) {
      return err(new MesosTsError('CONFLICT', `A fetch for container '${containerId}' is already running`));
    }
    const controller = new AbortController();
    const onCancel = (): void => controller.abort();
    request.signal?.addEventListener('abort', onCancel, { once: true });
    if (request.signal?.aborted) controller.abort();
    this.running.set(containerId, controller);
    const context: FetchContext = {
      containerId,
      sandbox,
      user,
      owner,
      readAs: owner && owner.uid !== 0 ? owner : undefined,
      signal: controller.signal,
    };
    const fetched: FetchedUri[] = [];
    try {
      for (const plan of plans) {
        try {
          fetched.push(await this.fetchOne(plan, context));
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          const reason = controller.signal.aborted ? 'fetch cancelled' : why;
          this.logger.warn({ containerId, uri: plan.uri, reason }, 'Failed to fetch a URI');
          return err(new MesosTsError('UNAVAILABLE', `Failed to fetch '${plan.uri}': ${reason}`, { cause: error }));
        }
      }
    } finally {
      request.signal?.removeEventListener('abort', onCancel);
      this.running.delete(containerId);
    }
    this.logger.info({ containerId, sandbox, uris: fetched.length }, 'Fetched all URIs into the sandbox');
    return ok({ containerId, sandbox, fetched });
  }

  private async fetchOne(plan: UriPlan, context: FetchContext): Promise<FetchedUri> {
    if (context.signal.aborted) throw new FetchFailure('fetch cancelled');
    if (plan.cache && this.cache.capacity > 0) {
      try {
        return await this.fetchThroughCache(plan, context);
      } catch (error) {
        if (!(error instanceof CacheFallback)) throw error;
        this.logger.warn({ uri: plan.uri, reason: error.message }, 'Fetching around the cache');
        return { ...(await this.fetchBypassingCache(plan, context)), cache: 'fallback' };
      }
    }
    return this.fetchBypassingCache(plan, context);
  }

  /** Downloads straight into the sandbox; an archive stays next to what it unpacks to. */
  private async fetchBypassingCache(plan: UriPlan, context: FetchContext): Promise<FetchedUri> {
    const destination = await this.prepareTarget(plan, context);
    const source = await openSource(plan.source, { dispatcher: this.dispatcher, signal: context.signal, readAs: context.readAs });
    const bytes = await writeAtomically(source, destination, context.signal);
    if (context.owner) await lchown(destination, context.owner.uid, context.owner.gid);
    if (plan.executable) await chmod(destination, EXECUTABLE_MODE);
    else if (plan.archive) {
      await extractArchive(plan.archive, destination, context.sandbox, { owner: context.owner, signal: context.signal });
    }
    return { uri: plan.uri, path: destination, bytes, cache: 'bypass', extracted: plan.archive !== undefined, executable: plan.executable };
  }

  /** Makes the target's directories inside the sandbox (never through a link) and answers its absolute path. */
  private async prepareTarget(plan: UriPlan, context: FetchContext): Promise<string> {
    const parent = dirname(plan.target);
    try {
      if (parent !== '.') await makeDirectoriesInside(context.sandbox, parent, context.owner);
    } catch (error) {
      throw new FetchFailure(`Unable to create subdirectory ${parent} in sandbox: ${(error as Error).message}`);
    }
    return join(context.sandbox, plan.target);
  }

  private async fetchThroughCache(plan: UriPlan, context: FetchContext): Promise<FetchedUri> {
    // A cache directory that cannot be made is a reason to go around the cache (and to try again next time).
    this.initialized ??= this.initializeCache().catch((error: unknown) => {
      this.initialized = undefined;
      throw new CacheFallback(`cache directory unusable: ${(error as Error).message}`);
    });
    await this.initialized;
    const key = cacheKey(plan.uri, context.user);
    let entry = this.cache.get(key);
    let use: CacheUse = 'hit';
    if (entry) {
      entry.refs += 1;
    } else {
      use = 'miss';
      const directory = context.user === undefined ? this.options.cacheDir : join(this.options.cacheDir, context.user);
      entry = this.cache.create(key, directory, basename(plan.target));
      entry.refs += 1;
      entry.ready = this.fillCacheEntry(entry, plan, context.readAs, directory);
      entry.ready.catch(() => undefined); // every user awaits it; this only marks the rejection handled
    }
    const current = entry;
    let bytes = 0;
    try {
      await waitOrCancel(current.ready, context.signal);
      if (use === 'miss') bytes = current.size;
      const path = await this.deliverFromCache(current, plan, context);
      return { uri: plan.uri, path, bytes, cache: use, extracted: plan.archive !== undefined, executable: plan.executable };
    } finally {
      this.release(current);
    }
  }

  /** Drops a reference; the last one out aborts an unfinished download or removes a doomed file. */
  private release(entry: CacheEntry): void {
    entry.refs -= 1;
    if (entry.refs > 0) return;
    if (!entry.complete) {
      entry.abort.abort();
      this.cache.remove(entry);
    } else if (this.doomed.has(entry)) {
      this.cache.remove(entry);
    }
  }

  /**
   * Downloads into the cache. The size announced by the source (Content-Length, or the file's size) is reserved
   * before the body is read, evicting as needed; when it cannot be, nothing is written and every fetch waiting
   * on the entry goes around the cache. A source that announces no size is reserved once downloaded.
   */
  private async fillCacheEntry(entry: CacheEntry, plan: UriPlan, readAs: ReadAs | undefined, directory: string): Promise<void> {
    const signal = entry.abort.signal;
    try {
      await mkdir(directory, { recursive: true, mode: 0o755 });
      const source = await openSource(plan.source, { dispatcher: this.dispatcher, signal, readAs });
      if (source.size !== undefined) {
        const reserved = this.cache.reserve(entry, source.size);
        if (!reserved.ok) {
          source.discard();
          throw new CacheFallback(reserved.reason);
        }
        this.logEvictions(reserved.evicted);
      }
      const bytes = await writeAtomically(source, entry.path, signal);
      const adjusted = this.cache.adjust(entry, bytes);
      if (adjusted.ok) this.logEvictions(adjusted.evicted);
      else {
        // Larger than announced (or unannounced) and no room: serve the fetches waiting for it, then drop it.
        this.logger.warn({ uri: plan.uri, bytes, reason: adjusted.reason }, 'Cache file does not fit the cache; removing it after use');
        this.doomed.add(entry);
      }
      entry.complete = true;
    } catch (error) {
      this.cache.remove(entry);
      throw error;
    }
  }

  private logEvictions(evicted: readonly CacheEntry[]): void {
    for (const victim of evicted) this.logger.info({ key: victim.key, path: victim.path }, 'Evicted a fetcher cache file');
  }

  /** Copies (or extracts) a complete cache file into the sandbox. A cached archive leaves only its contents. */
  private async deliverFromCache(entry: CacheEntry, plan: UriPlan, context: FetchContext): Promise<string> {
    if (plan.archive) {
      await extractArchive(plan.archive, entry.path, context.sandbox, { owner: context.owner, signal: context.signal });
      return context.sandbox;
    }
    const destination = await this.prepareTarget(plan, context);
    const temporary = partialPath(destination);
    try {
      await copyFile(entry.path, temporary);
      await chmod(temporary, plan.executable ? EXECUTABLE_MODE : 0o644);
      if (context.owner) await lchown(temporary, context.owner.uid, context.owner.gid);
      await rename(temporary, destination);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw new FetchFailure(`Failed to copy from the cache: ${(error as Error).message}`);
    }
    return destination;
  }

  /**
   * Creates the cache directory and removes cache files left by an earlier run (the cache is not recovered, as in
   * Mesos). Only names this cache writes are removed, so a mistaken `cacheDir` loses nothing else.
   */
  private async initializeCache(): Promise<void> {
    const root = this.options.cacheDir;
    await mkdir(root, { recursive: true, mode: 0o755 });
    const stale = (name: string): boolean => CACHE_FILE_PATTERN.test(name) || /^\.c\d+-.*\.partial-/.test(name);
    for (const dirent of await readdir(root, { withFileTypes: true })) {
      if (dirent.isFile() && stale(dirent.name)) await rm(join(root, dirent.name), { force: true });
      if (dirent.isDirectory()) {
        const sub = join(root, dirent.name);
        for (const inner of await readdir(sub, { withFileTypes: true })) {
          if (inner.isFile() && stale(inner.name)) await rm(join(sub, inner.name), { force: true });
        }
      }
    }
  }
}
