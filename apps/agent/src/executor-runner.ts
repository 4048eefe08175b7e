/**
 * The container side of executors: launching an executor's container with Mesos's environment, the
 * registration timeout, the shutdown grace period, destroying, and reporting the end (Mesos's
 * `launchExecutor`, `executorLaunched`, `registerExecutorTimeout`, `_shutdownExecutor`,
 * `shutdownExecutorTimeout`). What the end means for tasks is the core's business ({@link ExecutorRunnerOptions.onTerminated}).
 */
import { existsSync } from 'node:fs';
import type { ContainerConfig, ContainerMount, ContainerTermination, Containerizer, Fetcher } from '@mesos-ts/containerizer';
import { MesosTsError, err } from '@mesos-ts/errors';
import { formatDuration } from '@mesos-ts/flags';
import { ExecutorInfo_Type, TaskState, TaskStatus_Reason, Volume_Mode, executor as executorApi, type CommandInfo } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { defaultExecutorCommand, executorEnvironment, shutdownGracePeriodMs, unsupportedContainer } from './executor-setup';
import type { Logger } from './log';
import type { ExecutorRecord, FrameworkRecord } from './records';
import { persistentVolumePath } from './volumes';

export interface ExecutorRunnerOptions {
  readonly containerizer: Containerizer;
  /** Fetches `CommandInfo.uris` into the sandbox before the launch; without one, URIs are a launch failure. */
  readonly fetcher?: Fetcher;
  /** `--work_dir`, where persistent volumes live (for the container's mounts). */
  readonly workDir?: string;
  readonly launcherDir: string;
  readonly registrationTimeoutMs: number;
  readonly shutdownGracePeriodMs: number;
  readonly recoveryTimeoutMs: number;
  /** The agent's environment (PATH, LIBPROCESS_IP). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Logger;
  /** The agent's identity at launch time. */
  readonly agent: () => { readonly agentId: string; readonly pid: string; readonly endpoint: string };
  /**
   * The executor's container ended (`launched`: it had started; `termination` is what the containerizer said,
   * undefined when unknown) or could not be started (`launched` false, `pendingTermination` set).
   */
  readonly onTerminated: (framework: FrameworkRecord, executor: ExecutorRecord, termination: ContainerTermination | undefined, launched: boolean) => void;
}

/** See the module comment. */
export class ExecutorRunner {
  readonly #o: ExecutorRunnerOptions;
  #stopping = false;

  constructor(options: ExecutorRunnerOptions) {
    this.#o = options;
  }

  /** Starts the executor's container, arms its registration timeout and watches for its end. */
  async launch(framework: FrameworkRecord, executor: ExecutorRecord): Promise<void> {
    const { launcherDir, registrationTimeoutMs: timeoutMs } = this.#o;
    const info = executor.info;
    const command = info.type === ExecutorInfo_Type.DEFAULT && info.command === undefined ? defaultExecutorCommand(launcherDir, executor.user, existsSync) : info.command;
    const agent = this.#o.agent();
    const environment = executorEnvironment({
      executor: info,
      frameworkId: framework.id,
      agentId: agent.agentId,
      agentPid: agent.pid,
      agentEndpoint: agent.endpoint,
      directory: executor.directory,
      checkpoint: framework.info.checkpoint === true,
      shutdownGracePeriodMs: this.#o.shutdownGracePeriodMs,
      recoveryTimeoutMs: this.#o.recoveryTimeoutMs,
      agentEnv: this.#o.env,
    });
    executor.registrationTimer = setTimeout(() => this.#registrationTimeout(executor, timeoutMs), timeoutMs);
    executor.registrationTimer.unref();

    let failure: string;
    const unsupported = unsupportedContainer(info, [...executor.queuedTasks.values()], executor.commandExecutor);
    if (unsupported !== undefined) {
      failure = unsupported;
    } else if (command === undefined) {
      failure = "ExecutorInfo has no 'command' (required unless its type is DEFAULT)";
    } else {
      const fetched = await this.#fetch(executor, command);
      if (fetched !== undefined) {
        failure = fetched;
      } else if (executor.destroyRequested || this.#stopping) {
        // Destroyed while fetching: nothing is launched (Mesos destroys a container in FETCHING the same way).
        failure = 'Container destroyed while fetching';
      } else {
        const mounts = this.#mounts(executor);
        const config: ContainerConfig = {
          containerId: executor.containerId,
          command,
          environment,
          sandbox: executor.directory,
          resources: executor.resources,
          ...(executor.user === undefined ? {} : { user: executor.user }),
          ...(info.container === undefined ? {} : { container: info.container }),
          ...(mounts.length === 0 ? {} : { mounts }),
          // A command task's own command: with an image, only it enters the image, the executor stays on the host.
          ...(executor.commandExecutor ? { taskCommand: [...executor.queuedTasks.values()][0]?.command ?? {} } : {}),
        };
        const { containerizer } = this.#o;
        const launched = await containerizer.launch(config).catch((e: unknown) => err(new MesosTsError('INTERNAL', (e as Error).message, { cause: e })));
        if (launched.ok) {
          executor.pid = launched.value.pid;
          void containerizer
            .wait(executor.containerId)
            .catch(() => undefined)
            .then((termination) => this.#o.onTerminated(framework, executor, termination, true));
          // Destroyed while it was starting (shutdown, registration timeout, agent stopping): now it can go.
          if (executor.destroyRequested || this.#stopping) this.destroy(executor, 0);
          return;
        }
        failure = launched.error.message;
      }
    }
    this.#o.log.error(`Container '${executor.containerId}' for executor '${executor.id}' of framework ${framework.id} failed to start: ${failure}`);
    // A termination decided earlier (a registration timeout during a slow fetch) keeps its reason.
    executor.pendingTermination ??= { state: TaskState.TASK_FAILED, reason: TaskStatus_Reason.REASON_CONTAINER_LAUNCH_FAILED, message: `Failed to launch container: ${failure}` };
    this.#o.onTerminated(framework, executor, undefined, false);
  }

  /** Mesos's `_shutdownExecutor`: SHUTDOWN to the executor, its container destroyed after the grace period. */
  shutdown(executor: ExecutorRecord): void {
    if (executor.state !== 'REGISTERING' && executor.state !== 'RUNNING') return;
    this.#o.log.info(`Shutting down executor '${executor.id}' of framework ${executor.frameworkId}`);
    executor.state = 'TERMINATING';
    clearTimeout(executor.registrationTimer);
    executor.registrationTimer = undefined;
    executor.stream?.send({ type: executorApi.Event_Type.SHUTDOWN });
    const graceMs = shutdownGracePeriodMs(executor.info, this.#o.shutdownGracePeriodMs);
    executor.shutdownTimer = setTimeout(() => {
      executor.shutdownTimer = undefined;
      if (executor.state === 'TERMINATING') {
        this.#o.log.info(`Killing executor '${executor.id}' of framework ${executor.frameworkId}: its shutdown grace period is over`);
        this.destroy(executor, 0);
      }
    }, graceMs);
    executor.shutdownTimer.unref();
  }

  /** Destroys the executor's container (later, if it is still starting). */
  destroy(executor: ExecutorRecord, graceMs: number): void {
    if (executor.pid === undefined) {
      executor.destroyRequested = true;
      // Still fetching: the fetch is cancelled, and the launch then gives up.
      this.#o.fetcher?.kill(executor.containerId);
      return;
    }
    void this.#o.containerizer
      .destroy(executor.containerId, graceMs)
      .catch((e: unknown) => this.#o.log.error(`Failed to destroy container '${executor.containerId}': ${(e as Error).message}`));
  }

  /** Stops the timers of an executor that ended. */
  clearTimers(executor: ExecutorRecord): void {
    clearTimeout(executor.registrationTimer);
    clearTimeout(executor.shutdownTimer);
    executor.registrationTimer = executor.shutdownTimer = undefined;
  }

  /** The agent stops: destroys every executor's container (those still starting once they have started). */
  async stopAll(executors: Iterable<ExecutorRecord>): Promise<void> {
    this.#stopping = true;
    const destroying: Array<Promise<unknown>> = [];
    for (const executor of executors) {
      this.clearTimers(executor);
      executor.stream?.close();
      if (executor.state === 'TERMINATED') continue;
      if (executor.pid === undefined) {
        executor.destroyRequested = true;
        this.#o.fetcher?.kill(executor.containerId);
      } else destroying.push(this.#o.containerizer.destroy(executor.containerId).catch(() => undefined));
    }
    await Promise.all(destroying);
  }

  /**
   * Mesos's fetcher step of a launch: the executor's `CommandInfo.uris` (a command task's own) into the sandbox,
   * as the executor's user. Resolves with why it failed (naming the URI), or undefined.
   */
  async #fetch(executor: ExecutorRecord, command: CommandInfo): Promise<string | undefined> {
    const uris = command.uris ?? [];
    if (uris.length === 0) return undefined;
    const { fetcher } = this.#o;
    if (fetcher === undefined) return `Cannot fetch ${uris.length} URI(s): this agent has no fetcher`;
    this.#o.log.info(`Fetching ${uris.length} URI(s) into the sandbox of executor '${executor.id}'`, { container_id: executor.containerId });
    const fetched = await fetcher
      .fetch({ containerId: executor.containerId, uris, sandbox: executor.directory, user: executor.user })
      .catch((e: unknown) => err(new MesosTsError('INTERNAL', (e as Error).message, { cause: e })));
    return fetched.ok ? undefined : fetched.error.message;
  }

  /** The persistent volumes of the container as mounts: host directory -> `container_path` (relative: in the sandbox). */
  #mounts(executor: ExecutorRecord): ContainerMount[] {
    const { workDir } = this.#o;
    if (workDir === undefined) return [];
    const resources = Resources.fromProto(executor.resources);
    if (!resources.ok) return [];
    const mounts: ContainerMount[] = [];
    for (const volume of resources.value.persistentVolumes().toArray()) {
      const hostPath = persistentVolumePath(workDir, volume);
      const containerPath = volume.disk?.volume?.containerPath;
      if (!hostPath.ok || containerPath === undefined || containerPath === '') continue;
      mounts.push({ hostPath: hostPath.value, containerPath, readOnly: volume.disk?.volume?.mode === Volume_Mode.RO });
    }
    return mounts;
  }

  #registrationTimeout(executor: ExecutorRecord, timeoutMs: number): void {
    executor.registrationTimer = undefined;
    if (executor.state !== 'REGISTERING') return;
    const message = `Executor did not register within ${formatDuration(timeoutMs)}`;
    this.#o.log.warn(`Terminating executor '${executor.id}' of framework ${executor.frameworkId}: ${message}`);
    executor.state = 'TERMINATING';
    executor.pendingTermination = { state: TaskState.TASK_FAILED, reason: TaskStatus_Reason.REASON_EXECUTOR_REGISTRATION_TIMEOUT, message };
    this.destroy(executor, 0);
  }
}
