/**
 * The Isolator interface, in the shape of Mesos's `mesos::slave::Isolator` (src/slave/containerizer/mesos/
 * isolator.hpp): each isolator takes part in a container's life at fixed points, and the Mesos containerizer
 * calls all the selected ones in order.
 *
 *   recover(known) ─ once at start: forget or clean up what belongs to containers not in `known`
 *   prepare        ─ before the launch: make cgroups, set limits; contributes to how the process is started
 *   isolate(pid)   ─ after the process started (it is already in its cgroups, it joined them before exec)
 *   watch          ─ resolves only when a limit was hit (an OOM kill): the containerizer then destroys it
 *   usage          ─ the part of ResourceStatistics this isolator knows
 *   cleanup        ─ after every process of the container is gone
 */
import type { ResourceStatistics, TaskStatus_Reason } from '@mesos-ts/proto';
import type { ContainerConfig } from '../types';
import type { CgroupController } from '../cgroups/layout';
import type { ContainerLimitation } from '../types';

/** Linux namespaces the linux launcher can create for a container. */
export type Namespace = 'pid' | 'mount' | 'uts' | 'ipc' | 'net';

export type { ContainerLimitation };

/** What an isolator adds to the launch of a container (Mesos's ContainerLaunchInfo, trimmed). */
export interface LaunchContribution {
  /** Cgroup directories the process joins (writes its pid to `cgroup.procs`) before it executes. */
  readonly cgroups?: readonly string[];
  /** Namespaces to create (the linux launcher only; the posix launcher refuses a contribution with any). */
  readonly namespaces?: readonly Namespace[];
  /** Variables added to the container's environment (the command's own still win). */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Mounts the linux launcher makes, in order, inside the container's new mount namespace before the task runs
   * (so they vanish with it). Needs the `mount` namespace.
   */
  readonly mounts?: readonly LaunchMount[];
  /** A root filesystem (host path) the launcher enters with pivot_root after the mounts (filesystem/linux). */
  readonly rootfs?: string;
}

/** One mount the linux launcher makes for a container (Mesos's ContainerMountInfo). */
export interface LaunchMount {
  /** A host path for a bind mount; the device/filesystem name (`proc`, `tmpfs`, ...) otherwise. */
  readonly source: string;
  /** The mount point as a host path (inside the root filesystem when there is one); made when missing. */
  readonly target: string;
  /** The filesystem type; absent for a bind mount. */
  readonly type?: string;
  /** `mount -o` options of a filesystem mount. */
  readonly options?: string;
  /** A bind mount made read-only (a bind, then a read-only remount). */
  readonly readOnly?: boolean;
  /** A recursive bind (`--rbind`): mounts below the source come along. */
  readonly recursive?: boolean;
  /** The source is a file: the mount point is made as an empty file. */
  readonly file?: boolean;
  /** Skipped when the source or the mount point's parent does not exist (parts of /proc or /sys some kernels lack). */
  readonly optional?: boolean;
}

/** Everything an isolator is told about a container it prepares. */
export interface IsolatorContainer {
  readonly containerId: string;
  readonly config: ContainerConfig;
  /** The `cpus` and `mem` (bytes) the container's resources hold. */
  readonly limits: { readonly cpus?: number; readonly memBytes?: bigint };
  /** The provisioned root filesystem (host path) when the container runs an image. */
  readonly rootfs?: string;
}

/** One isolator; see the module comment for when each method runs. */
export interface Isolator {
  /** The Mesos name, e.g. `cgroups/mem`. */
  readonly name: string;
  /** The cgroup controllers this isolator needs for each container (the containerizer creates them first). */
  readonly controllers: readonly CgroupController[];
  /** Cleans up what belongs to containers not in `known` (after an agent restart). */
  recover(known: readonly string[]): Promise<void>;
  /** Sets up the container before its launch; throws with a message naming what failed. */
  prepare(container: IsolatorContainer): Promise<LaunchContribution | undefined>;
  /** Called with the container's first process once it runs (and is in its cgroups). */
  isolate(containerId: string, pid: number): Promise<void>;
  /** Resolves when the container hits a limit; never resolves otherwise (until cleanup). */
  watch(containerId: string): Promise<ContainerLimitation>;
  /**
   * Checks at once whether a limit was hit; the containerizer calls it when the container's first process has
   * exited, because a limit whose watch has not fired yet (polled counters) must still be reported.
   */
  check?(containerId: string): Promise<ContainerLimitation | undefined>;
  /** This isolator's part of the container's statistics. */
  usage(containerId: string): Promise<Partial<ResourceStatistics>>;
  /** Forgets the container; its processes are gone. */
  cleanup(containerId: string): Promise<void>;
}

/** A promise that never settles: what `watch` answers for a container without limits to watch. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
