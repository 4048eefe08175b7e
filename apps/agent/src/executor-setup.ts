/**
 * How the agent describes and starts executors, as Mesos's `Slave::getExecutorInfo`,
 * `defaultExecutorCommandInfo` and `executorEnvironment` (src/slave/slave.cpp) do. Pure but for
 * {@link defaultLauncherDir} and the `exists` check injected into the command builders.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { formatDuration, formatDurationNanos } from '@mesos-ts/flags';
import { ContainerInfo_Type, type CommandInfo, type ContainerInfo, type ExecutorInfo, type FrameworkInfo, type Resource, type TaskInfo } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';

/** File names of the executors in `--launcher_dir` (Mesos's MESOS_EXECUTOR / MESOS_DEFAULT_EXECUTOR, as JS). */
export const COMMAND_EXECUTOR = 'mesos-executor.js';
export const DEFAULT_EXECUTOR = 'mesos-default-executor.js';
/** The Docker executor (Mesos's MESOS_DOCKER_EXECUTOR): runs a DOCKER command task's container from the host. */
export const DOCKER_EXECUTOR = 'mesos-docker-executor.js';

/** The allowance Mesos adds to a command executor (DEFAULT_EXECUTOR_CPUS, DEFAULT_EXECUTOR_MEM in MB). */
export const DEFAULT_EXECUTOR_CPUS = 0.1;
export const DEFAULT_EXECUTOR_MEM_MB = 32;

/** Mesos's EXECUTOR_REREGISTRATION_TIMEOUT, given to checkpointing executors as MESOS_SUBSCRIPTION_BACKOFF_MAX. */
export const EXECUTOR_REREGISTRATION_TIMEOUT_MS = 2_000;

/**
 * `--launcher_dir`'s default: the `dist` directory of @mesos-ts/executor, resolved at run time; when that
 * package cannot be resolved, the sibling app's build output relative to this file (apps/agent/{src,dist}).
 */
export function defaultLauncherDir(): string {
  // tsup shims __dirname in the ESM build; jest and the CJS build have it natively.
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  try {
    const resolve = createRequire(path.join(here, 'index.js')).resolve;
    return path.join(path.dirname(resolve('@mesos-ts/executor/package.json')), 'dist');
  } catch {
    return path.resolve(here, '../../executor/dist');
  }
}

/** How an executor binary is run: node on the JS file, argv as Mesos passes to its executors. */
function nodeExecutorCommand(launcherDir: string, file: string, exists: (p: string) => boolean): CommandInfo {
  const script = path.join(launcherDir, file);
  if (!exists(script)) {
    // As Mesos: the executor "starts" and fails at once, which reports the problem through the normal path.
    return { shell: true, value: `echo 'Cannot find ${script}: No such file or directory'; exit 1` };
  }
  return { shell: false, value: process.execPath, arguments: [process.execPath, script, `--launcher_dir=${launcherDir}`] };
}

/** Mesos's executor name for a command task: `Command Executor (Task: <id>) (Command: sh -c '<value>')`. */
export function commandExecutorName(task: TaskInfo): string {
  const id = task.taskId?.value ?? '';
  const command = task.command ?? {};
  let detail: string;
  if (command.shell ?? true) {
    const value = command.value;
    if (value === undefined) detail = '(Command: NO COMMAND)';
    else detail = `(Command: sh -c '${value.length > 15 ? `${value.slice(0, 12)}...` : value}')`;
  } else if (command.value === undefined) {
    detail = '(Command: NO EXECUTABLE)';
  } else {
    const args = `${command.value}, ${(command.arguments ?? []).join(', ')}`;
    detail = args.length > 15 ? `(Command: [${args.slice(0, 12)}...])` : `(Command: [${args}])`;
  }
  return `Command Executor (Task: ${id}) ${detail}`;
}

/**
 * The ExecutorInfo the agent makes for a command task (a task without `executor`), as Mesos's
 * `getExecutorInfo`: executor ID and source = the task ID, the task's URIs, environment, user, labels and
 * discovery, `<node> <launcher_dir>/mesos-executor.js --launcher_dir=<dir>` as the command, a shutdown grace
 * period of the task's kill grace period + 1 s when it has one, and 0.1 cpus + 32 MB of its own, allocated to
 * the task's role. The master does not account that allowance (Mesos overcommits it too).
 */
export function commandExecutorInfo(
  frameworkId: string,
  task: TaskInfo,
  launcherDir: string,
  exists: (p: string) => boolean,
): ExecutorInfo {
  const taskId = task.taskId?.value ?? '';
  // A DOCKER task gets the Docker executor, which runs on the host and drives the engine (Mesos's docker
  // containerizer swaps it in the same way); the containerizers then run it on the host, see docker-executors.ts.
  const file = task.container?.type === ContainerInfo_Type.DOCKER ? DOCKER_EXECUTOR : COMMAND_EXECUTOR;
  const command: CommandInfo = { ...nodeExecutorCommand(launcherDir, file, exists) };
  if (task.command?.uris !== undefined && task.command.uris.length > 0) command.uris = task.command.uris;
  if (task.command?.environment !== undefined) command.environment = task.command.environment;
  if (task.command?.user !== undefined) command.user = task.command.user;

  let overhead = Resources.mustParse(`cpus:${DEFAULT_EXECUTOR_CPUS};mem:${DEFAULT_EXECUTOR_MEM_MB}`);
  const role = task.resources?.find((r) => r.allocationInfo?.role !== undefined)?.allocationInfo?.role;
  if (role !== undefined) overhead = overhead.allocate(role);

  const info: ExecutorInfo = {
    executorId: { value: taskId },
    frameworkId: { value: frameworkId },
    name: commandExecutorName(task),
    source: taskId,
    command,
    resources: overhead.toProto(),
  };
  if (task.container !== undefined) info.container = task.container;
  if (task.labels !== undefined) info.labels = task.labels;
  if (task.discovery !== undefined) info.discovery = task.discovery;
  const grace = task.killPolicy?.gracePeriod?.nanoseconds;
  if (grace !== undefined) {
    // Mesos adds its reaper interval and a second so the container outlives the executor's TASK_KILLED.
    info.shutdownGracePeriod = { nanoseconds: grace + 2_000_000_000n };
  }
  return info;
}

/** The command of the default executor (ExecutorInfo type DEFAULT), Mesos's `defaultExecutorCommandInfo`. */
export function defaultExecutorCommand(launcherDir: string, user: string | undefined, exists: (p: string) => boolean): CommandInfo {
  const command: CommandInfo = { ...nodeExecutorCommand(launcherDir, DEFAULT_EXECUTOR, exists) };
  if (user !== undefined) command.user = user;
  return command;
}

/** The user an executor runs as: `CommandInfo.user`, else the framework's, when `--switch_user` (Mesos's `addExecutor`). */
export function executorUser(executor: ExecutorInfo, framework: FrameworkInfo, switchUser: boolean): string | undefined {
  if (!switchUser) return undefined;
  const user = executor.command?.user ?? framework.user;
  return user === undefined || user === '' ? undefined : user;
}

/** The resources of an executor's container: its own plus its first tasks', as Mesos gives the containerizer. */
export function containerResources(executor: ExecutorInfo, tasks: readonly TaskInfo[]): Resource[] {
  const parts = [executor.resources ?? [], ...tasks.map((t) => t.resources ?? [])];
  const sum = Resources.fromProto(parts.flat());
  return sum.ok ? sum.value.toProto() : parts.flat();
}

/** The executor's shutdown grace period: its own `shutdown_grace_period`, else `--executor_shutdown_grace_period`. */
export function shutdownGracePeriodMs(executor: ExecutorInfo, flagMs: number): number {
  const ns = executor.shutdownGracePeriod?.nanoseconds;
  return ns === undefined ? flagMs : Number(ns / 1_000_000n);
}

export interface ExecutorEnvironmentInput {
  readonly executor: ExecutorInfo;
  readonly frameworkId: string;
  readonly agentId: string;
  /** `slave(1)@ip:port`. */
  readonly agentPid: string;
  /** `ip:port` where the executor API is. */
  readonly agentEndpoint: string;
  readonly directory: string;
  readonly checkpoint: boolean;
  /** `--executor_shutdown_grace_period`. */
  readonly shutdownGracePeriodMs: number;
  /** `--recovery_timeout`. */
  readonly recoveryTimeoutMs: number;
  /** The agent's own environment (for LIBPROCESS_IP and PATH). */
  readonly agentEnv: Readonly<Record<string, string | undefined>>;
}

/**
 * The environment an executor starts with (Mesos's `executorEnvironment` plus what its containerizer adds:
 * MESOS_SANDBOX). All our executors speak HTTP, so MESOS_HTTP_COMMAND_EXECUTOR is always 1. The executor's
 * `CommandInfo.environment` is applied on top by the containerizer.
 */
export function executorEnvironment(input: ExecutorEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {};
  const libprocessIp = input.agentEnv['LIBPROCESS_IP'];
  if (libprocessIp !== undefined) env['LIBPROCESS_IP'] = libprocessIp;
  // Executors must bind an ephemeral port, never the agent's.
  env['LIBPROCESS_PORT'] = '0';
  const pathVar = input.agentEnv['PATH'];
  env['PATH'] = pathVar ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  env['MESOS_FRAMEWORK_ID'] = input.frameworkId;
  env['MESOS_EXECUTOR_ID'] = input.executor.executorId?.value ?? '';
  env['MESOS_DIRECTORY'] = input.directory;
  env['MESOS_SANDBOX'] = input.directory;
  env['MESOS_SLAVE_ID'] = input.agentId;
  env['MESOS_SLAVE_PID'] = input.agentPid;
  env['MESOS_AGENT_ENDPOINT'] = input.agentEndpoint;
  env['MESOS_CHECKPOINT'] = input.checkpoint ? '1' : '0';
  env['MESOS_HTTP_COMMAND_EXECUTOR'] = '1';
  const grace = input.executor.shutdownGracePeriod?.nanoseconds;
  env['MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD'] = grace === undefined ? formatDuration(input.shutdownGracePeriodMs) : formatDurationNanos(grace);
  if (input.checkpoint) {
    env['MESOS_RECOVERY_TIMEOUT'] = formatDuration(input.recoveryTimeoutMs);
    env['MESOS_SUBSCRIPTION_BACKOFF_MAX'] = formatDuration(EXECUTOR_REREGISTRATION_TIMEOUT_MS);
  }
  return env;
}

/**
 * Why an executor's tasks cannot run, or `undefined`. The executor's own ContainerInfo goes to the containerizers,
 * which decide whether one of them can serve it (an image needs `filesystem/linux`, DOCKER needs the docker
 * containerizer). A task of a custom or default executor that asks for a container of its own (an image or
 * DOCKER) would need a nested container, which this agent cannot launch: such a launch fails with
 * REASON_CONTAINER_LAUNCH_FAILED rather than running the task without its container. A command task's
 * container is its executor's (see {@link commandExecutorInfo}).
 */
export function unsupportedContainer(executor: ExecutorInfo, tasks: readonly TaskInfo[], commandExecutor: boolean): string | undefined {
  if (commandExecutor) return undefined;
  for (const task of tasks) {
    const container = task.container;
    if (container === undefined) continue;
    const what = container.type === ContainerInfo_Type.DOCKER ? 'a DOCKER container' : container.mesos?.image !== undefined ? 'a container image' : undefined;
    if (what !== undefined) {
      return `Task '${task.taskId?.value ?? ''}' of executor '${executor.executorId?.value ?? ''}' asks for ${what} of its own; nested containers are not supported, give the ContainerInfo to the executor instead`;
    }
  }
  return undefined;
}
