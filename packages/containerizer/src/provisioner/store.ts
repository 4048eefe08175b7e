/**
 * The Docker image store (Mesos's provisioner/docker/store.cpp and metadata_manager.cpp): pulls an image
 * through a {@link Puller}, extracts its layers once into a cache keyed by digest, and remembers which layers
 * and config each reference resolved to, so the next provision of the same reference does no network or disk
 * work beyond checking that the layers are still there.
 *
 * Layout under the store directory (`--docker_store_dir`, default `/tmp/mesos/store/docker`):
 *
 * ```
 * layers/<sha256 hex>/rootfs           a layer in plain form (whiteout files kept; the copy backend)
 * layers/<sha256 hex>/rootfs.overlay   the same layer in overlay form (whiteouts as overlayfs markers)
 * images.json                          reference -> { layers, configDigest, config }, replaced atomically
 * staging/<random>/                    one pull's downloads and extractions, removed when it ends
 * ```
 *
 * A layer directory appears only by `rename` from staging after its digest was verified and it was fully
 * extracted, so a directory that exists is complete (also after a crash).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { extractLayer, type LayerFormat } from './layers';
import { parseImageConfig, type ImageConfig } from './image-config';
import type { Puller } from './puller';
import { formatImageReference, parseImageReference } from './reference';

/** The default `--docker_store_dir`, as Mesos. */
export const DEFAULT_STORE_DIR = '/tmp/mesos/store/docker';

/** An image ready to be assembled into a root filesystem. */
export interface StoredImage {
  /** The reference as the store keys it (as written, e.g. `busybox:1.36`). */
  readonly reference: string;
  /** Layer digests, bottom first. */
  readonly layers: readonly string[];
  /** The cached layer directories in the store's format, bottom first. */
  readonly layerPaths: readonly string[];
  readonly config: ImageConfig;
  readonly configDigest?: string;
}

interface ImageRecord {
  readonly layers: readonly string[];
  readonly config: unknown;
  readonly configDigest?: string;
}

/** A logger the store reports pulls to; silent by default. */
export interface StoreLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

const SILENT: StoreLogger = { info: () => {}, warn: () => {} };

/** Options of {@link DockerStore}. */
export interface DockerStoreOptions {
  readonly storeDir?: string;
  readonly puller: Puller;
  /** The form layers are cached in: `overlay` for the overlay backend, `plain` for the copy backend. */
  readonly format: LayerFormat;
  readonly logger?: StoreLogger;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The Docker image store. Call {@link DockerStore.recover} once before use. */
export class DockerStore {
  readonly storeDir: string;
  private readonly puller: Puller;
  private readonly format: LayerFormat;
  private readonly logger: StoreLogger;
  private images = new Map<string, ImageRecord>();
  /** Pulls in flight by reference, so concurrent provisions of one image share one pull. */
  private readonly pulling = new Map<string, Promise<ImageRecord>>();
  /** Counts of pulls done (not served from the cache), for tests and metrics. */
  pulls = 0;

  constructor(options: DockerStoreOptions) {
    this.storeDir = options.storeDir ?? DEFAULT_STORE_DIR;
    this.puller = options.puller;
    this.format = options.format;
    this.logger = options.logger ?? SILENT;
  }

  /** The cached directory of a layer in this store's format. */
  layerPath(digest: string): string {
    const hex = digest.replace(/^sha256:/, '');
    return join(this.storeDir, 'layers', hex, this.format === 'overlay' ? 'rootfs.overlay' : 'rootfs');
  }

  /** Creates the store's directories, removes staging left by a crash, and loads the image records. */
  async recover(): Promise<void> {
    await rm(join(this.storeDir, 'staging'), { recursive: true, force: true });
    await mkdir(join(this.storeDir, 'staging'), { recursive: true });
    await mkdir(join(this.storeDir, 'layers'), { recursive: true });
    try {
      const parsed = JSON.parse(await readFile(join(this.storeDir, 'images.json'), 'utf8')) as { images?: Record<string, ImageRecord> };
      this.images = new Map(Object.entries(parsed.images ?? {}));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn({ err: error }, 'Ignoring unreadable image records; images will be pulled again');
      }
      this.images = new Map();
    }
  }

  /**
   * Gets an image by its Docker reference: from the cache when `cached` (the default, as Mesos's
   * `Image.cached`) and every layer is still there, else pulled. `credentials` is a Docker config file's text
   * (from `Image.Docker.config`) for a registry that wants them.
   */
  async get(name: string, options: { cached?: boolean; credentials?: string } = {}): Promise<Result<StoredImage>> {
    const parsed = parseImageReference(name);
    if (!parsed.ok) return parsed;
    const key = formatImageReference(parsed.value);
    try {
      let record = options.cached === false ? undefined : this.images.get(key);
      if (record !== undefined && !(await this.complete(record))) record = undefined;
      if (record === undefined) {
        let pull = this.pulling.get(key);
        if (pull === undefined) {
          pull = this.pull(key, options.credentials).finally(() => this.pulling.delete(key));
          this.pulling.set(key, pull);
        }
        record = await pull;
      }
      const config = parseImageConfig(record.config);
      if (!config.ok) return err(new MesosTsError('INVALID_ARGUMENT', `Image '${key}': ${config.error.message}`));
      return ok({
        reference: key,
        layers: record.layers,
        layerPaths: record.layers.map((digest) => this.layerPath(digest)),
        config: config.value,
        ...(record.configDigest !== undefined ? { configDigest: record.configDigest } : {}),
      });
    } catch (error) {
      const cause = error instanceof MesosTsError ? error : undefined;
      return err(
        new MesosTsError(cause?.code ?? 'INTERNAL', `Failed to get image '${key}': ${(error as Error).message}`, { cause: error }),
      );
    }
  }

  private async complete(record: ImageRecord): Promise<boolean> {
    for (const digest of record.layers) if (!(await exists(this.layerPath(digest)))) return false;
    return true;
  }

  private async pull(key: string, credentials: string | undefined): Promise<ImageRecord> {
    const reference = parseImageReference(key);
    if (!reference.ok) throw reference.error;
    const staging = join(this.storeDir, 'staging', randomUUID());
    await mkdir(staging, { recursive: true });
    this.logger.info({ image: key }, 'Pulling image');
    try {
      // The puller skips layers the cache has; a layer another pull finishes meanwhile is caught at rename below.
      const fetchDir = join(staging, 'fetch');
      await mkdir(fetchDir);
      const pulled = await this.puller.pull(reference.value, fetchDir, (digest) => existsSync(this.layerPath(digest)), credentials);
      for (const layer of pulled.layers) {
        if (layer.file === undefined || (await exists(this.layerPath(layer.digest)))) continue;
        const into = join(staging, 'layers', layer.digest.replace(/^sha256:/, ''));
        await mkdir(into, { recursive: true });
        try {
          await extractLayer(layer.file, into, this.format);
        } catch (error) {
          throw new MesosTsError('INVALID_ARGUMENT', `Layer ${layer.digest}: ${(error as Error).message}`, { cause: error });
        }
        await rm(layer.file, { force: true });
        const target = this.layerPath(layer.digest);
        await mkdir(join(target, '..'), { recursive: true });
        try {
          await rename(into, target);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
        }
      }
      const record: ImageRecord = {
        layers: pulled.layers.map((l) => l.digest),
        config: pulled.config,
        ...(pulled.configDigest !== undefined ? { configDigest: pulled.configDigest } : {}),
      };
      if (!(await this.complete(record))) {
        throw new MesosTsError('INTERNAL', `Image '${key}' lacks layers after the pull`);
      }
      this.images.set(key, record);
      await this.persist();
      this.pulls += 1;
      this.logger.info({ image: key, layers: record.layers.length }, 'Cached image');
      return record;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  private async persist(): Promise<void> {
    const file = join(this.storeDir, 'images.json');
    const temp = `${file}.${randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify({ images: Object.fromEntries(this.images) }));
    await rename(temp, file);
  }
}
