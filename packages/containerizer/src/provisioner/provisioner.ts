/**
 * The provisioner (Mesos's src/slave/containerizer/mesos/provisioner/provisioner.cpp): gives a container a root
 * filesystem made from a Docker image, without a Docker daemon, and takes it away again.
 *
 * ```
 *  Image (mesos.v1) ──► DockerStore ──► Puller (archive dir | registry v2) ──► layer cache (by digest)
 *                            │
 *                            ▼
 *                   Backend (overlay | copy) ──► <provisionerDir>/containers/<id>/backends/<b>/rootfses/<uuid>
 * ```
 *
 * Per-container layout, so that {@link Provisioner.destroy} and {@link Provisioner.recover} find everything by
 * the container ID alone:
 *
 * ```
 * containers/<id>/backends/<backend>/rootfses/<uuid>        the root filesystem (an overlay mount point, or a copy)
 * containers/<id>/backends/<backend>/scratch/<uuid>/        upperdir, workdir, links (overlay); empty (copy)
 * ```
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { Image_Type, Secret_Type, type Image } from '@mesos-ts/proto';
import { ArchivePuller } from './archive-puller';
import { CopyBackend, OverlayBackend, overlaySupported, unmountAll, type Backend, type BackendName } from './backends';
import type { ImageConfig } from './image-config';
import { RegistryPuller } from './registry-puller';
import { DEFAULT_STORE_DIR, DockerStore, type StoreLogger } from './store';
import type { Dispatcher } from 'undici';

/** Where per-container root filesystems go unless told otherwise (Mesos: `<work_dir>/provisioner`). */
export const DEFAULT_PROVISIONER_DIR = '/tmp/mesos/provisioner';

/** Options of {@link Provisioner}. */
export interface ProvisionerOptions {
  /** The layer cache and image records (`--docker_store_dir`); default `/tmp/mesos/store/docker`. */
  readonly storeDir?: string;
  /** Per-container root filesystems (Mesos: `<work_dir>/provisioner`); default `/tmp/mesos/provisioner`. */
  readonly provisionerDir?: string;
  /**
   * A directory of `docker save` archives (`--docker_registry=/path`): when set, every image comes from it.
   * Absent: images come from a Docker Registry v2 ({@link ProvisionerOptions.defaultRegistry}).
   */
  readonly registryDir?: string;
  /** Registry for references that name none (`--docker_registry=https://…`); default Docker Hub. */
  readonly defaultRegistry?: string;
  /** A Docker config file's text with registry credentials (`--docker_config`). */
  readonly dockerConfig?: string;
  /**
   * `overlay` or `copy` (`--image_provisioner_backend`). Absent: overlay when the kernel and the filesystem of
   * `provisionerDir` allow it (tried once, on {@link Provisioner.recover}), else copy.
   */
  readonly backend?: BackendName;
  /** The undici dispatcher for registry requests (TLS, proxies). */
  readonly dispatcher?: Dispatcher;
  readonly logger?: StoreLogger;
}

/** What {@link Provisioner.provision} gives the containerizer. */
export interface ProvisionInfo {
  /** The root filesystem to pivot into. */
  readonly rootfs: string;
  /** The image's runtime config: apply it with `computeImageLaunch`. */
  readonly config: ImageConfig;
  /** The image reference as the store keyed it, its layer digests (bottom first) and config digest. */
  readonly image: { readonly reference: string; readonly layers: readonly string[]; readonly configDigest?: string };
  readonly backend: BackendName;
}

/** Which image source a `--docker_registry` value selects, as Mesos decides it: a path or a URL. */
export function parseDockerRegistryFlag(value: string): Result<{ registryDir: string } | { defaultRegistry: string }> {
  if (value.startsWith('/')) return ok({ registryDir: value });
  const url = /^[a-z]+:\/\//i.test(value) ? value : `https://${value}`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    return err(new MesosTsError('INVALID_ARGUMENT', `Flag '--docker_registry' must be an absolute path or an http(s) URL, not '${value}'`));
  }
  return ok({ defaultRegistry: url });
}

const CONTAINER_ID = /^[A-Za-z0-9_.-]{1,255}$/;

/** Provisions container root filesystems from Docker images. Call {@link Provisioner.recover} before use. */
export class Provisioner {
  readonly provisionerDir: string;
  private readonly options: ProvisionerOptions;
  private backendImpl: Backend | undefined;
  private store: DockerStore | undefined;
  /** Container -> its provisioned root filesystems, for `destroy` to wait on provisions in flight. */
  private readonly active = new Map<string, Set<Promise<unknown>>>();

  constructor(options: ProvisionerOptions = {}) {
    if (options.registryDir !== undefined && !isAbsolute(options.registryDir)) {
      throw new MesosTsError('INVALID_ARGUMENT', `registryDir must be an absolute path, not '${options.registryDir}'`);
    }
    this.options = options;
    this.provisionerDir = options.provisionerDir ?? DEFAULT_PROVISIONER_DIR;
  }

  /** The backend in use (known after {@link Provisioner.recover}). */
  get backend(): BackendName | undefined {
    return this.backendImpl?.name;
  }

  /** The image store (after {@link Provisioner.recover}); exposed for its statistics. */
  get imageStore(): DockerStore | undefined {
    return this.store;
  }

  private initializing: Promise<{ backend: Backend; store: DockerStore }> | undefined;

  /** Picks the backend and opens the store, once; a failed attempt is retried by the next call. */
  private ready(): Promise<{ backend: Backend; store: DockerStore }> {
    this.initializing ??= this.initialize().catch((error: unknown) => {
      this.initializing = undefined;
      throw error;
    });
    return this.initializing;
  }

  private async initialize(): Promise<{ backend: Backend; store: DockerStore }> {
    await mkdir(join(this.provisionerDir, 'containers'), { recursive: true });
    const name = this.options.backend ?? ((await overlaySupported(this.provisionerDir)) ? 'overlay' : 'copy');
    const backend = name === 'overlay' ? new OverlayBackend() : new CopyBackend();
    const puller =
      this.options.registryDir !== undefined
        ? new ArchivePuller(this.options.registryDir)
        : new RegistryPuller({
            ...(this.options.defaultRegistry !== undefined ? { defaultRegistry: this.options.defaultRegistry } : {}),
            ...(this.options.dockerConfig !== undefined ? { dockerConfig: this.options.dockerConfig } : {}),
            ...(this.options.dispatcher !== undefined ? { dispatcher: this.options.dispatcher } : {}),
          });
    const store = new DockerStore({
      storeDir: this.options.storeDir ?? DEFAULT_STORE_DIR,
      puller,
      format: name === 'overlay' ? 'overlay' : 'plain',
      ...(this.options.logger !== undefined ? { logger: this.options.logger } : {}),
    });
    await store.recover();
    this.backendImpl = backend;
    this.store = store;
    return { backend, store };
  }

  /**
   * Prepares the store and the backend, and removes the root filesystems of containers not in `knownIds` (left
   * by an agent that died), unmounting them first. Returns the IDs it cleaned up.
   */
  async recover(knownIds: Iterable<string>): Promise<string[]> {
    await this.ready();
    const known = new Set(knownIds);
    const cleaned: string[] = [];
    for (const id of await readdir(join(this.provisionerDir, 'containers'))) {
      if (known.has(id) || (this.active.get(id)?.size ?? 0) > 0) continue;
      await this.removeContainerDir(id);
      cleaned.push(id);
    }
    return cleaned;
  }

  /**
   * Gives `containerId` a root filesystem made from `image` (a mesos.v1 Image of type DOCKER). Can be called
   * more than once for one container (each call makes a new root filesystem, as Mesos does for volume images).
   */
  async provision(containerId: string, image: Image): Promise<Result<ProvisionInfo>> {
    if (!CONTAINER_ID.test(containerId) || containerId === '.' || containerId === '..') {
      return err(new MesosTsError('INVALID_ARGUMENT', `Invalid container ID '${containerId}'`));
    }
    if (image.type === Image_Type.APPC) {
      return err(new MesosTsError('NOT_IMPLEMENTED', 'Image type APPC is not supported; use DOCKER'));
    }
    if (image.type !== Image_Type.DOCKER) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Image.type must be DOCKER, not ${String(image.type)}`));
    }
    const name = image.docker?.name;
    if (name === undefined || name === '') return err(new MesosTsError('INVALID_ARGUMENT', 'Image.docker.name is required'));
    let credentials: string | undefined;
    const secret = image.docker?.config;
    if (secret !== undefined) {
      if (secret.type === Secret_Type.REFERENCE || secret.value?.data === undefined) {
        return err(new MesosTsError('NOT_IMPLEMENTED', 'Image.docker.config must be a VALUE secret: secret references are not resolved here'));
      }
      credentials = Buffer.from(secret.value.data).toString('utf8');
    }

    let inFlight = this.active.get(containerId);
    if (inFlight === undefined) {
      inFlight = new Set();
      this.active.set(containerId, inFlight);
    }
    const work = this.assemble(containerId, name, image.cached, credentials);
    inFlight.add(work);
    try {
      return await work;
    } finally {
      inFlight.delete(work);
    }
  }

  private async assemble(containerId: string, name: string, cached: boolean | undefined, credentials: string | undefined): Promise<Result<ProvisionInfo>> {
    const { backend, store } = await this.ready();
    const stored = await store.get(name, {
      ...(cached !== undefined ? { cached } : {}),
      ...(credentials !== undefined ? { credentials } : {}),
    });
    if (!stored.ok) return stored;
    const id = randomUUID();
    const base = join(this.provisionerDir, 'containers', containerId, 'backends', backend.name);
    const rootfs = join(base, 'rootfses', id);
    const scratch = join(base, 'scratch', id);
    try {
      await backend.provision(stored.value.layerPaths, rootfs, scratch);
    } catch (error) {
      await unmountAll(rootfs).catch(() => undefined);
      await rm(rootfs, { recursive: true, force: true }).catch(() => undefined);
      await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
      return err(
        new MesosTsError('INTERNAL', `Failed to provision the root filesystem of container '${containerId}' with the ${backend.name} backend: ${(error as Error).message}`, { cause: error }),
      );
    }
    return ok({
      rootfs,
      config: stored.value.config,
      image: {
        reference: stored.value.reference,
        layers: stored.value.layers,
        ...(stored.value.configDigest !== undefined ? { configDigest: stored.value.configDigest } : {}),
      },
      backend: backend.name,
    });
  }

  /**
   * Removes every root filesystem of `containerId`: waits for provisions in flight, unmounts (deepest first,
   * also anything an isolator mounted inside), then deletes the container's directory. Resolves `true` when
   * there was something to remove. Idempotent.
   */
  async destroy(containerId: string): Promise<Result<boolean>> {
    if (!CONTAINER_ID.test(containerId) || containerId === '.' || containerId === '..') {
      return err(new MesosTsError('INVALID_ARGUMENT', `Invalid container ID '${containerId}'`));
    }
    const inFlight = this.active.get(containerId);
    if (inFlight !== undefined) await Promise.allSettled([...inFlight]);
    this.active.delete(containerId);
    try {
      return ok(await this.removeContainerDir(containerId));
    } catch (error) {
      return err(new MesosTsError('INTERNAL', `Failed to destroy the root filesystems of container '${containerId}': ${(error as Error).message}`, { cause: error }));
    }
  }

  private async removeContainerDir(containerId: string): Promise<boolean> {
    const dir = join(this.provisionerDir, 'containers', containerId);
    let present = true;
    try {
      await readdir(dir);
    } catch {
      present = false;
    }
    await unmountAll(dir);
    if (present) await rm(dir, { recursive: true, force: true });
    return present;
  }
}
