/**
 * The Mesos containerizer (Mesos's `MesosContainerizer`, src/slave/containerizer/mesos/containerizer.cpp): a
 * launcher (posix or linux) plus the isolators selected by `--isolation`, composed in Mesos's order:
 *
 *   launch:  create cgroups -> prepare every isolator -> fork (joins cgroups, enters namespaces) -> isolate(pid)
 *            -> watch every isolator (a limitation destroys the container)
 *   end:     the first process exits -> limitation check -> kill the rest (cgroup kill / process group) -> wait
 *            until empty -> cleanup every isolator -> remove the cgroups
 *   usage:   every isolator's statistics merged, plus the limits from the container's resources
 *   recover: isolators forget unknown containers; cgroups of unknown containers are killed and removed
 */
import { closeSync, constants, openSync } from 'node:fs';
import { access, lchown, readdir, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { ContainerInfo_Type, type Image, type ResourceStatistics } from '@mesos-ts/proto';
import { CgroupsManager, type ContainerCgroups } from './cgroups/manager';
import type { CgroupController, CgroupLayout } from './cgroups/layout';
import { buildEnvironment, buildLaunchSpec, containerLimits, type ContainerLimits } from './internal/launch-spec';
import { groupAlive, signalContainer } from './internal/proc';
import { describeExit } from './internal/termination';
import { lookupUser, type UserIdentity } from './internal/users';
import type { ContainerLimitation, Isolator, Namespace } from './isolators/isolator';
import { createIsolators, needsCgroups } from './isolators/registry';
import { FilesystemLinuxIsolator, findProgramInRootfs } from './isolators/filesystem-linux';
import type { LaunchMount } from './isolators/isolator';
import { computeImageLaunch } from './provisioner/image-config';
import { commandTaskFlags } from './command-task';
import type { Provisioner } from './provisioner/provisioner';
import { resolveNvidiaGpus, type NvidiaSetup } from './gpu/resources';
import { createLinuxLauncher, createPosixLauncher, type ForkExit, type Launcher, type LauncherTools } from './launcher/launcher';
import type { ContainerizerLogger } from './posix-containerizer';
import type { ContainerConfig, ContainerTermination, Containerizer, LaunchedContainer } from './types';
import { ContainerBook } from './internal/container-book';

/** A termination of a Mesos container (the limitation, if any, is ContainerTermination's own field). */
export type MesosContainerTermination = ContainerTermination;

/** Options of {@link MesosContainerizer}; the names follow the agent's flags. */
export interface MesosContainerizerOptions {
  /** `--isolation`: Mesos isolator names (default `posix/cpu`, `posix/mem`). */
  readonly isolation?: readonly string[];
  /** `--launcher` (default `posix`). */
  readonly launcher?: 'posix' | 'linux';
  /** `--cgroups_root` (default `mesos`). */
  readonly cgroupsRoot?: string;
  /** `--cgroups_enable_cfs`: CPU quota as well as shares. */
  readonly enableCfs?: boolean;
  /** `pids.max` of each container with `cgroups/pids`. */
  readonly pidsMax?: number;
  /** How often `cgroups/mem` reads the OOM counters (default 250 ms). */
  readonly memPollMs?: number;
  /** disk/du: `--container_disk_watch_interval` in ms (default 15 s). */
  readonly containerDiskWatchIntervalMs?: number;
  /** disk/du: `--enforce_container_disk_quota`. */
  readonly enforceContainerDiskQuota?: boolean;
  /** cgroups/devices: entries allowed besides Mesos's default list (`c 10:229 rwm` style). */
  readonly allowedDevices?: readonly string[];
  /** gpu/nvidia: the agent's GPUs (from resolveNvidiaGpus); detected with nvidia-smi when absent. */
  readonly nvidia?: NvidiaSetup;
  /** The cgroup hierarchies (detected from /proc/self/mountinfo when absent). */
  readonly cgroupsLayout?: CgroupLayout;
  /** Paths of sh, unshare and setpriv. */
  readonly tools?: LauncherTools;
  readonly logger?: ContainerizerLogger;
  /** Milliseconds since the epoch, for usage timestamps. */
  readonly now?: () => number;
  /** How many ended containers to remember for late `wait`/`destroy` (default 1000). */
  readonly keepTerminated?: number;
  /**
   * Gives containers whose `ContainerInfo.mesos.image` is set their root filesystem (needs `filesystem/linux`
   * and the linux launcher). Without it such launches are refused. {@link MesosContainerizer.recover} recovers it.
   */
  readonly provisioner?: Provisioner;
  /** `--sandbox_directory`: where the sandbox appears inside an image's root filesystem (default `/mnt/mesos/sandbox`). */
  readonly sandboxDirectory?: string;
}

interface Container {
  readonly containerId: string;
  readonly pid: number;
  readonly limits: ContainerLimits;
  readonly cgroups?: ContainerCgroups;
  readonly ended: Promise<MesosContainerTermination>;
  readonly end: (termination: MesosContainerTermination) => void;
  destroying?: Promise<MesosContainerTermination>;
  limitation?: ContainerLimitation;
  /** While true a graceful destroy lets processes finish: the end handler does not SIGKILL yet. */
  graceful: boolean;
  over: boolean;
  readonly sessions: Set<number>;
  /** The provisioner made a root filesystem for it, to be destroyed once it ended. */
  provisioned?: boolean;
}

const SILENT: ContainerizerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const OUTPUT_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
type Failure = { readonly ok: false; readonly error: MesosTsError };

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await lchown(dir, uid, gid);
  for (const entry of await readdir(dir, { recursive: true })) await lchown(join(dir, entry), uid, gid);
}

/**
 * Checks that `file` can be executed, looking it up in `path` when it has no `/`; the wrappers would otherwise
 * report a missing program only as exit status 127. Returns the reason when it cannot.
 */
export async function checkProgram(file: string, path: string | undefined, cwd: string): Promise<string | undefined> {
  const executable = async (candidate: string): Promise<boolean> =>
    (await stat(candidate).catch(() => undefined))?.isFile() === true &&
    (await access(candidate, constants.X_OK).then(() => true, () => false));
  if (file.includes('/')) {
    return (await executable(isAbsolute(file) ? file : join(cwd, file))) ? undefined : `'${file}' is not an executable file`;
  }
  for (const dir of (path ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    if (dir && (await executable(join(dir, file)))) return undefined;
  }
  return `'${file}' was not found in PATH '${path ?? ''}'`;
}

/** Mesos's containerizer with a launcher and isolators; see the module comment and the package README. */
export class MesosContainerizer implements Containerizer {
  private readonly logger: ContainerizerLogger;
  private readonly now: () => number;
  /** Running, launching and recently ended containers. */
  private readonly book: ContainerBook<Container, MesosContainerTermination>;

  private constructor(
    private readonly launcher: Launcher,
    private readonly isolators: readonly Isolator[],
    /** Present when any isolator or the linux launcher uses cgroups. */
    readonly cgroups: CgroupsManager | undefined,
    options: MesosContainerizerOptions,
  ) {
    this.logger = options.logger ?? SILENT;
    this.now = options.now ?? Date.now;
    this.book = new ContainerBook(Math.max(0, options.keepTerminated ?? 1000));
    this.provisioner = options.provisioner;
    this.tools = options.tools;
  }

  private readonly tools: LauncherTools | undefined;

  private readonly provisioner: Provisioner | undefined;

  /**
   * Builds a containerizer: detects the cgroup hierarchies when cgroups are needed and creates the isolators. An
   * unknown isolator, a missing controller or `namespaces/pid` with the posix launcher is an INVALID_ARGUMENT.
   */
  static async create(options: MesosContainerizerOptions = {}): Promise<Result<MesosContainerizer>> {
    const isolation = options.isolation ?? ['posix/cpu', 'posix/mem'];
    const launcherName = options.launcher ?? 'posix';
    if (launcherName !== 'posix' && launcherName !== 'linux') {
      return err(new MesosTsError('INVALID_ARGUMENT', `Unknown launcher '${String(launcherName)}'; expected 'posix' or 'linux'`));
    }
    let cgroups: CgroupsManager | undefined;
    if (needsCgroups(isolation) || launcherName === 'linux') {
      try {
        cgroups = await CgroupsManager.open({
          ...(options.cgroupsLayout ? { layout: options.cgroupsLayout } : {}),
          ...(options.cgroupsRoot !== undefined ? { root: options.cgroupsRoot } : {}),
        });
      } catch (error) {
        return err(new MesosTsError('INVALID_ARGUMENT', `Cannot use cgroups: ${(error as Error).message}`, { cause: error }));
      }
      // The linux launcher kills through cgroups only where some hierarchy can hold the container.
      if (!needsCgroups(isolation) && cgroups.layout.v1.size === 0 && !cgroups.layout.v2) cgroups = undefined;
    }
    let nvidia = options.nvidia;
    if (!nvidia && isolation.some((name) => name.trim() === 'gpu/nvidia')) {
      const resolved = await resolveNvidiaGpus({ isolation });
      if (!resolved.ok) return resolved;
      nvidia = resolved.value.nvidia;
    }
    const isolators = createIsolators(isolation, {
      ...(cgroups ? { cgroups } : {}),
      launcher: launcherName,
      ...(options.enableCfs !== undefined ? { enableCfs: options.enableCfs } : {}),
      ...(options.pidsMax !== undefined ? { pidsMax: options.pidsMax } : {}),
      ...(options.memPollMs !== undefined ? { memPollMs: options.memPollMs } : {}),
      ...(options.containerDiskWatchIntervalMs !== undefined ? { diskWatchIntervalMs: options.containerDiskWatchIntervalMs } : {}),
      ...(options.enforceContainerDiskQuota !== undefined ? { enforceDiskQuota: options.enforceContainerDiskQuota } : {}),
      ...(options.allowedDevices ? { allowedDevices: options.allowedDevices } : {}),
      ...(nvidia ? { nvidia } : {}),
      ...(options.sandboxDirectory !== undefined ? { sandboxDirectory: options.sandboxDirectory } : {}),
    });
    if (!isolators.ok) return isolators;
    const launcher = launcherName === 'linux' ? createLinuxLauncher(options.tools) : createPosixLauncher(options.tools);
    return ok(new MesosContainerizer(launcher, isolators.value, cgroups, options));
  }

  /** The isolators in use, by Mesos name. */
  isolation(): readonly string[] {
    return this.isolators.map((i) => i.name);
  }

  async launch(config: ContainerConfig): Promise<Result<LaunchedContainer>> {
    const image = this.checkContainerInfo(config);
    if (!image.ok) return image;
    if (image.value === undefined) {
      const spec = buildLaunchSpec(config);
      if (!spec.ok) return spec;
    } else if (typeof config.containerId !== 'string' || config.containerId.length === 0) {
      // The rest is checked once the image is known: its Entrypoint and Cmd may stand in for the command's value.
      return err(new MesosTsError('INVALID_ARGUMENT', 'containerId must be a non-empty string'));
    }
    const { containerId } = config;
    return this.book.launch(containerId, () => this.start(config, image.value), (error: unknown) => this.failure(containerId, 'INTERNAL', (error as Error).message, error));
  }

  async wait(containerId: string): Promise<MesosContainerTermination | undefined> {
    return this.book.wait(containerId);
  }

  async destroy(containerId: string, gracePeriodMs = 0): Promise<MesosContainerTermination | undefined> {
    return this.book.destroy(containerId, gracePeriodMs, (container, grace) => this.kill(container, grace));
  }

  async usage(containerId: string): Promise<Result<ResourceStatistics>> {
    const container = this.book.running.get(containerId);
    if (!container) return err(new MesosTsError('NOT_FOUND', `Unknown container '${containerId}'`));
    try {
      const parts = await Promise.all(this.isolators.map((isolator) => isolator.usage(containerId)));
      const merged: ResourceStatistics = Object.assign({}, ...parts, { timestamp: this.now() / 1000 }) as ResourceStatistics;
      // As Mesos, the limits reported are the container's resources.
      if (container.limits.cpus !== undefined) merged.cpusLimit = container.limits.cpus;
      if (container.limits.memBytes !== undefined) merged.memLimitBytes = container.limits.memBytes;
      return ok(merged);
    } catch (error) {
      const message = `Failed to read usage of container '${containerId}': ${(error as Error).message}`;
      return err(new MesosTsError('INTERNAL', message, { cause: error }));
    }
  }

  containers(): readonly string[] {
    return [...this.book.running.keys()];
  }

  /**
   * After an agent restart: every isolator forgets containers not in `known`, and the cgroups of containers that
   * are neither known nor running here (orphans) are killed, waited for and removed. Resolves with the orphans'
   * IDs. Known containers' cgroups are left alone (adopting their processes is not built yet).
   */
  async recover(known: readonly string[]): Promise<Result<string[]>> {
    const keep = [...new Set([...known, ...this.book.ids()])];
    try {
      for (const isolator of this.isolators) await isolator.recover(keep);
      // Root filesystems of containers that are gone (the agent died before destroying them).
      if (this.provisioner) await this.provisioner.recover(keep);
      if (!this.cgroups) return ok([]);
      const orphans = (await this.cgroups.list()).filter((id) => !keep.includes(id));
      for (const id of orphans) {
        this.logger.info({ containerId: id }, 'Destroying orphan container');
        await this.cgroups.destroy(id);
      }
      return ok(orphans);
    } catch (error) {
      return err(new MesosTsError('INTERNAL', `Failed to recover containers: ${(error as Error).message}`, { cause: error }));
    }
  }

  /**
   * What of `config.container` this containerizer honours: a MESOS container, with an image only when
   * `filesystem/linux` and a provisioner are there. Resolves the image, if any.
   */
  private checkContainerInfo(config: ContainerConfig): Result<Image | undefined> {
    const info = config?.container;
    if (info === undefined) return ok(undefined);
    const refuse = (message: string): Result<Image | undefined> =>
      err(new MesosTsError('INVALID_ARGUMENT', `Failed to launch container '${String(config.containerId)}': ${message}`));
    if (info.type === ContainerInfo_Type.DOCKER) return refuse('ContainerInfo of type DOCKER needs the docker containerizer (--containerizers=docker)');
    const image = info.mesos?.image;
    if (image === undefined) return ok(undefined);
    if (!this.isolators.some((i) => i instanceof FilesystemLinuxIsolator) || this.launcher.name !== 'linux') {
      return refuse("a container image needs the 'filesystem/linux' isolator and the linux launcher (--isolation=filesystem/linux, --launcher=linux)");
    }
    if (!this.provisioner) return refuse('a container image needs an image provisioner, and this containerizer has none (--image_providers=docker)');
    return ok(image);
  }

  private async start(config: ContainerConfig, image: Image | undefined): Promise<Result<LaunchedContainer>> {
    const { containerId, sandbox } = config;
    if (!(await stat(sandbox).catch(() => undefined))?.isDirectory()) {
      return this.failure(containerId, 'INVALID_ARGUMENT', `sandbox '${sandbox}' is not an existing directory`);
    }
    let user: UserIdentity | undefined;
    const userName = config.command.user ?? config.user;
    if (userName !== undefined) {
      const found = await lookupUser(userName);
      if (!found.found) return this.failure(containerId, 'INVALID_ARGUMENT', found.reason);
      if (process.geteuid?.() !== found.user.uid || process.getegid?.() !== found.user.gid) user = found.user;
    }
    const limits = containerLimits(config.resources);
    let cgroups: ContainerCgroups | undefined;
    const cleanupAfterFailure = async (): Promise<void> => {
      for (const isolator of this.isolators) await isolator.cleanup(containerId).catch(() => undefined);
      if (cgroups) await this.cgroups?.destroy(containerId, 10_000).catch(() => undefined);
      if (image) await this.provisioner?.destroy(containerId).catch(() => undefined);
    };
    let out: number | undefined;
    let errFd: number | undefined;
    try {
      // Cgroups first: the isolators set their limits in them.
      const controllers = [...new Set(this.isolators.flatMap((i) => i.controllers))] as CgroupController[];
      if (this.cgroups && (controllers.length > 0 || this.launcher.name === 'linux')) {
        cgroups = await this.cgroups.create(containerId, controllers);
      }
      // The image's root filesystem before the isolators: filesystem/linux mounts into it.
      const provisioned = image ? await this.provisioner!.provision(containerId, image) : undefined;
      if (provisioned && !provisioned.ok) throw provisioned.error;
      const rootfs = provisioned?.value.rootfs;
      const namespaces: Namespace[] = [];
      const mounts: LaunchMount[] = [];
      const joins = new Set(cgroups?.paths ?? []);
      let extraEnv: Record<string, string> = {};
      for (const isolator of this.isolators) {
        const contribution = await isolator.prepare({ containerId, config, limits, ...(rootfs !== undefined ? { rootfs } : {}) });
        for (const path of contribution?.cgroups ?? []) joins.add(path);
        namespaces.push(...(contribution?.namespaces ?? []));
        mounts.push(...(contribution?.mounts ?? []));
        extraEnv = { ...extraEnv, ...contribution?.environment };
      }
      // With an image: its Entrypoint, Cmd, Env and WorkingDir apply by Mesos's rules; the program is looked up
      // inside the root filesystem; the task starts in the image's WorkingDir or the sandbox's mount point.
      let command = config.command;
      let workingDirectory: string | undefined;
      let baseEnv: Record<string, string> = { ...config.environment, ...extraEnv };
      let forkMounts = mounts;
      if (provisioned?.ok && config.taskCommand !== undefined) {
        // A command task: the executor stays on the host (no mounts, no pivot_root, its own MESOS_SANDBOX) and
        // starts the task in the image itself, from what these flags tell it.
        const fs = this.isolators.find((i): i is FilesystemLinuxIsolator => i instanceof FilesystemLinuxIsolator);
        const flags = await commandTaskFlags({
          taskCommand: config.taskCommand,
          image: provisioned.value.config,
          rootfs: provisioned.value.rootfs,
          sandboxDirectory: fs!.sandboxDirectory,
          mounts,
          executorEnvironment: config.environment,
          isolatorEnvironment: extraEnv,
          tools: { unshare: this.tools?.unshare ?? '/usr/bin/unshare', mount: this.tools?.mount ?? '/bin/mount', busybox: this.tools?.busybox ?? '/bin/busybox' },
        });
        if (!flags.ok) throw flags.error;
        command = { ...config.command, arguments: [...(config.command.arguments ?? []), ...flags.value] };
        baseEnv = { ...config.environment };
        forkMounts = [];
      } else if (provisioned?.ok) {
        const imageLaunch = computeImageLaunch(config.command, provisioned.value.config, baseEnv);
        if (!imageLaunch.ok) throw imageLaunch.error;
        command = imageLaunch.value.command;
        baseEnv = { ...imageLaunch.value.environment };
        const fs = this.isolators.find((i): i is FilesystemLinuxIsolator => i instanceof FilesystemLinuxIsolator);
        workingDirectory = imageLaunch.value.workingDirectory ?? fs!.sandboxDirectory;
      }
      const env = buildEnvironment(baseEnv, command);
      if (!env.ok) throw env.error;
      const spec = buildLaunchSpec({ ...config, command, environment: env.value });
      if (!spec.ok) throw spec.error;
      let file = spec.value.file;
      let missing: string | undefined;
      if (rootfs !== undefined && workingDirectory !== undefined) {
        const found = await findProgramInRootfs(rootfs, file, env.value.PATH, workingDirectory);
        if ('program' in found) file = found.program;
        else missing = found.reason;
      } else {
        missing = await checkProgram(file, env.value.PATH, sandbox);
      }
      if (missing) {
        await cleanupAfterFailure();
        return this.failure(containerId, 'INVALID_ARGUMENT', missing);
      }
      out = openSync(join(sandbox, 'stdout'), OUTPUT_FLAGS, 0o644);
      errFd = openSync(join(sandbox, 'stderr'), OUTPUT_FLAGS, 0o644);
      if (user) await chownTree(sandbox, user.uid, user.gid);
      const forked = await this.launcher.fork({
        containerId,
        file,
        args: spec.value.args,
        argv0: spec.value.argv0,
        env: spec.value.env,
        cwd: sandbox,
        stdout: out,
        stderr: errFd,
        ...(user ? { user } : {}),
        cgroups: [...joins],
        namespaces,
        ...(forkMounts.length > 0 ? { mounts: forkMounts } : {}),
        ...(rootfs !== undefined && workingDirectory !== undefined ? { rootfs: { path: rootfs, workingDirectory } } : {}),
      });
      if (!forked.ok) {
        await cleanupAfterFailure();
        this.logger.warn({ containerId, reason: forked.error.message }, 'Failed to launch container');
        return forked;
      }
      const { pid } = forked.value;
      const container = this.register(containerId, pid, limits, cgroups);
      if (image) container.provisioned = true;
      void forked.value.exited.then((exit) => this.leaderExited(container, exit));
      for (const isolator of this.isolators) await isolator.isolate(containerId, pid);
      for (const isolator of this.isolators) {
        void isolator.watch(containerId).then((limitation) => this.limited(container, limitation));
      }
      this.logger.info({ containerId, pid, launcher: this.launcher.name, isolation: this.isolation() }, 'Launched container');
      return ok({ containerId, pid });
    } catch (error) {
      await cleanupAfterFailure();
      const code = error instanceof MesosTsError ? 'INVALID_ARGUMENT' : 'INTERNAL';
      return this.failure(containerId, code, (error as Error).message, error);
    } finally {
      if (out !== undefined) closeSync(out);
      if (errFd !== undefined) closeSync(errFd);
    }
  }

  private register(containerId: string, pid: number, limits: ContainerLimits, cgroups: ContainerCgroups | undefined): Container {
    let end!: (termination: MesosContainerTermination) => void;
    const ended = new Promise<MesosContainerTermination>((resolve) => {
      end = resolve;
    });
    const container: Container = {
      containerId,
      pid,
      limits,
      ...(cgroups ? { cgroups } : {}),
      ended,
      end,
      graceful: false,
      over: false,
      sessions: new Set<number>(),
    };
    this.book.running.set(containerId, container);
    return container;
  }

  /** An isolator's limit was hit: remember why and destroy the container (as Mesos does). */
  private limited(container: Container, limitation: ContainerLimitation): void {
    if (container.over || container.limitation) return;
    container.limitation = limitation;
    this.logger.warn({ containerId: container.containerId, reason: limitation.reason, message: limitation.message }, 'Container hit a limit');
    void this.destroy(container.containerId);
  }

  /** The first process exited: report a limit hit, kill what is left, clean up, resolve the termination. */
  private async leaderExited(container: Container, exit: ForkExit): Promise<void> {
    const { containerId, pid } = container;
    if (!container.limitation) {
      for (const isolator of this.isolators) {
        const limitation = await isolator.check?.(containerId).catch(() => undefined);
        if (limitation) {
          container.limitation = limitation;
          break;
        }
      }
    }
    try {
      await this.reapRest(container);
    } catch (error) {
      this.logger.error({ containerId, err: error }, 'Failed to kill the rest of the container');
    }
    for (const isolator of this.isolators) {
      await isolator.cleanup(containerId).catch((error: unknown) => this.logger.warn({ containerId, err: error, isolator: isolator.name }, 'Isolator cleanup failed'));
    }
    if (container.cgroups) {
      await this.cgroups!.remove(containerId).catch((error: unknown) => this.logger.error({ containerId, err: error }, 'Failed to remove cgroups'));
    }
    if (container.provisioned) {
      // Every process is gone, so the mount namespace that held the rootfs is too: the rootfs can go.
      const destroyed = await this.provisioner!.destroy(containerId);
      if (!destroyed.ok) this.logger.error({ containerId, err: destroyed.error }, 'Failed to destroy the root filesystem');
    }
    const prefix = container.destroying && !container.limitation ? 'Container destroyed: ' : '';
    const described = describeExit(exit.code, exit.signal, prefix);
    const termination: MesosContainerTermination = container.limitation
      ? { ...described, message: container.limitation.message, limitation: container.limitation }
      : described;
    container.over = true;
    this.book.running.delete(containerId);
    this.book.remember(containerId, termination);
    this.logger.info({ containerId, pid, status: termination.status, signal: termination.signal, limited: container.limitation?.reason }, 'Container ended');
    container.end(termination);
  }

  /** Kills whatever of the container is left once its first process is gone, until nothing is. */
  private async reapRest(container: Container): Promise<void> {
    if (container.cgroups) {
      // A graceful destroy keeps the rest alive until its grace is over.
      while (container.graceful && !(await this.cgroups!.empty(container.containerId))) await delay(20);
      await this.cgroups!.killAndWait(container.containerId);
      return;
    }
    let interval = 5;
    while (await groupAlive(container.pid, container.sessions)) {
      if (!container.graceful) await signalContainer(container.pid, 'SIGKILL', container.sessions);
      await delay(interval);
      interval = Math.min(100, interval * 2);
    }
  }

  /** SIGTERM to everything, up to `graceMs` for it to end, then SIGKILL; resolves with the termination. */
  private async kill(container: Container, graceMs: number): Promise<MesosContainerTermination> {
    const { containerId, pid } = container;
    this.logger.info({ containerId, pid, gracePeriodMs: graceMs }, 'Destroying container');
    if (graceMs > 0 && !container.over) {
      container.graceful = true;
      await this.signalAll(container, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([container.ended, graceOver]);
      clearTimeout(timer);
      container.graceful = false;
    }
    if (!container.over) {
      if (container.cgroups) await this.cgroups!.kill(containerId).catch((error: unknown) => this.logger.error({ containerId, err: error }, 'cgroup kill failed'));
      else await signalContainer(pid, 'SIGKILL', container.sessions);
    }
    return container.ended;
  }

  private async signalAll(container: Container, signal: NodeJS.Signals): Promise<void> {
    if (container.cgroups) await this.cgroups!.signal(container.containerId, signal).catch(() => 0);
    else await signalContainer(container.pid, signal, container.sessions);
  }


  private failure(containerId: string, code: 'INVALID_ARGUMENT' | 'INTERNAL', reason: string, cause?: unknown): Failure {
    this.logger.warn({ containerId, reason }, 'Failed to launch container');
    return err(new MesosTsError(code, `Failed to launch container '${containerId}': ${reason}`, { cause }));
  }
}
