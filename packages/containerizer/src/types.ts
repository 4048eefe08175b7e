/**
 * The Containerizer interface: what the agent asks of whatever runs its executors. Mesos's
 * `Containerizer` (src/slave/containerizer/containerizer.hpp) launches a container for an executor, waits for it,
 * destroys it and reports its usage; isolation (cgroups, namespaces, images) is an implementation detail behind
 * it. The posix containerizer here is the first implementation; later ones keep this interface.
 */
import type { Result } from '@mesos-ts/errors';
import type { LaunchMount } from './isolators/isolator';
import type { CommandInfo, ContainerInfo, ResourceStatistics, Resource, TaskStatus_Reason } from '@mesos-ts/proto';

/** Everything needed to start one container running an executor. */
export interface ContainerConfig {
  /** The agent-chosen container ID (a UUID), unique on the agent. */
  readonly containerId: string;
  /**
   * What to run: `shell` (default true) runs `value` with `/bin/sh -c`; `shell: false` executes `value` with
   * `arguments` as argv (argv[0] included, as Mesos). `environment` variables are added to `environment` below
   * (the command's own win). `user`, when set, overrides {@link ContainerConfig.user}.
   */
  readonly command: CommandInfo;
  /** The environment the agent gives the executor (MESOS_* variables and the like); nothing else is inherited. */
  readonly environment: Readonly<Record<string, string>>;
  /** The sandbox: an existing directory, the working directory; `stdout` and `stderr` files are created in it. */
  readonly sandbox: string;
  /** Run as this user (the agent's `--switch_user`); absent: as the agent's user. */
  readonly user?: string;
  /** The container's resources (executor + tasks), for limits and statistics. */
  readonly resources: readonly Resource[];
  /**
   * The executor's ContainerInfo (type MESOS with an image, or DOCKER; volumes), absent for a plain command. A
   * containerizer that cannot honour it must refuse the launch rather than run the command on the host.
   */
  readonly container?: ContainerInfo;
  /**
   * Host paths the container must see at `containerPath` (relative paths are inside the sandbox): the persistent
   * volumes among the resources, resolved by the agent. filesystem/linux bind-mounts them; without it the agent
   * links them into the sandbox itself.
   */
  readonly mounts?: readonly ContainerMount[];
  /**
   * Set when `command` is the command executor of one task, whose CommandInfo this is (Mesos's
   * `ContainerConfig.task_info`). With an image, the executor then stays on the host, in the container's cgroups
   * and namespaces, and only this command runs in the image's root filesystem: the containerizer gives the
   * executor the root filesystem, the mounts and the command settled with the image's config as flags
   * (`--rootfs`, `--sandbox_directory`, `--working_directory`, `--task_command`, `--task_environment`,
   * `--launch_info`; see {@link TaskLaunchInfo}), as Mesos's containerizer passes `--rootfs` to `mesos-executor`.
   */
  readonly taskCommand?: CommandInfo;
}

/**
 * What the command executor needs to start its task in a root filesystem (the JSON of its `--launch_info` flag):
 * the mounts to make in the task's own mount namespace before pivot_root, and the helper programs.
 */
export interface TaskLaunchInfo {
  readonly mounts: readonly LaunchMount[];
  /** util-linux `unshare` and `mount`, and the statically linked busybox that runs the rootfs script. */
  readonly unshare: string;
  readonly mount: string;
  readonly busybox: string;
}

/** One host path made visible inside a container. */
export interface ContainerMount {
  readonly hostPath: string;
  /** Absolute (inside the container's root filesystem) or relative to the sandbox. */
  readonly containerPath: string;
  readonly readOnly: boolean;
}

/** How a container ended. */
export interface ContainerTermination {
  /** The wait(2)-style status (exit code << 8, or the signal number); absent if unknown (e.g. after recovery). */
  readonly status?: number;
  /** Exit code when it exited normally. */
  readonly exitCode?: number;
  /** Signal name when it was killed by a signal, e.g. `SIGKILL`. */
  readonly signal?: string;
  /** Why, in words, e.g. "Container destroyed" or "Executor exited with status 1". */
  readonly message: string;
  /** Set when the containerizer ended the container because it hit a limit (e.g. an OOM kill). */
  readonly limitation?: ContainerLimitation;
}

/** A resource limit a container hit, which ended it (Mesos's ContainerLimitation). */
export interface ContainerLimitation {
  /** The TaskStatus reason the task's terminal update carries, e.g. REASON_CONTAINER_LIMITATION_MEMORY. */
  readonly reason: TaskStatus_Reason;
  /** Why, in words, as Mesos words it ("Memory limit exceeded: Requested: 64MB Maximum Used: 64MB ..."). */
  readonly message: string;
  /** The resources that were exceeded, e.g. `{ mem: 64 }` in Mesos's units (MB for mem); informational. */
  readonly resources?: Readonly<Record<string, number>>;
}

/** A container that was started. */
export interface LaunchedContainer {
  readonly containerId: string;
  /** The pid of the container's first process (also its process group ID). */
  readonly pid: number;
}

export interface Containerizer {
  /**
   * Starts a container. Resolves once the process runs (an error if it could not be started: a missing
   * sandbox, an unknown user, a command that cannot be executed, a duplicate container ID).
   */
  launch(config: ContainerConfig): Promise<Result<LaunchedContainer>>;
  /** Resolves when the container has ended (every process of it); `undefined` for an unknown container. */
  wait(containerId: string): Promise<ContainerTermination | undefined>;
  /**
   * Ends a container: SIGTERM to all of its processes, SIGKILL after `gracePeriodMs` (default 0: SIGKILL at once),
   * then resolves with its termination, or `undefined` if unknown. Idempotent.
   */
  destroy(containerId: string, gracePeriodMs?: number): Promise<ContainerTermination | undefined>;
  /** Current usage statistics of a running container (Mesos's ResourceStatistics). */
  usage(containerId: string): Promise<Result<ResourceStatistics>>;
  /** IDs of the containers launched and not yet ended. */
  containers(): readonly string[];
}
