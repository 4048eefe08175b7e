/**
 * The container side of executors: launching an executor's container with Mesos's environment, the
 * registration timeout, the shutdown grace period, destroying, and reporting the end (Mesos's
 * `launchExecutor`, `executorLaunched`, `registerExecutorTimeout`, `_shutdownExecutor`,
 * `shutdownExecutorTimeout`). What the end means for tasks is the core's business ({@link ExecutorRunnerOptions.onTerminated}).
 */
import { existsSync } from 'node:fs';
import type { ContainerConfig, ContainerTermination, Containerizer } from '@mesos-ts/containerizer';
import { MesosTsError, err } from '@mesos-ts/errors';
import { formatDuration } from '@mesos-ts/flags';
import { ExecutorInfo_Type, TaskState, TaskStatus_Reason, executor as executorApi } from '@mesos-ts/proto';
import { defaultExecutorCommand, executorEnvironment, shutdownGracePeriodMs, unsupportedContainer } from './executor-setup';
import type { Logger } from './log';
import type { ExecutorRecord, FrameworkRecord } from './records';

export interface ExecutorRunnerOptions {
  readonly containerizer: Containerizer;
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
    const unsupported = unsupportedContainer(info, [...executor.queuedTasks.values()]);
    if (unsupported !== undefined) {
      failure = unsupported;
    } else if (command === undefined) {
      failure = "ExecutorInfo has no 'command' (required unless its type is DEFAULT)";
    } else {
      const config: ContainerConfig = {
        containerId: executor.containerId,
        command,
        environment,
        sandbox: executor.directory,
        resources: executor.resources,
        ...(executor.user === undefined ? {} : { user: executor.user }),
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
    this.#o.log.error(`Container '${executor.containerId}' for executor '${executor.id}' of framework ${framework.id} failed to start: ${failure}`);
    executor.pendingTermination = { state: TaskState.TASK_FAILED, reason: TaskStatus_Reason.REASON_CONTAINER_LAUNCH_FAILED, message: `Failed to launch container: ${failure}` };
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
      if (executor.pid === undefined) executor.destroyRequested = true;
      else destroying.push(this.#o.containerizer.destroy(executor.containerId).catch(() => undefined));
    }
    await Promise.all(destroying);
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
