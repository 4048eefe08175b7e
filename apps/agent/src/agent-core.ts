/**
 * The agent's logic (Mesos's `Slave`, src/slave/slave.cpp): it turns the master's events into executors and
 * tasks, runs executors through the Containerizer, serves the executor API's calls (see executor-api.ts for the
 * HTTP side), and feeds status updates through the status update manager to the master.
 *
 * No HTTP server and no master connection here: the master is behind {@link MasterPort} (a MasterLink in the
 * daemon), containers behind the Containerizer interface. Timers are Node's (unref'd).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ContainerTermination, Containerizer, Fetcher } from '@mesos-ts/containerizer';
import type { EventStream } from '@mesos-ts/http-api';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import {
  OperationState,
  Offer_Operation_Type,
  TaskState,
  TaskStatus_Reason,
  TaskStatus_Source,
  executor as executorApi,
  internal,
  type AgentInfo,
  type DrainConfig,
  type ExecutorInfo,
  type FrameworkInfo,
  type KillPolicy,
  type OperationStatus,
  type TaskGroupInfo,
  type TaskInfo,
  type TaskStatus,
  Value_Type,
} from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { DROPPED_WHILE_DRAINING, checkpointDrainConfig, drainKillPolicy, drainingStatus, readDrainConfig, removeDrainConfig } from './drain';
import { ResourceCheckpoint, configuredResources } from './checkpointed-resources';
import { commandExecutorInfo, containerResources, executorUser } from './executor-setup';
import { ExecutorRunner } from './executor-runner';
import { silentLogger, type Logger } from './log';
import type { ReregisterReport } from './master-link';
import { createExecutorRunDir } from './paths';
import { linkVolumes } from './volumes';
import {
  agentStatusUpdate,
  executorStatusUpdate,
  isPartitionAware,
  MAX_COMPLETED_EXECUTORS_PER_FRAMEWORK,
  MAX_COMPLETED_FRAMEWORKS,
  completeTask,
  createTask,
  executorOfTask,
  hasIncompleteTasks,
  queuedGroupOf,
  reregisterReport,
  updateTaskState,
  type ExecutorRecord,
  type FrameworkRecord,
} from './records';
import { StatusUpdateManager, isTerminalState, type Timers } from './status-update-manager';

/** What the core needs from the master connection (MasterLink fits). */
export interface MasterPort {
  sendStatusUpdate(update: internal.StatusUpdate): void;
  send(call: internal.AgentCall): Promise<Result<void>>;
}

/** The settings the core reads (a subset of the agent's flags, durations in ms). */
export interface AgentCoreConfig {
  readonly workDir: string;
  readonly launcherDir: string;
  readonly switchUser: boolean;
  readonly executorRegistrationTimeoutMs: number;
  readonly executorShutdownGracePeriodMs: number;
  readonly recoveryTimeoutMs: number;
}

export interface AgentCoreOptions {
  readonly config: AgentCoreConfig;
  readonly containerizer: Containerizer;
  readonly master: MasterPort;
  /** The agent's description (no `id` yet: {@link AgentCore.registered} sets it). */
  readonly agentInfo: AgentInfo;
  /** `slave(1)@ip:port`. */
  readonly pid: string;
  /** `ip:port` of the executor API, for MESOS_AGENT_ENDPOINT. */
  readonly endpoint: string;
  readonly logger?: Logger;
  /** Whether the agent may switch users (runs as root). Default: `process.getuid() === 0`. */
  readonly runningAsRoot?: boolean;
  /** The agent's environment (PATH, LIBPROCESS_IP for executors). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Executor stream heartbeat interval. Default 30 min (Mesos's DEFAULT_EXECUTOR_HEARTBEAT_INTERVAL). */
  readonly executorHeartbeatMs?: number;
  /** Timers of the status update manager (retries). Default Node's. */
  readonly statusUpdateTimers?: Timers;
  readonly statusUpdateRetryMs?: { readonly min: number; readonly max: number };
  /** Told when an executor's sandbox appears and when the agent forgets it (the files API attaches them). */
  readonly sandboxes?: SandboxObserver;
  /** The reservations and volumes (loaded for the persisted agent ID). Default: none yet, under `config.workDir`. */
  readonly checkpoint?: ResourceCheckpoint;
  /** Fetches executors' `CommandInfo.uris` into their sandboxes before launch (none: URIs fail the launch). */
  readonly fetcher?: Fetcher;
  /** The containerizer mounts persistent volumes itself (filesystem/linux): the agent does not link them at launch. */
  readonly containerMountsVolumes?: boolean;
  /**
   * How long a TASK_FAILED from an executor is held while its container may be ending on a limitation (an OOM
   * kill seen by a polled counter), so that the task fails with the limitation's reason as in Mesos, whose memory
   * isolator hears of the OOM before the executor does. 0 (default): not held.
   */
  readonly limitationGraceMs?: number;
}

/** Sees sandboxes come and go: `added` when an executor run's directory is made, `removed` when its record is dropped. */
export interface SandboxObserver {
  added(executor: ExecutorRecord): void;
  removed(executor: ExecutorRecord): void;
}

/** Random UUID bytes, as Mesos's `id::UUID::random().toBytes()`. */
export function newUuid(): Buffer {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
}

/** See the module comment. */
export class AgentCore {
  readonly #config: AgentCoreConfig;
  readonly #master: MasterPort;
  readonly #log: Logger;
  readonly #runningAsRoot: boolean;
  readonly #heartbeatMs: number;
  readonly #frameworks = new Map<string, FrameworkRecord>();
  readonly #completedFrameworks: FrameworkRecord[] = [];
  readonly #updates: StatusUpdateManager;
  readonly #runner: ExecutorRunner;
  readonly #checkpoint: ResourceCheckpoint;
  readonly #sandboxes: SandboxObserver | undefined;
  readonly #containerizer: Containerizer;
  readonly #mountsVolumes: boolean;
  readonly #limitationGraceMs: number;
  #agentInfo: AgentInfo;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #warnedNoSwitch = false;
  /** Set while draining (DRAIN from the master); checkpointed under meta/slaves/<id>/drain.config. */
  #drainConfig: DrainConfig | undefined;
  readonly pid: string;
  readonly endpoint: string;

  constructor(options: AgentCoreOptions) {
    this.#config = options.config;
    this.#master = options.master;
    this.#log = options.logger ?? silentLogger;
    this.#runningAsRoot = options.runningAsRoot ?? process.getuid?.() === 0;
    this.#heartbeatMs = options.executorHeartbeatMs ?? 30 * 60_000;
    this.#agentInfo = options.agentInfo;
    this.pid = options.pid;
    this.endpoint = options.endpoint;
    this.#sandboxes = options.sandboxes;
    this.#containerizer = options.containerizer;
    this.#mountsVolumes = options.containerMountsVolumes === true;
    this.#limitationGraceMs = Math.max(0, options.limitationGraceMs ?? 0);
    this.#checkpoint = options.checkpoint ?? new ResourceCheckpoint(options.config.workDir, configuredResources(options.agentInfo));
    this.#updates = new StatusUpdateManager({
      forward: (update) => this.#forward(update),
      ...(options.statusUpdateTimers === undefined ? {} : { timers: options.statusUpdateTimers }),
      ...(options.statusUpdateRetryMs === undefined ? {} : { minRetryMs: options.statusUpdateRetryMs.min, maxRetryMs: options.statusUpdateRetryMs.max }),
    });
    // Nothing goes to a master before the first registration.
    this.#updates.pause();
    this.#runner = new ExecutorRunner({
      containerizer: options.containerizer,
      ...(options.fetcher === undefined ? {} : { fetcher: options.fetcher }),
      workDir: this.#config.workDir,
      launcherDir: this.#config.launcherDir,
      registrationTimeoutMs: this.#config.executorRegistrationTimeoutMs,
      shutdownGracePeriodMs: this.#config.executorShutdownGracePeriodMs,
      recoveryTimeoutMs: this.#config.recoveryTimeoutMs,
      env: options.env ?? process.env,
      log: this.#log,
      agent: () => ({ agentId: this.#agentInfo.id?.value ?? '', pid: this.pid, endpoint: this.endpoint }),
      onTerminated: (framework, executor, termination, launched) => this.#executorTerminated(framework, executor, termination, launched),
    });
  }

  /** The agent's description, with `id` once registered. */
  get agentInfo(): AgentInfo {
    return this.#agentInfo;
  }

  /** Frameworks with executors or tasks here, by ID (live records: read, do not change). */
  get frameworks(): ReadonlyMap<string, FrameworkRecord> {
    return this.#frameworks;
  }

  /** Frameworks that had everything here end, the latest last (at most 50). */
  get completedFrameworks(): readonly FrameworkRecord[] {
    return this.#completedFrameworks;
  }

  /** The drain the agent is under, if it is draining. */
  get drainConfig(): DrainConfig | undefined {
    return this.#drainConfig;
  }

  /** The status update manager (read-only use: pending updates for /state and tests). */
  get statusUpdates(): StatusUpdateManager {
    return this.#updates;
  }

  // ---- the master -------------------------------------------------------------------------------------------

  /** A session with the master opened: take the ID, shut down unknown frameworks, resend pending updates. */
  registered(registered: internal.AgentEvent_Registered): void {
    this.#agentInfo = { ...this.#agentInfo, id: registered.agentId! };
    this.#takeCheckpointOf(registered.agentId!.value!);
    if (this.#drainConfig === undefined && registered.agentId?.value !== undefined) {
      // A drain checkpointed before a restart: resumed if anything is left to drain, else finished (Mesos recovers it).
      const saved = readDrainConfig(this.#config.workDir, registered.agentId.value);
      if (!saved.ok) this.#log.error(saved.error.message);
      else this.#drainConfig = saved.value;
      this.#updateDrainStatus();
    }
    for (const frameworkId of registered.unknownFrameworks ?? []) {
      if (frameworkId.value === undefined) continue;
      this.#log.info(`Shutting down framework ${frameworkId.value}: the master does not know it`);
      this.shutdownFramework(frameworkId.value);
    }
    this.#updates.resume();
  }

  /** The session with the master ended: hold status updates until the next one. */
  disconnected(): void {
    this.#updates.pause();
  }

  /** What REREGISTER reports: frameworks, the executors the master tracks (not command executors), tasks. */
  report(): ReregisterReport {
    return {
      ...reregisterReport(this.#frameworks.values(), this.#agentInfo.id?.value),
      checkpointedResources: this.#checkpoint.checkpointed.toProto(),
      ...(this.#drainConfig === undefined ? {} : { drainConfig: this.#drainConfig }),
    };
  }

  /** The agent's reservations and persistent volumes (read-only use). */
  get resourceCheckpoint(): ResourceCheckpoint {
    return this.#checkpoint;
  }

  /** A (new) agent ID: its checkpoint is the one that counts (a new registration has none). */
  #takeCheckpointOf(agentId: string): void {
    const taken = this.#checkpoint.switchTo(agentId);
    if (!taken.ok) this.#log.error(`Cannot use the checkpointed resources of agent ${agentId}: ${taken.error.message}`);
  }

  /**
   * APPLY_OPERATION (Mesos's `applyOperation` for agent default resources): the checkpoint and the volume
   * directories change, and the master hears OPERATION_FINISHED, or OPERATION_FAILED with why. The master's idea
   * of the result is compared with ours; a difference is logged (the next REREGISTER reports ours).
   */
  applyOperation(apply: internal.AgentEvent_ApplyOperation): void {
    const operation = apply.operation!;
    const name = Offer_Operation_Type[operation.type ?? Offer_Operation_Type.UNKNOWN] ?? String(operation.type);
    const applied = this.#checkpoint.apply(operation);
    const status: OperationStatus = { state: OperationState.OPERATION_FINISHED, agentId: this.#agentInfo.id ?? { value: '' }, uuid: { value: newUuid() } };
    if (operation.id !== undefined) status.operationId = operation.id;
    if (!applied.ok) {
      status.state = OperationState.OPERATION_FAILED;
      status.message = applied.error.message;
      this.#log.error(`Failed to apply ${name} operation: ${applied.error.message}`);
    } else {
      for (const warning of applied.value.warnings) this.#log.warn(warning);
      const expected = Resources.fromProto(apply.checkpointedResources ?? []);
      if (!expected.ok || !expected.value.equals(applied.value.after)) {
        this.#log.warn(`Checkpointed resources after ${name} differ from the master's: ours ${applied.value.after.toString()}, the master's ${expected.ok ? expected.value.toString() : 'invalid'}`);
      }
      this.#log.info(`Applied ${name} operation; checkpointed resources are now ${applied.value.after.toString()}`);
    }
    void this.#master.send({
      type: internal.AgentCall_Type.UPDATE_OPERATION_STATUS,
      updateOperationStatus: { status, operationUuid: Buffer.from(apply.operationUuid ?? Buffer.alloc(0)), ...(apply.frameworkId === undefined ? {} : { frameworkId: apply.frameworkId }) },
    });
  }

  /**
   * Links the persistent volumes of the executor and of `tasks` into its sandbox (the posix filesystem isolator's
   * `update`). On failure the tasks fail: a new executor is ended as a failed launch, an existing one keeps
   * running without the new tasks. Returns whether the tasks may go on.
   */
  #linkVolumes(framework: FrameworkRecord, executor: ExecutorRecord, tasks: readonly TaskInfo[], launch: boolean): boolean {
    const resources = [...(executor.info.resources ?? []), ...tasks.flatMap((t) => t.resources ?? [])];
    if (!resources.some((r) => r.disk?.persistence !== undefined)) return true;
    // filesystem/linux bind-mounts the launch's volumes (ContainerConfig.mounts); later tasks' are linked.
    if (launch && this.#mountsVolumes) return true;
    const linked = linkVolumes(this.#config.workDir, executor.directory, resources);
    if (linked.ok) {
      for (const skipped of linked.value.skipped) this.#log.warn(skipped);
      if (linked.value.links.length > 0) this.#log.info(`Linked persistent volumes into the sandbox of executor '${executor.id}': ${linked.value.links.join(', ')}`);
      return true;
    }
    const message = `Failed to prepare persistent volumes: ${linked.error.message}`;
    this.#log.error(message);
    if (launch) {
      for (const task of tasks) executor.queuedTasks.set(task.taskId!.value!, task);
      executor.pendingTermination = { state: TaskState.TASK_FAILED, reason: TaskStatus_Reason.REASON_CONTAINER_LAUNCH_FAILED, message };
      this.#executorTerminated(framework, executor, undefined, false);
    } else {
      for (const task of tasks) this.#agentUpdate(framework, task.taskId!.value!, TaskState.TASK_FAILED, message, TaskStatus_Reason.REASON_CONTAINER_UPDATE_FAILED, executor.id);
    }
    return false;
  }

  /** RUN_TASK: a task with its own executor, or a command task (the agent makes the command executor). */
  runTask(frameworkInfo: FrameworkInfo, frameworkId: string, task: TaskInfo, launchExecutor: boolean | undefined): void {
    if (this.#stopping) return;
    const framework = this.#ensureFramework(frameworkId, frameworkInfo, launchExecutor === true, task.executor);
    if (framework === undefined) return;
    if (this.#dropWhileDraining(framework, [task])) return;
    const commandTask = task.executor === undefined;
    const executorInfo = commandTask
      ? commandExecutorInfo(frameworkId, task, this.#config.launcherDir, existsSync)
      : { ...task.executor!, frameworkId: { value: frameworkId } };
    this.#run(framework, executorInfo, [task], undefined, launchExecutor, commandTask);
  }

  /** RUN_TASK_GROUP: tasks launched together by one executor (the default executor, typically). */
  runTaskGroup(frameworkInfo: FrameworkInfo, frameworkId: string, executorInfo: ExecutorInfo, group: TaskGroupInfo, launchExecutor: boolean | undefined): void {
    if (this.#stopping) return;
    const framework = this.#ensureFramework(frameworkId, frameworkInfo, launchExecutor === true, executorInfo);
    if (framework === undefined) return;
    if (this.#dropWhileDraining(framework, group.tasks ?? [])) return;
    this.#run(framework, { ...executorInfo, frameworkId: { value: frameworkId } }, group.tasks ?? [], group, launchExecutor, false);
  }

  /** SHUTDOWN_EXECUTOR. */
  shutdownExecutor(frameworkId: string, executorId: string): void {
    const framework = this.#frameworks.get(frameworkId);
    const executor = framework?.executors.get(executorId);
    if (framework?.state !== 'RUNNING' || executor === undefined) {
      this.#log.warn(`Ignoring shutdown of unknown executor '${executorId}' of framework ${frameworkId}`);
      return;
    }
    this.#runner.shutdown(executor);
  }

  /** FRAMEWORK_MESSAGE from the scheduler: relayed to a running executor, else dropped (as Mesos). */
  frameworkMessage(frameworkId: string, executorId: string, data: Uint8Array): void {
    const executor = this.#frameworks.get(frameworkId)?.executors.get(executorId);
    if (executor?.state !== 'RUNNING' || executor.stream === undefined) {
      this.#log.warn(`Dropping a framework message for executor '${executorId}' of framework ${frameworkId}: it is not running`);
      return;
    }
    executor.stream.send({ type: executorApi.Event_Type.MESSAGE, message: { data: Buffer.from(data) } });
  }

  /** UPDATE_FRAMEWORK: the framework's new FrameworkInfo. */
  updateFramework(info: FrameworkInfo): void {
    const framework = this.#frameworks.get(info.id?.value ?? '');
    if (framework !== undefined) framework.info = info;
  }

  /** Mesos's `shutdownFramework`: shut its executors down; forget it once they are gone. */
  shutdownFramework(frameworkId: string): void {
    const framework = this.#frameworks.get(frameworkId);
    if (framework === undefined || framework.state === 'TERMINATING') return;
    this.#log.info(`Shutting down framework ${frameworkId}`);
    framework.state = 'TERMINATING';
    for (const executor of [...framework.executors.values()]) {
      if (executor.state === 'REGISTERING' || executor.state === 'RUNNING') this.#runner.shutdown(executor);
      else if (executor.state === 'TERMINATED') this.#removeExecutor(framework, executor);
    }
    if (framework.executors.size === 0) this.#removeFramework(framework);
  }

  // ---- the executor API (validated by executor-api.ts) --------------------------------------------------

  /** Mesos's `Slave::subscribe`: (re)attaches an executor's event stream and delivers its queued tasks. */
  subscribe(framework: FrameworkRecord, executor: ExecutorRecord, subscribe: executorApi.Call_Subscribe, stream: EventStream<'mesos.v1.executor.Event'>): void {
    if (this.#stopping || framework.state === 'TERMINATING' || executor.state === 'TERMINATING' || executor.state === 'TERMINATED') {
      this.#log.warn(`Shutting down executor '${executor.id}' of framework ${framework.id} on SUBSCRIBE: it is ${executor.state === 'TERMINATED' || executor.state === 'TERMINATING' ? 'terminating' : 'not wanted'}`);
      stream.send({ type: executorApi.Event_Type.SHUTDOWN });
      stream.close();
      return;
    }
    if (executor.stream !== undefined && executor.stream !== stream) {
      this.#log.warn(`Closing the earlier connection of executor '${executor.id}' of framework ${framework.id}`);
      executor.stream.close();
    }
    executor.state = 'RUNNING';
    clearTimeout(executor.registrationTimer);
    executor.registrationTimer = undefined;
    executor.stream = stream;
    stream.onClosed(() => {
      if (executor.stream === stream) executor.stream = undefined;
    });
    stream.startHeartbeat({ intervalMs: this.#heartbeatMs, message: { type: executorApi.Event_Type.HEARTBEAT } });

    // Updates the executor still holds; their acknowledgements wait until SUBSCRIBED has gone.
    const acks: Array<{ taskId: string; uuid: Uint8Array }> = [];
    for (const update of subscribe.unacknowledgedUpdates ?? []) {
      if (update.status?.uuid === undefined || update.status.taskId?.value === undefined) continue;
      if (this.#statusUpdate(this.#executorStatusUpdate(executor, update.status))) acks.push({ taskId: update.status.taskId.value, uuid: update.status.uuid });
    }
    // A task delivered while the executor was away, and unknown to it, is gone.
    const known = new Set((subscribe.unacknowledgedTasks ?? []).map((t) => t.taskId?.value));
    for (const task of [...executor.launchedTasks.values()]) {
      if (task.state === TaskState.TASK_STAGING && !known.has(task.taskId?.value)) {
        this.#agentUpdate(framework, task.taskId!.value!, this.#lostState(framework), 'Task launched during agent restart', TaskStatus_Reason.REASON_AGENT_RESTARTED, executor.id);
      }
    }
    if (!executor.everSentTask && executor.queuedTasks.size === 0) {
      this.#log.warn(`Shutting down executor '${executor.id}': it was never sent a task and its queued tasks were killed`);
      this.#runner.shutdown(executor);
      return;
    }

    stream.send({
      type: executorApi.Event_Type.SUBSCRIBED,
      subscribed: { executorInfo: executor.info, frameworkInfo: framework.info, agentInfo: this.#agentInfo, containerId: { value: executor.containerId } },
    });
    for (const ack of acks) this.#acknowledgeToExecutor(executor, ack.taskId, ack.uuid);
    this.#deliverQueued(framework, executor);
  }

  /**
   * An UPDATE call: the status is stamped (agent ID, executor ID, source) and handled as Mesos's `statusUpdate`;
   * the executor gets ACKNOWLEDGED once the agent holds it. INVALID_ARGUMENT (400) when the executor has no such task.
   */
  executorUpdate(executor: ExecutorRecord, status: TaskStatus): Result<void> {
    const taskId = status.taskId?.value ?? '';
    const known =
      executor.queuedTasks.has(taskId) ||
      executor.launchedTasks.has(taskId) ||
      executor.terminatedTasks.has(taskId) ||
      executor.completedTasks.some((t) => t.taskId?.value === taskId);
    if (!known) return err(new MesosTsError('INVALID_ARGUMENT', `Task '${taskId}' is unknown to executor '${executor.id}' of framework '${executor.frameworkId}'`));
    if (this.#limitationGraceMs > 0 && status.state === TaskState.TASK_FAILED && executor.pid !== undefined) {
      void this.#holdForLimitation(executor, status);
      return ok(undefined);
    }
    if (this.#statusUpdate(this.#executorStatusUpdate(executor, status))) this.#acknowledgeToExecutor(executor, taskId, status.uuid!);
    return ok(undefined);
  }

  /**
   * A TASK_FAILED from an executor whose container may be ending on a limitation: waits up to the grace for the
   * container to end. Ended on a limitation: the executor's update is dropped, and the task fails with the
   * limitation's reason and message (sent by {@link AgentCore.#executorTerminated}). Otherwise the update goes on.
   */
  async #holdForLimitation(executor: ExecutorRecord, status: TaskStatus): Promise<void> {
    const taskId = status.taskId?.value ?? '';
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.#limitationGraceMs);
    });
    const ended = this.#containerizer.wait(executor.containerId).catch(() => undefined);
    const termination = await Promise.race([ended, grace]);
    clearTimeout(timer);
    if (termination?.limitation !== undefined) {
      this.#log.info(`Dropping TASK_FAILED of task '${taskId}' from executor '${executor.id}': its container ended on a limitation (${termination.limitation.message})`);
      return;
    }
    if (this.#statusUpdate(this.#executorStatusUpdate(executor, status))) this.#acknowledgeToExecutor(executor, taskId, status.uuid!);
  }

  /** A MESSAGE call: relayed to the master as FRAMEWORK_MESSAGE (best effort, as in Mesos). */
  executorMessage(executor: ExecutorRecord, data: Uint8Array): void {
    void this.#master.send({
      type: internal.AgentCall_Type.FRAMEWORK_MESSAGE,
      frameworkMessage: { frameworkId: { value: executor.frameworkId }, executorId: { value: executor.id }, data: Buffer.from(data) },
    });
  }

  /** Stops: no more launches; every container is destroyed (there is no recovery to come back to them). */
  stop(): Promise<void> {
    if (this.#stopped === undefined) {
      this.#stopping = true;
      this.#updates.stop();
      this.#stopped = this.#runner.stopAll([...this.#frameworks.values()].flatMap((f) => [...f.executors.values()]));
    }
    return this.#stopped;
  }

  // ---- running tasks ----------------------------------------------------------------------------------------

  #ensureFramework(frameworkId: string, info: FrameworkInfo, launchExecutor: boolean, executor: ExecutorInfo | undefined): FrameworkRecord | undefined {
    let framework = this.#frameworks.get(frameworkId);
    if (framework?.state === 'TERMINATING') {
      this.#log.warn(`Ignoring a task of framework ${frameworkId}: the framework is terminating`);
      if (launchExecutor && executor?.executorId?.value !== undefined) this.#sendExecutorExited(frameworkId, executor.executorId.value, undefined);
      return undefined;
    }
    if (framework === undefined) {
      framework = { id: frameworkId, info: { ...info, id: { value: frameworkId } }, state: 'RUNNING', executors: new Map(), completedExecutors: [] };
      this.#frameworks.set(frameworkId, framework);
    } else {
      framework.info = { ...info, id: { value: frameworkId } };
    }
    return framework;
  }

  /** Mesos's `__run`: find or launch the executor, then queue (and maybe deliver) the tasks. */
  #run(framework: FrameworkRecord, info: ExecutorInfo, tasks: readonly TaskInfo[], group: TaskGroupInfo | undefined, launchExecutor: boolean | undefined, commandTask: boolean): void {
    const executorId = info.executorId!.value!;
    let executor = framework.executors.get(executorId);
    const drop = (reason: TaskStatus_Reason, message: string): void => {
      for (const task of tasks) this.#agentUpdate(framework, task.taskId!.value!, this.#lostState(framework), message, reason, executorId);
    };

    if (commandTask && executor !== undefined) {
      drop(TaskStatus_Reason.REASON_EXECUTOR_TERMINATED, `Executor '${executorId}' (the command executor of this task ID) already exists`);
      return;
    }
    if (!commandTask && launchExecutor === true && executor !== undefined) {
      drop(TaskStatus_Reason.REASON_EXECUTOR_TERMINATED, 'Master wants to launch executor, but one already exists');
      if (executor.state === 'TERMINATED') this.#sendExecutorExited(framework.id, executorId, undefined);
      else this.#runner.shutdown(executor);
      return;
    }
    if (!commandTask && launchExecutor === false && executor === undefined) {
      drop(TaskStatus_Reason.REASON_EXECUTOR_TERMINATED, 'No executor is expected to launch and there is none running');
      return;
    }

    let launch = false;
    if (executor === undefined) {
      const added = this.#addExecutor(framework, info, tasks, commandTask);
      if (!added.ok) {
        this.#log.error(added.error.message);
        drop(TaskStatus_Reason.REASON_EXECUTOR_TERMINATED, added.error.message);
        if (launchExecutor === true && !commandTask) this.#sendExecutorExited(framework.id, executorId, undefined);
        return;
      }
      executor = added.value;
      launch = true;
    }

    if (executor.state === 'TERMINATING' || executor.state === 'TERMINATED') {
      const state = executor.state === 'TERMINATING' ? 'terminating' : 'terminated';
      this.#log.warn(`Asked to run tasks of framework ${framework.id} with executor '${executorId}', which is ${state}`);
      for (const task of tasks) this.#agentUpdate(framework, task.taskId!.value!, this.#lostState(framework), `Executor ${state}`, TaskStatus_Reason.REASON_EXECUTOR_TERMINATED, undefined);
      return;
    }
    if (!this.#linkVolumes(framework, executor, tasks, launch)) return;
    for (const task of tasks) executor.queuedTasks.set(task.taskId!.value!, task);
    if (group !== undefined) executor.queuedTaskGroups.push(group);
    this.#log.info(`Queued ${group === undefined ? 'task' : 'task group'} ${tasks.map((t) => `'${t.taskId?.value}'`).join(', ')} for executor '${executorId}' of framework ${framework.id}`);
    if (executor.state === 'RUNNING') this.#deliverQueued(framework, executor);
    // Launched after queueing, so that a launch failing at once fails these tasks as Mesos does.
    if (launch) void this.#runner.launch(framework, executor);
  }

  /** Mesos's `Framework::addExecutor`: the record and its sandbox. */
  #addExecutor(framework: FrameworkRecord, info: ExecutorInfo, tasks: readonly TaskInfo[], commandTask: boolean): Result<ExecutorRecord> {
    const agentId = this.#agentInfo.id?.value;
    if (agentId === undefined) return err(new MesosTsError('UNAVAILABLE', 'Cannot launch an executor before the agent has an ID'));
    const executorId = info.executorId!.value!;
    const containerId = randomUUID();
    let user = executorUser(info, framework.info, this.#config.switchUser);
    if (user !== undefined && !this.#runningAsRoot) {
      if (!this.#warnedNoSwitch) this.#log.warn(`Not switching to task users (first: '${user}'): the agent does not run as root; tasks run as the agent's user`);
      this.#warnedNoSwitch = true;
      user = undefined;
    }
    const directory = createExecutorRunDir(this.#config.workDir, { agentId, frameworkId: framework.id, executorId, containerId });
    if (!directory.ok) return directory;
    const executor: ExecutorRecord = {
      id: executorId,
      frameworkId: framework.id,
      info,
      containerId,
      directory: directory.value,
      user,
      commandExecutor: commandTask,
      state: 'REGISTERING',
      queuedTasks: new Map(),
      queuedTaskGroups: [],
      launchedTasks: new Map(),
      terminatedTasks: new Map(),
      completedTasks: [],
      stream: undefined,
      pendingTermination: undefined,
      everSentTask: false,
      resources: containerResources(info, tasks),
      pid: undefined,
      destroyRequested: false,
      registrationTimer: undefined,
      shutdownTimer: undefined,
    };
    framework.executors.set(executorId, executor);
    this.#sandboxes?.added(executor);
    this.#log.info(`Launching executor '${executorId}' of framework ${framework.id} in work directory '${executor.directory}'`, { container_id: containerId });
    return ok(executor);
  }

  /** Sends LAUNCH_GROUP / LAUNCH for everything queued, moving the tasks to launchedTasks (TASK_STAGING). */
  #deliverQueued(framework: FrameworkRecord, executor: ExecutorRecord): void {
    if (executor.state !== 'RUNNING') return;
    if (executor.stream === undefined && executor.queuedTasks.size > 0) {
      this.#log.warn(`Executor '${executor.id}' of framework ${framework.id} is not connected; its tasks are launched blind and it will report them on resubscription`);
    }
    const launch = (task: TaskInfo): TaskInfo => {
      executor.queuedTasks.delete(task.taskId!.value!);
      executor.launchedTasks.set(task.taskId!.value!, createTask(task, TaskState.TASK_STAGING, framework.id, executor.id));
      executor.everSentTask = true;
      return task;
    };
    const groups = executor.queuedTaskGroups;
    executor.queuedTaskGroups = [];
    for (const group of groups) {
      const tasks = (group.tasks ?? []).filter((t) => executor.queuedTasks.has(t.taskId?.value ?? '')).map(launch);
      if (tasks.length > 0) executor.stream?.send({ type: executorApi.Event_Type.LAUNCH_GROUP, launchGroup: { taskGroup: { ...group, tasks } } });
    }
    for (const task of [...executor.queuedTasks.values()]) {
      executor.stream?.send({ type: executorApi.Event_Type.LAUNCH, launch: { task: launch(task) } });
    }
  }

  // ---- draining ---------------------------------------------------------------------------------------------

  /**
   * DRAIN (Mesos's `Slave::drain`): checkpoint the config, then kill every task, each with its kill policy's grace
   * period capped by `max_grace_period`. Nothing to do when nothing runs. A second DRAIN replaces the config.
   */
  drain(config: DrainConfig): void {
    if (this.#frameworks.size === 0) {
      this.#log.info('Received DRAIN; the agent has no frameworks or tasks, so draining is already complete');
      return;
    }
    const agentId = this.#agentInfo.id?.value;
    if (agentId !== undefined) {
      const saved = checkpointDrainConfig(this.#config.workDir, agentId, config);
      if (!saved.ok) this.#log.error(saved.error.message);
    }
    this.#drainConfig = config;
    const count = [...this.#frameworks.values()].reduce((n, f) => n + [...f.executors.values()].reduce((m, e) => m + e.queuedTasks.size + e.launchedTasks.size, 0), 0);
    this.#log.info(`Initiating drain${config.maxGracePeriod === undefined ? '' : ` (max grace period ${Number(config.maxGracePeriod.nanoseconds ?? 0n) / 1e6} ms)`}; killing ${count} tasks`, { mark_gone: config.markGone === true });
    for (const framework of [...this.#frameworks.values()]) {
      for (const executor of [...framework.executors.values()]) {
        for (const task of [...executor.launchedTasks.values()]) {
          if (isTerminalState(task.state)) continue;
          this.killTask(framework.id, task.taskId!.value!, drainKillPolicy(config, task.killPolicy));
        }
        for (const task of [...executor.queuedTasks.values()]) this.killTask(framework.id, task.taskId!.value!, drainKillPolicy(config, task.killPolicy));
      }
    }
  }

  /** Tasks that arrive while draining are dropped (Mesos's check in `Slave::run`); true when they were. */
  #dropWhileDraining(framework: FrameworkRecord, tasks: readonly TaskInfo[]): boolean {
    if (this.#drainConfig === undefined) return false;
    this.#log.warn(`Ignoring running ${tasks.map((t) => `'${t.taskId?.value}'`).join(', ')} of framework ${framework.id} because the agent is draining`);
    for (const task of tasks) this.#agentUpdate(framework, task.taskId!.value!, TaskState.TASK_DROPPED, DROPPED_WHILE_DRAINING, TaskStatus_Reason.REASON_AGENT_DRAINING, task.executor?.executorId?.value);
    if (framework.executors.size === 0) this.#removeFramework(framework);
    return true;
  }

  /** Mesos's `updateDrainStatus`: with no framework left the drain is over; its checkpoint goes. */
  #updateDrainStatus(): void {
    if (this.#drainConfig === undefined || this.#frameworks.size > 0) return;
    this.#log.info('Agent finished draining');
    const agentId = this.#agentInfo.id?.value;
    if (agentId !== undefined) {
      const removed = removeDrainConfig(this.#config.workDir, agentId);
      if (!removed.ok) this.#log.error(removed.error.message);
    }
    this.#drainConfig = undefined;
  }

  // ---- killing and shutting down ----------------------------------------------------------------------------

  /** KILL_TASK (Mesos's `killTask` / `kill`): undelivered tasks are killed here, others by their executor. */
  killTask(frameworkId: string, taskId: string, killPolicy: KillPolicy | undefined): void {
    const framework = this.#frameworks.get(frameworkId);
    if (framework === undefined || framework.state === 'TERMINATING') {
      this.#log.warn(`Ignoring kill of task '${taskId}': framework ${frameworkId} is ${framework === undefined ? 'unknown' : 'terminating'}`);
      return;
    }
    const executor = executorOfTask(framework, taskId);
    if (executor === undefined) {
      this.#log.warn(`Cannot kill task '${taskId}' of framework ${frameworkId}: no executor runs it`);
      this.#agentUpdate(framework, taskId, this.#lostState(framework), 'Cannot find executor', TaskStatus_Reason.REASON_EXECUTOR_TERMINATED, undefined);
      return;
    }
    if (executor.state === 'TERMINATING' || executor.state === 'TERMINATED') {
      this.#log.warn(`Ignoring kill of task '${taskId}': executor '${executor.id}' is ${executor.state === 'TERMINATING' ? 'terminating' : 'terminated'}`);
      return;
    }
    if (executor.queuedTasks.has(taskId)) {
      // Not delivered yet: the agent kills it itself (the whole group, as a group launches as a unit).
      const group = queuedGroupOf(executor, taskId);
      const ids = group === undefined ? [taskId] : (group.tasks ?? []).map((t) => t.taskId!.value!);
      const message = group === undefined ? 'Killed before delivery to the executor' : 'A task within the task group was killed before delivery to the executor';
      for (const id of ids) this.#agentUpdate(framework, id, TaskState.TASK_KILLED, message, TaskStatus_Reason.REASON_TASK_KILLED_DURING_LAUNCH, executor.id);
      if (executor.state === 'RUNNING' && !executor.everSentTask && executor.queuedTasks.size === 0) this.#runner.shutdown(executor);
      return;
    }
    if (executor.stream === undefined) {
      this.#log.warn(`Cannot kill task '${taskId}' now: executor '${executor.id}' is not connected`);
      return;
    }
    executor.stream.send({ type: executorApi.Event_Type.KILL, kill: { taskId: { value: taskId }, ...(killPolicy === undefined ? {} : { killPolicy }) } });
  }

  /** Mesos's `executorTerminated`: fail what it left behind, tell the master, clean up. */
  #executorTerminated(framework: FrameworkRecord, executor: ExecutorRecord, termination: ContainerTermination | undefined, launched: boolean): void {
    if (this.#frameworks.get(framework.id) !== framework || framework.executors.get(executor.id) !== executor || executor.state === 'TERMINATED') return;
    const frameworkId = framework.id;
    executor.state = 'TERMINATED';
    this.#runner.clearTimers(executor);
    executor.stream?.close();
    executor.stream = undefined;
    this.#log.info(`Executor '${executor.id}' of framework ${frameworkId} ${termination?.message ?? 'terminated'}`, { status: termination?.status });
    if (this.#stopping) return;

    if (framework.state === 'RUNNING') {
      const pending = executor.pendingTermination;
      const messages = [pending?.message, launched ? (termination === undefined ? 'Abnormal executor termination: unknown container' : termination.message) : undefined].filter(
        (m): m is string => m !== undefined && m !== '',
      );
      const message = messages.length > 0 ? messages.join('; ') : 'Executor terminated';
      const ids = [...[...executor.launchedTasks.values()].filter((t) => !isTerminalState(t.state)).map((t) => t.taskId!.value!), ...executor.queuedTasks.keys()];
      // As Mesos's `sendExecutorTerminatedStatusUpdate`: the container's limitation wins over a pending termination.
      const limitation = termination?.limitation;
      const state = limitation !== undefined ? TaskState.TASK_FAILED : (pending?.state ?? TaskState.TASK_FAILED);
      const reason = limitation?.reason ?? pending?.reason ?? TaskStatus_Reason.REASON_EXECUTOR_TERMINATED;
      for (const id of ids) {
        this.#agentUpdate(framework, id, state, message, reason, executor.id, limitation?.resources);
      }
    } else {
      for (const [id, task] of executor.launchedTasks) executor.terminatedTasks.set(id, task);
      executor.launchedTasks.clear();
    }
    // The master tracks only executors it was told about; the command executor is the agent's own.
    if (!executor.commandExecutor) this.#sendExecutorExited(frameworkId, executor.id, termination?.status);
    if (framework.state === 'TERMINATING' || !hasIncompleteTasks(executor)) this.#removeExecutor(framework, executor);
    if (framework.executors.size === 0) this.#removeFramework(framework);
  }

  #sendExecutorExited(frameworkId: string, executorId: string, status: number | undefined): void {
    void this.#master.send({
      type: internal.AgentCall_Type.EXECUTOR_EXITED,
      // The protocol leaves `status` out when it is unknown (Mesos sends -1 there).
      executorExited: { frameworkId: { value: frameworkId }, executorId: { value: executorId }, ...(status === undefined ? {} : { status }) },
    });
  }

  #removeExecutor(framework: FrameworkRecord, executor: ExecutorRecord): void {
    this.#log.info(`Cleaning up executor '${executor.id}' of framework ${framework.id}`);
    framework.executors.delete(executor.id);
    framework.completedExecutors.push(executor);
    if (framework.completedExecutors.length > MAX_COMPLETED_EXECUTORS_PER_FRAMEWORK) {
      const dropped = framework.completedExecutors.shift();
      if (dropped !== undefined) this.#sandboxes?.removed(dropped);
    }
  }

  /**
   * Forgets a framework without executors. Its pending status updates are dropped only when it was shut down
   * (no acknowledgement will come); an idle framework may still have agent-generated updates in flight.
   */
  #removeFramework(framework: FrameworkRecord): void {
    this.#log.info(`Cleaning up framework ${framework.id}`);
    if (framework.state === 'TERMINATING') this.#updates.cleanup(framework.id);
    this.#frameworks.delete(framework.id);
    this.#updateDrainStatus();
    this.#completedFrameworks.push(framework);
    if (this.#completedFrameworks.length > MAX_COMPLETED_FRAMEWORKS) {
      for (const dropped of this.#completedFrameworks.shift()?.completedExecutors ?? []) this.#sandboxes?.removed(dropped);
    }
  }

  // ---- status updates -------------------------------------------------------------------------------------

  /** TASK_DROPPED for partition-aware frameworks, TASK_LOST for the others (Mesos's choice for lost tasks). */
  #lostState(framework: FrameworkRecord): TaskState {
    return isPartitionAware(framework.info) ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
  }

  #executorStatusUpdate(executor: ExecutorRecord, status: TaskStatus): internal.StatusUpdate {
    return executorStatusUpdate(executor, status, this.#agentInfo.id!, Date.now() / 1000);
  }

  /** An update the agent generates itself (source AGENT). */
  #agentUpdate(
    framework: FrameworkRecord,
    taskId: string,
    state: TaskState,
    message: string,
    reason: TaskStatus_Reason,
    executorId: string | undefined,
    limited?: Readonly<Record<string, number>>,
  ): void {
    const update = agentStatusUpdate({ frameworkId: framework.id, taskId, state, message, reason, executorId, agentId: this.#agentInfo.id, uuid: newUuid(), timestamp: Date.now() / 1000 });
    if (limited !== undefined && Object.keys(limited).length > 0 && update.status !== undefined) {
      // TaskStatus.limitation: the resources the container exceeded (e.g. mem), as Mesos reports them.
      update.status.limitation = { resources: Object.entries(limited).map(([name, value]) => ({ name, type: Value_Type.SCALAR, scalar: { value } })) };
    }
    this.#statusUpdate(update);
  }

  /**
   * Mesos's `statusUpdate`: applies the update to its task and hands it to the status update manager. Returns
   * whether the sender (an executor) should get ACKNOWLEDGED: also for updates refused as invalid (so it stops
   * resending them), not for those of a terminating or unknown framework.
   */
  #statusUpdate(original: internal.StatusUpdate): boolean {
    let update = original;
    if (this.#drainConfig !== undefined) {
      // While draining, kills are reported as caused by the drain (Mesos's `Slave::statusUpdate`).
      const info = this.#frameworks.get(original.frameworkId?.value ?? '')?.info;
      const status = drainingStatus(this.#drainConfig, original.status!, info !== undefined && isPartitionAware(info));
      if (status !== original.status) update = { ...original, status };
    }
    const status = update.status!;
    const taskId = status.taskId!.value!;
    const stateName = TaskState[status.state ?? 0];
    const framework = this.#frameworks.get(update.frameworkId!.value!);
    if (framework === undefined || framework.state === 'TERMINATING') {
      this.#log.warn(`Ignoring status update ${stateName} of task '${taskId}': framework ${update.frameworkId?.value} is ${framework === undefined ? 'unknown' : 'terminating'}`);
      return false;
    }
    const executor = executorOfTask(framework, taskId);
    if (executor !== undefined) {
      if (status.source === TaskStatus_Source.SOURCE_EXECUTOR && status.state === TaskState.TASK_STAGING) {
        this.#log.error(`Received TASK_STAGING from executor '${executor.id}', which is not allowed; shutting the executor down`);
        this.#runner.shutdown(executor);
        return false;
      }
      const updated = updateTaskState(executor, status);
      if (!updated.ok) {
        this.#log.warn(`Not forwarding status update ${stateName} of task '${taskId}': ${updated.error.message}`);
        return true;
      }
    }
    const taken = this.#updates.update(update);
    if (!taken.ok) this.#log.error(`Status update ${stateName} of task '${taskId}' refused: ${taken.error.message}`);
    else this.#log.info(`Handled status update ${stateName} of task '${taskId}' of framework ${framework.id}${taken.value === 'duplicate' ? ' (duplicate)' : ''}`);
    return true;
  }

  #acknowledgeToExecutor(executor: ExecutorRecord, taskId: string, uuid: Uint8Array): void {
    executor.stream?.send({ type: executorApi.Event_Type.ACKNOWLEDGED, acknowledged: { taskId: { value: taskId }, uuid: Buffer.from(uuid) } });
  }

  /** The status update manager's way out: stamps latest_state and the task's status-update fields. */
  #forward(update: internal.StatusUpdate): void {
    const taskId = update.status?.taskId?.value ?? '';
    const framework = this.#frameworks.get(update.frameworkId?.value ?? '');
    const executor = framework === undefined ? undefined : executorOfTask(framework, taskId);
    const task = executor?.launchedTasks.get(taskId) ?? executor?.terminatedTasks.get(taskId);
    if (task !== undefined) {
      if (update.status?.state !== undefined) task.statusUpdateState = update.status.state;
      if (update.status?.uuid !== undefined) task.statusUpdateUuid = update.status.uuid;
      this.#master.sendStatusUpdate({ ...update, ...(task.state === undefined ? {} : { latestState: task.state }) });
      return;
    }
    this.#master.sendStatusUpdate(update);
  }

  /** ACKNOWLEDGE: the scheduler acknowledged an update: complete the task if it was terminal, clean up what is done. */
  acknowledge(frameworkId: string, taskId: string, uuid: Uint8Array): void {
    const acked = this.#updates.acknowledge(frameworkId, taskId, uuid);
    if (!acked.ok) {
      this.#log.warn(`Ignoring acknowledgement for task '${taskId}' of framework ${frameworkId}: ${acked.error.message}`);
      return;
    }
    if (!acked.value.terminal) return;
    const framework = this.#frameworks.get(frameworkId);
    if (framework === undefined) return;
    const executor = executorOfTask(framework, taskId);
    if (executor !== undefined) {
      completeTask(executor, taskId);
      if (executor.state === 'TERMINATED' && !hasIncompleteTasks(executor)) this.#removeExecutor(framework, executor);
    }
    if (framework.executors.size === 0) this.#removeFramework(framework);
  }
}
