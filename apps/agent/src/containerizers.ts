/**
 * The agent's containerizers, built from its flags and composed as Mesos's `ComposingContainerizer`
 * (src/slave/containerizer/composing.cpp): `--containerizers` lists them in the order they are tried; a launch goes
 * to the first one that can serve the container (a DOCKER ContainerInfo: the Docker containerizer; no ContainerInfo
 * or type MESOS: the Mesos containerizer), and wait/destroy/usage follow the container to the one that runs it. A
 * launch none of them can serve fails with a message that says which containerizers were tried and why each
 * declined.
 *
 * Recovery: this agent does not re-attach to executors after a restart (it re-registers and its old executors are
 * gone), so every container a previous run of this agent left behind is an orphan: its cgroups, its Docker
 * container and its provisioned root filesystem are destroyed at start. "Left behind by this agent" means: its
 * container ID has a run directory in this agent's `--work_dir`; containers of other agents on the same machine
 * (tests run several) are left alone, which is stricter than Mesos (it owns everything under `--cgroups_root`).
 */
import { readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DockerContainerizer,
  Fetcher,
  MesosContainerizer,
  PosixContainerizer,
  Provisioner,
  detectLayout,
  parseDockerRegistryFlag,
  type ContainerConfig,
  type ContainerTermination,
  type Containerizer,
  type ContainerizerLogger,
  type LaunchedContainer,
  type MesosContainerizerOptions,
  type NvidiaSetup,
} from '@mesos-ts/containerizer';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { ContainerInfo_Type, type ResourceStatistics } from '@mesos-ts/proto';
import { DockerExecutors } from './docker-executors';
import type { AgentFlags } from './flags';

/** One containerizer of the composition and what it serves. */
export interface ComposedContainerizer {
  readonly name: string;
  readonly containerizer: Containerizer;
  /** Why it cannot run `config`, or undefined when it can. */
  readonly declines: (config: ContainerConfig) => string | undefined;
}

/** Why the Docker containerizer declines a container: it runs DOCKER containers only. */
export function dockerDeclines(config: ContainerConfig): string | undefined {
  if (config.container?.type !== ContainerInfo_Type.DOCKER) return 'it runs containers of type DOCKER only';
  if (config.container.docker?.image === undefined || config.container.docker.image === '') return "the DOCKER ContainerInfo has no 'docker.image'";
  return undefined;
}

/** Why the Mesos containerizer declines a container: DOCKER is not its type; an image needs filesystem/linux. */
export function mesosDeclines(isolation: readonly string[]): (config: ContainerConfig) => string | undefined {
  return (config) => {
    const container = config.container;
    if (container === undefined) return undefined;
    if (container.type === ContainerInfo_Type.DOCKER) return 'it does not run containers of type DOCKER (add `docker` to --containerizers)';
    if (container.mesos?.image !== undefined && !isolation.includes('filesystem/linux')) {
      return 'a container image needs the `filesystem/linux` isolator (--isolation) and the linux launcher';
    }
    return undefined;
  };
}

/** Mesos's `ComposingContainerizer`: see the module comment. */
export class ComposingContainerizer implements Containerizer {
  readonly #parts: readonly ComposedContainerizer[];
  /** Which containerizer runs each container (kept after the end, for late wait/destroy). */
  readonly #owner = new Map<string, ComposedContainerizer>();

  constructor(parts: readonly ComposedContainerizer[]) {
    if (parts.length === 0) throw new MesosTsError('INVALID_ARGUMENT', 'A composing containerizer needs at least one containerizer');
    this.#parts = parts;
  }

  /** The names of the composed containerizers, in order. */
  get names(): readonly string[] {
    return this.#parts.map((p) => p.name);
  }

  async launch(config: ContainerConfig): Promise<Result<LaunchedContainer>> {
    if (this.#owner.has(config.containerId)) return err(new MesosTsError('CONFLICT', `Container '${config.containerId}' already exists`));
    const reasons: string[] = [];
    for (const part of this.#parts) {
      const declined = part.declines(config);
      if (declined !== undefined) {
        reasons.push(`${part.name}: ${declined}`);
        continue;
      }
      this.#owner.set(config.containerId, part);
      const launched = await part.containerizer.launch(config);
      if (!launched.ok) {
        this.#owner.delete(config.containerId);
        return launched;
      }
      // The route goes once the container has ended and its waiters heard of it: a long-running agent keeps no ID.
      void part.containerizer
        .wait(config.containerId)
        .catch(() => undefined)
        .then(() => setImmediate(() => this.#owner.get(config.containerId) === part && this.#owner.delete(config.containerId)));
      return launched;
    }
    const list = this.#parts.map((p) => p.name).join(',');
    return err(new MesosTsError('INVALID_ARGUMENT', `No containerizer of --containerizers=${list} can run this container (${reasons.join('; ')})`));
  }

  async wait(containerId: string): Promise<ContainerTermination | undefined> {
    return this.#owner.get(containerId)?.containerizer.wait(containerId);
  }

  async destroy(containerId: string, gracePeriodMs?: number): Promise<ContainerTermination | undefined> {
    const part = this.#owner.get(containerId);
    if (part === undefined) return undefined;
    return part.containerizer.destroy(containerId, gracePeriodMs);
  }

  async usage(containerId: string): Promise<Result<ResourceStatistics>> {
    const part = this.#owner.get(containerId);
    if (part === undefined) return err(new MesosTsError('NOT_FOUND', `Unknown container '${containerId}'`));
    return part.containerizer.usage(containerId);
  }

  containers(): readonly string[] {
    return this.#parts.flatMap((p) => p.containerizer.containers());
  }
}

/** What {@link createContainerizers} builds. */
export interface AgentContainerizers {
  /** What the agent launches through. */
  readonly containerizer: ComposingContainerizer;
  /** Puts `CommandInfo.uris` into sandboxes before launches. */
  readonly fetcher: Fetcher;
  readonly mesos?: MesosContainerizer;
  readonly docker?: DockerContainerizer;
  readonly provisioner?: Provisioner;
  /** The launcher the Mesos containerizer uses. */
  readonly launcher: 'posix' | 'linux';
  /** The isolators given to the Mesos containerizer (`filesystem/posix` is implied and not passed on). */
  readonly isolation: readonly string[];
  /** Whether containers can end on a limitation (cgroups/mem, disk/du with enforcement): the agent then waits briefly for one. */
  readonly mayLimit: boolean;
  /** Whether the containerizer mounts `ContainerConfig.mounts` itself (filesystem/linux); else the agent links volumes. */
  readonly mountsVolumes: boolean;
  /** Destroys what a killed earlier run of this agent left behind; see the module comment. */
  recover(workDir: string): Promise<Result<RecoveryReport>>;
  /** Releases the fetcher's connections. */
  close(): Promise<void>;
}

/** What {@link AgentContainerizers.recover} cleaned up. */
export interface RecoveryReport {
  /** Containers of an earlier run whose cgroups were destroyed. */
  readonly cgroups: readonly string[];
  readonly docker: readonly string[];
  readonly rootfses: readonly string[];
}

export interface CreateContainerizersOptions {
  readonly flags: AgentFlags;
  readonly logger: ContainerizerLogger;
  /** Whether the agent runs as root (the default launcher depends on it). Default: the real euid. */
  readonly runningAsRoot?: boolean;
  /** How often cgroups/mem polls OOM counters (tests). */
  readonly memPollMs?: number;
  /** The GPUs `gpu/nvidia` hands out (from `resolveNvidiaGpus`); needed with `gpu/nvidia`. */
  readonly nvidia?: NvidiaSetup;
}

/**
 * Mesos's default `--launcher`: `linux` when the agent runs as root and the freezer cgroup (or cgroup v2, which
 * freezes and kills without it) is there, else `posix`.
 */
export async function defaultLauncher(runningAsRoot: boolean): Promise<'posix' | 'linux'> {
  if (!runningAsRoot) return 'posix';
  const layout = await detectLayout().catch(() => undefined);
  return layout !== undefined && (layout.v1.has('freezer') || layout.v2 !== undefined) ? 'linux' : 'posix';
}

/**
 * Builds the containerizers `--containerizers` names with the settings of the other flags. A flag the machine
 * cannot honour (an isolator without its cgroup controller, an unknown isolator) is an INVALID_ARGUMENT naming it.
 */
export async function createContainerizers(options: CreateContainerizersOptions): Promise<Result<AgentContainerizers>> {
  const { flags, logger } = options;
  const names = flags.containerizers.split(',').map((n) => n.trim());
  const isolation = [...new Set(flags.isolation.split(',').map((n) => n.trim()))].filter((n) => n !== 'filesystem/posix');
  const runningAsRoot = options.runningAsRoot ?? process.geteuid?.() === 0;
  const launcher = (flags.launcher as 'posix' | 'linux' | undefined) ?? (await defaultLauncher(runningAsRoot));
  const fetcher = new Fetcher({
    cacheDir: flags.fetcher_cache_dir,
    cacheSizeBytes: flags.fetcher_cache_size,
    stallTimeoutMs: flags.fetcher_stall_timeout,
    logger,
    ...(flags.frameworks_home === undefined || flags.frameworks_home === '' ? {} : { frameworksHome: flags.frameworks_home }),
  });

  const parts: ComposedContainerizer[] = [];
  let mesos: MesosContainerizer | undefined;
  let docker: DockerContainerizer | undefined;
  let provisioner: Provisioner | undefined;
  const dockerConfig = await readDockerConfig(flags.docker_config);
  if (!dockerConfig.ok) return dockerConfig;
  for (const name of names) {
    if (name === 'mesos') {
      if (isolation.includes('filesystem/linux')) {
        const registry = parseDockerRegistryFlag(flags.docker_registry);
        if (!registry.ok) return registry;
        try {
          provisioner = new Provisioner({
            ...registry.value,
            storeDir: flags.docker_store_dir,
            provisionerDir: join(flags.work_dir, 'provisioner'),
            ...(flags.image_provisioner_backend === undefined ? {} : { backend: flags.image_provisioner_backend as 'overlay' | 'copy' }),
            ...(dockerConfig.value === undefined ? {} : { dockerConfig: dockerConfig.value }),
            logger,
          });
        } catch (e) {
          return err(new MesosTsError('INVALID_ARGUMENT', `Cannot set up the image provisioner: ${(e as Error).message}`, { cause: e }));
        }
      }
      const mesosOptions: MesosContainerizerOptions = {
        isolation,
        launcher,
        cgroupsRoot: flags.cgroups_root,
        enableCfs: flags.cgroups_enable_cfs,
        logger,
        ...(options.memPollMs === undefined ? {} : { memPollMs: options.memPollMs }),
        ...(provisioner === undefined ? {} : { provisioner }),
        sandboxDirectory: flags.sandbox_directory,
        enforceContainerDiskQuota: flags.enforce_container_disk_quota,
        containerDiskWatchIntervalMs: flags.container_disk_watch_interval,
        ...(options.nvidia === undefined ? {} : { nvidia: options.nvidia }),
      };
      const created = await MesosContainerizer.create(mesosOptions);
      if (!created.ok) return err(new MesosTsError('INVALID_ARGUMENT', `Failed to create the mesos containerizer (--isolation=${flags.isolation}, --launcher=${launcher}): ${created.error.message}`, { cause: created.error }));
      mesos = created.value;
      parts.push({ name, containerizer: mesos, declines: mesosDeclines(isolation) });
    } else if (name === 'docker') {
      docker = new DockerContainerizer({
        socketPath: flags.docker_socket,
        enableCfsQuota: flags.cgroups_enable_cfs,
        mappedDirectory: flags.sandbox_directory,
        logger,
      });
      // Command tasks' Docker executors run on the host beside it (docker-executors.ts).
      const dockerExecutors = new DockerExecutors({
        docker,
        host: new PosixContainerizer({ logger }),
        socketPath: flags.docker_socket,
        mappedDirectory: flags.sandbox_directory,
        enableCfsQuota: flags.cgroups_enable_cfs,
        logger,
      });
      parts.push({ name, containerizer: dockerExecutors, declines: dockerDeclines });
    }
  }
  const composing = new ComposingContainerizer(parts);
  const mayLimit = isolation.some((n) => n === 'cgroups/mem' || n === 'cgroups/all' || (n === 'disk/du' && flags.enforce_container_disk_quota));
  return ok({
    containerizer: composing,
    fetcher,
    ...(mesos === undefined ? {} : { mesos }),
    ...(docker === undefined ? {} : { docker }),
    ...(provisioner === undefined ? {} : { provisioner }),
    launcher,
    isolation,
    mayLimit,
    mountsVolumes: isolation.includes('filesystem/linux') && mesos !== undefined,
    recover: (workDir) => recoverOrphans(workDir, { mesos, docker, provisioner, logger }),
    close: async () => {
      await fetcher.close();
      if (mesos?.cgroups !== undefined) await removeEmptyRoot(mesos.cgroups.layout, mesos.cgroups.root);
    },
  });
}

/**
 * Removes the `--cgroups_root` cgroups (each hierarchy, deepest segment first) when they are empty, so that a
 * stopped agent leaves nothing in /sys/fs/cgroup. A root still holding containers (another agent's) stays: rmdir
 * refuses a cgroup with children.
 */
async function removeEmptyRoot(layout: { readonly v1: ReadonlyMap<string, { readonly mountPoint: string }>; readonly v2?: { readonly mountPoint: string } }, root: string): Promise<void> {
  const mounts = new Set([...layout.v1.values()].map((h) => h.mountPoint));
  if (layout.v2 !== undefined) mounts.add(layout.v2.mountPoint);
  const segments = root.split('/').filter(Boolean);
  for (const mount of mounts) {
    for (let depth = segments.length; depth > 0; depth--) {
      const removed = await rmdir(join(mount, ...segments.slice(0, depth))).then(
        () => true,
        () => false,
      );
      if (!removed) break;
    }
  }
}

/** `--docker_config`: the JSON text itself, or the content of the absolute path it names. */
async function readDockerConfig(value: string | undefined): Promise<Result<string | undefined>> {
  if (value === undefined) return ok(undefined);
  if (!value.startsWith('/')) return ok(value);
  try {
    const text = await readFile(value, 'utf8');
    JSON.parse(text);
    return ok(text);
  } catch (e) {
    return err(new MesosTsError('INVALID_ARGUMENT', `Failed to read --docker_config '${value}': ${(e as Error).message}`, { cause: e }));
  }
}

/** Container IDs that have a run directory in `workDir` (`slaves/<a>/frameworks/<f>/executors/<e>/runs/<c>`). */
export async function containersOfWorkDir(workDir: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const list = async (dir: string): Promise<string[]> => readdir(dir).catch(() => [] as string[]);
  const slaves = join(workDir, 'slaves');
  for (const agent of await list(slaves)) {
    const frameworks = join(slaves, agent, 'frameworks');
    for (const framework of await list(frameworks)) {
      const executors = join(frameworks, framework, 'executors');
      for (const executor of await list(executors)) {
        for (const run of await list(join(executors, executor, 'runs'))) if (run !== 'latest') ids.add(run);
      }
    }
  }
  return ids;
}

async function recoverOrphans(
  workDir: string,
  parts: { mesos: MesosContainerizer | undefined; docker: DockerContainerizer | undefined; provisioner: Provisioner | undefined; logger: ContainerizerLogger },
): Promise<Result<RecoveryReport>> {
  const mine = await containersOfWorkDir(workDir);
    let cgroups: readonly string[] = [];
  let docker: readonly string[] = [];
  let rootfses: readonly string[] = [];
  if (parts.mesos !== undefined) {
    const present = parts.mesos.cgroups === undefined ? [] : await parts.mesos.cgroups.list().catch(() => [] as string[]);
    const recovered = await parts.mesos.recover(present.filter((id) => !mine.has(id)));
    if (!recovered.ok) return recovered;
    cgroups = recovered.value;
  }
  if (parts.docker !== undefined) {
    // Not DockerContainerizer.recover: it adopts every container it is told is known, and other agents' are not ours.
    const client = parts.docker.client;
    const listed = await client.listContainers({ all: true, filters: { name: ['mesos-'] } }).catch(() => undefined);
    if (listed === undefined) parts.logger.warn({}, 'Cannot list Docker containers; orphans of an earlier run are left');
    const removed: string[] = [];
    for (const info of listed ?? []) {
      const id = info.Names.map((n) => /^\/?mesos-(.+)$/.exec(n)?.[1]).find((x) => x !== undefined);
      if (id === undefined || !mine.has(id)) continue;
      try {
        await client.getContainer(info.Id).remove({ force: true, v: true });
        removed.push(id);
        parts.logger.info({ containerId: id }, 'Removed the Docker container of an earlier run');
      } catch (e) {
        parts.logger.warn({ containerId: id, err: e }, 'Failed to remove the Docker container of an earlier run');
      }
    }
    docker = removed;
  }
  if (parts.provisioner !== undefined) {
    // The provisioner's directory is this agent's own (<work_dir>/provisioner): nothing there is known any more.
    rootfses = await parts.provisioner.recover([]).catch((e: unknown) => {
      parts.logger.warn({ err: e }, 'Provisioner recovery failed');
      return [] as string[];
    });
  }
  return ok({ cgroups, docker, rootfses });
}
