/**
 * The default executor (Mesos's `mesos-default-executor`, src/launcher/default_executor.cpp): runs task groups
 * (LAUNCH_GROUP), any number of them over its life. Mesos runs each task in a nested container through the
 * agent's API; we run each as a process in its own process group, in its own sandbox
 * `<executor sandbox>/tasks/<task id>` with `stdout` and `stderr` files there.
 *
 * Mesos's rules kept: TASK_STARTING for every task of a group, then TASK_RUNNING for each that started; when a
 * task ends FAILED or KILLED, the other tasks of its group are killed (so a KILL of one task ends its whole
 * group); a KILL with a kill policy uses its grace period, the group kill and SHUTDOWN use 3 s; once no task is
 * left the executor exits after its updates are acknowledged (60 s at most).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { isExecutorError, type ExecutorClient } from '@mesos-ts/client';
import { FrameworkInfo_Capability_Type, TaskState, TaskStatus_Reason, executor, type ContainerID, type KillPolicy, type TaskGroupInfo, type TaskInfo, type TaskStatus } from '@mesos-ts/proto';
import { DEFAULT_ACK_TIMEOUT_MS, type ExecutorLogger } from './command-executor';
import { HealthChecker, type TaskHealthStatus } from './health-checker';
import { DEFAULT_KILL_GRACE_PERIOD_MS } from './kill-escalation';
import { allocationRole, derivedStatus, durationMs, gracePeriodMs, hasCapability, newStatus } from './statuses';
import { buildTaskEnvironment, commandLine, launchTaskProcess, type TaskProcess } from './task-process';
import { describeTermination, succeeded, type Termination } from './termination';

const SILENT: ExecutorLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface DefaultExecutorOptions {
  /** The connection to the agent (not yet subscribed). */
  readonly client: ExecutorClient;
  /** The executor's sandbox (`MESOS_SANDBOX`); task sandboxes go under `tasks/`. */
  readonly sandbox: string;
  readonly logger?: ExecutorLogger;
  /** How long to wait for outstanding acknowledgements once every task has ended. Default 60 s. */
  readonly ackTimeoutMs?: number;
  /** The environment tasks start from. Default: the executor's own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One task of a group, as Mesos's `Container` tracks it. */
interface Container {
  readonly containerId: ContainerID;
  readonly task: TaskInfo;
  readonly taskId: string;
  readonly groupTaskIds: readonly string[];
  process?: TaskProcess;
  lastStatus?: TaskStatus;
  healthChecker?: HealthChecker | undefined;
  launchError?: string;
  launched: boolean;
  killing: boolean;
  killingTaskGroup: boolean;
  killedByCompletionTimeout: boolean;
  /** A kill (grace period) that came while the process was being started. */
  pendingKillMs?: number;
  completionTimer?: NodeJS.Timeout | undefined;
  escalationTimer?: NodeJS.Timeout;
}

/** Whether a task ID is usable as a directory name (Mesos's ID validation forbids the same). */
function isSafeName(id: string): boolean {
  return id !== '' && id !== '.' && id !== '..' && !id.includes('/') && !id.includes('\0');
}

/**
 * One default executor run. `run()` subscribes and resolves with the exit status: 0 once every task has ended
 * (and its updates were acknowledged, or 60 s passed), or at a SHUTDOWN with no task; 1 when the connection to
 * the agent was lost for good (the tasks are killed first).
 */
export class DefaultExecutor {
  readonly #client: ExecutorClient;
  readonly #logger: ExecutorLogger;
  readonly #options: DefaultExecutorOptions;
  readonly #containers = new Map<string, Container>();
  #shuttingDown = false;
  /** Once any task was reported unhealthy, every terminal update says `healthy: false` (as Mesos does). */
  #unhealthy = false;
  #lost = false;
  #exiting = false;
  #done = false;
  #finish: (code: number) => void = () => undefined;
  readonly #finished: Promise<number>;

  constructor(options: DefaultExecutorOptions) {
    this.#options = options;
    this.#client = options.client;
    this.#logger = options.logger ?? SILENT;
    this.#finished = new Promise((resolve) => {
      this.#finish = (code) => {
        if (this.#done) return;
        this.#done = true;
        resolve(code);
      };
    });
  }

  /** Subscribes, handles events until done, and resolves with the exit status. */
  async run(): Promise<number> {
    const subscription = this.#client.subscribe();
    const consume = (async () => {
      try {
        for await (const event of subscription) this.#received(event);
      } catch (error) {
        this.#connectionLost(error);
      }
    })();
    const code = await this.#finished;
    this.killNow();
    subscription.close();
    this.#client.close();
    await consume;
    return code;
  }

  /** SHUTDOWN: kill every task (3 s grace period each), then exit once all ended and were acknowledged. */
  shutdown(): void {
    if (this.#shuttingDown) {
      this.#logger.warn('Ignoring shutdown since it is in progress');
      return;
    }
    this.#logger.info('Shutting down');
    this.#shuttingDown = true;
    if (this.#containers.size === 0) {
      this.#exit();
      return;
    }
    for (const container of this.#containers.values()) {
      if (!container.killing) this.#killContainer(container);
    }
  }

  /** Sends SIGKILL to every task's process group at once (for when the executor itself must exit now). */
  killNow(): void {
    for (const container of this.#containers.values()) container.process?.signal('SIGKILL');
  }

  #received(event: executor.Event): void {
    const type = executor.Event_Type[event.type ?? 0] ?? String(event.type);
    if (event.type !== executor.Event_Type.HEARTBEAT) this.#logger.info(`Received ${type} event`);
    switch (event.type) {
      case executor.Event_Type.SUBSCRIBED:
        this.#logger.info(`Subscribed executor on ${event.subscribed?.agentInfo?.hostname ?? 'the agent'}`);
        break;
      case executor.Event_Type.LAUNCH:
        // Single tasks go to the command executor; this one only runs groups.
        this.#logger.error('LAUNCH event is not supported');
        this.shutdown();
        break;
      case executor.Event_Type.LAUNCH_GROUP:
        if (event.launchGroup?.taskGroup !== undefined) void this.#launchGroup(event.launchGroup.taskGroup);
        break;
      case executor.Event_Type.KILL:
        this.#killTask(event.kill?.taskId?.value ?? '', event.kill?.killPolicy);
        break;
      case executor.Event_Type.ACKNOWLEDGED:
        // The client has dropped the update; the exit path waits on it.
        break;
      case executor.Event_Type.SHUTDOWN:
        this.shutdown();
        break;
      case executor.Event_Type.ERROR:
        this.#logger.error(`Error: ${event.error?.message ?? ''}`);
        break;
      case executor.Event_Type.MESSAGE:
      case executor.Event_Type.HEARTBEAT:
        break;
      default:
        this.#logger.warn('Received an UNKNOWN event and ignored');
    }
  }

  async #launchGroup(group: TaskGroupInfo): Promise<void> {
    if (this.#shuttingDown) {
      this.#logger.warn('Ignoring the launch group operation as the executor is shutting down');
      return;
    }
    const tasks = (group.tasks ?? []).filter((task) => task.taskId?.value !== undefined);
    const groupTaskIds = tasks.map((task) => task.taskId?.value ?? '');
    const parent = this.#client.containerId;
    const started: Container[] = [];
    for (const task of tasks) {
      const taskId = task.taskId?.value ?? '';
      if (this.#containers.has(taskId)) {
        this.#logger.warn(`Ignoring task '${taskId}': a task with this ID is already running`);
        continue;
      }
      const containerId: ContainerID = parent === undefined ? { value: randomUUID() } : { value: randomUUID(), parent };
      const container: Container = { containerId, task, taskId, groupTaskIds, launched: false, killing: false, killingTaskGroup: false, killedByCompletionTimeout: false };
      this.#containers.set(taskId, container);
      started.push(container);
      this.#forward(container, newStatus(taskId, TaskState.TASK_STARTING, { containerId }));
    }

    await Promise.all(started.map((container) => this.#launchContainer(container)));
    this.#logger.info(`Finished launching tasks [${groupTaskIds.join(', ')}]`);

    // Only now wait on them (as Mesos does after all its LAUNCH_CONTAINER calls are answered), so that a task
    // that ends at once still finds its group complete.
    for (const container of started) {
      if (container.process === undefined) {
        this.#waited(container, undefined);
      } else {
        void container.process.exited.then((termination) => this.#waited(container, termination));
      }
    }
  }

  /** Starts one task's process; a failure is kept in `launchError` and reported when the task is waited on. */
  async #launchContainer(container: Container): Promise<void> {
    const { task, taskId } = container;
    const command = task.command;
    if (command === undefined) {
      container.launchError = `Task '${taskId}' has no command to run`;
      return;
    }
    const line = commandLine(command, taskId);
    if (!line.ok) {
      container.launchError = line.error;
      return;
    }
    if (!isSafeName(taskId)) {
      container.launchError = `Task ID '${taskId}' cannot be used as a sandbox directory name`;
      return;
    }
    const sandbox = join(this.#options.sandbox, 'tasks', taskId);
    try {
      mkdirSync(sandbox, { recursive: true });
    } catch (error) {
      container.launchError = `Failed to create the sandbox of task '${taskId}': ${(error as Error).message}`;
      return;
    }
    const base: Record<string, string | undefined> = { ...(this.#options.env ?? process.env) };
    delete base['MESOS_EXECUTOR_AUTHENTICATION_TOKEN'];
    const overrides: Record<string, string> = { MESOS_SANDBOX: sandbox };
    const role = allocationRole(task);
    if (role !== undefined) overrides['MESOS_ALLOCATION_ROLE'] = role;
    const env = buildTaskEnvironment(base, [command.environment], overrides, this.#logger);

    const started = await launchTaskProcess({
      command: line.value,
      env,
      cwd: sandbox,
      output: { stdout: join(sandbox, 'stdout'), stderr: join(sandbox, 'stderr') },
      logger: this.#logger,
      ...(command.user === undefined ? {} : { user: command.user }),
    });
    if (!started.ok) {
      this.#logger.error(`Failed to launch task '${taskId}': ${started.error}`);
      container.launchError = started.error;
      return;
    }
    container.process = started.value;
    container.launched = true;
    this.#logger.info(`Started task '${taskId}' as process ${started.value.pid} in ${sandbox}`);

    if (task.healthCheck !== undefined) {
      const checker = HealthChecker.create(task.healthCheck, {
        taskId,
        env,
        onUpdate: (status) => this.#healthUpdated(status),
        onFailure: (reason, counted) => this.#logger.warn(`Health check for task '${taskId}' failed${counted ? '' : ' (ignored: still in grace period)'}: ${reason}`),
      });
      if (!checker.ok) {
        // Mesos gives up on the whole executor here; we fail just this task (its group follows).
        this.#logger.error(`Failed to create health checker: ${checker.error}`);
        container.launchError = `Invalid health check: ${checker.error}`;
        container.process.signal('SIGKILL');
        container.launched = false;
        return;
      }
      container.healthChecker = checker.value;
      checker.value.start();
    }
    const maxCompletionMs = durationMs(task.maxCompletionTime);
    if (maxCompletionMs !== undefined && maxCompletionMs > 0) {
      container.completionTimer = setTimeout(() => this.#maxCompletion(container, maxCompletionMs), maxCompletionMs);
    }
    this.#forward(container, newStatus(taskId, TaskState.TASK_RUNNING, { containerId: container.containerId }));
    if (container.pendingKillMs !== undefined) this.#killContainer(container, container.pendingKillMs);
  }

  /** A task ended (`termination`), or never started (`undefined`, with `launchError`). */
  #waited(container: Container, termination: Termination | undefined): void {
    // What the task left running in its process group goes with it, as a container's processes do when Mesos
    // destroys it.
    if (termination !== undefined) container.process?.signal('SIGKILL');
    container.healthChecker?.stop();
    container.healthChecker = undefined;
    if (container.completionTimer !== undefined) clearTimeout(container.completionTimer);
    if (container.escalationTimer !== undefined) clearTimeout(container.escalationTimer);

    let state: TaskState;
    let message: string;
    let reason: TaskStatus_Reason | undefined;
    if (termination === undefined || container.launchError !== undefined) {
      state = container.killing ? TaskState.TASK_KILLED : TaskState.TASK_FAILED;
      message = container.launchError ?? 'Unable to retrieve command\'s termination information';
    } else {
      if (container.killedByCompletionTimeout) {
        state = TaskState.TASK_FAILED;
        reason = TaskStatus_Reason.REASON_MAX_COMPLETION_TIME_REACHED;
      } else if (container.killing) state = TaskState.TASK_KILLED;
      else if (succeeded(termination)) state = TaskState.TASK_FINISHED;
      else state = TaskState.TASK_FAILED;
      message = `Command ${describeTermination(termination)}`;
    }
    this.#forward(
      container,
      newStatus(container.taskId, state, {
        message,
        containerId: container.containerId,
        ...(reason === undefined ? {} : { reason }),
        ...(this.#unhealthy ? { healthy: false } : {}),
      }),
    );
    this.#logger.info(`Task '${container.taskId}' completed in state ${TaskState[state] ?? state}: ${message}`);

    // Mesos's policy for a task group: one task failing or killed takes the rest of its group down.
    if (!this.#shuttingDown && !container.killingTaskGroup && (state === TaskState.TASK_FAILED || state === TaskState.TASK_KILLED)) {
      this.#logger.info(`Killing task group containing tasks [${container.groupTaskIds.join(', ')}]`);
      container.killingTaskGroup = true;
      for (const taskId of container.groupTaskIds) {
        const other = this.#containers.get(taskId);
        if (taskId === container.taskId || other === undefined) continue;
        other.killingTaskGroup = true;
        if (!other.killing) this.#killContainer(other);
      }
    }
    this.#containers.delete(container.taskId);
    if (this.#containers.size === 0) this.#exit();
  }

  /** A KILL event for one task (which, through the group policy, ends its group). */
  #killTask(taskId: string, policy: KillPolicy | undefined): void {
    if (this.#shuttingDown) {
      this.#logger.warn(`Ignoring kill for task '${taskId}' since the executor is shutting down`);
      return;
    }
    const container = this.#containers.get(taskId);
    if (container === undefined) {
      this.#logger.warn(`Ignoring kill for task '${taskId}' as it is no longer active`);
      return;
    }
    if (container.killing) {
      this.#logger.warn(`Ignoring kill for task '${taskId}' as it is in the process of getting killed`);
      return;
    }
    this.#killContainer(container, gracePeriodMs(policy) ?? gracePeriodMs(container.task.killPolicy));
  }

  #killContainer(container: Container, graceMs: number = DEFAULT_KILL_GRACE_PERIOD_MS): void {
    if (!container.launched || container.process === undefined) {
      // Still starting: kill it once it runs. One that failed to start has nothing to kill; its failure is
      // reported when it is waited on.
      if (container.launchError === undefined) container.pendingKillMs = Math.min(container.pendingKillMs ?? Infinity, graceMs);
      return;
    }
    if (container.completionTimer !== undefined) clearTimeout(container.completionTimer);
    container.killing = true;
    container.healthChecker?.stop();
    container.healthChecker = undefined;
    const child = container.process;
    this.#logger.info(`Killing task '${container.taskId}' (process group ${child.pid}) with SIGTERM; escalating to SIGKILL in ${graceMs} ms`);
    container.escalationTimer = setTimeout(() => {
      if (!this.#containers.has(container.taskId)) return;
      this.#logger.info(`Task '${container.taskId}' did not terminate after ${graceMs} ms, sending SIGKILL`);
      child.signal('SIGKILL');
    }, graceMs);
    if (!container.killedByCompletionTimeout && hasCapability(this.#client.frameworkInfo, FrameworkInfo_Capability_Type.TASK_KILLING_STATE)) {
      this.#forward(container, newStatus(container.taskId, TaskState.TASK_KILLING, { containerId: container.containerId }));
    }
    child.signal('SIGTERM');
  }

  #maxCompletion(container: Container, maxMs: number): void {
    container.completionTimer = undefined;
    if (!this.#containers.has(container.taskId) || container.killing) return;
    this.#logger.info(`Killing task '${container.taskId}' which exceeded its maximum completion time of ${maxMs} ms`);
    container.killedByCompletionTimeout = true;
    this.#killContainer(container, 0);
  }

  #healthUpdated(health: TaskHealthStatus): void {
    // While disconnected there is no one to tell; the checker goes on and reports the next change.
    if (!this.#client.subscribed) return;
    const container = this.#containers.get(health.taskId);
    // Ended, or being killed: no more health updates (they must not follow a terminal one).
    if (container?.healthChecker === undefined || container.lastStatus === undefined) return;
    this.#logger.info(`Received task health update for task '${health.taskId}', task is ${health.healthy ? 'healthy' : 'not healthy'}`);
    this.#forward(container, derivedStatus(container.lastStatus, { reason: TaskStatus_Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, healthy: health.healthy }));
    if (health.killTask) {
      this.#unhealthy = true;
      this.#killTask(health.taskId, undefined);
    }
  }

  #forward(container: Container, status: TaskStatus): void {
    container.lastStatus = status;
    this.#client.update(status).catch((error: unknown) => {
      this.#logger.error(`Failed to send ${TaskState[status.state ?? 0] ?? ''} for task ${container.taskId}: ${String(error)}`);
    });
  }

  /** No task is left: exit once the agent has acknowledged everything (or the fail-safe timeout passed). */
  #exit(): void {
    if (this.#exiting) return;
    this.#exiting = true;
    if (this.#lost) {
      this.#finish(1);
      return;
    }
    const timeoutMs = this.#options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    void this.#client.waitForAcknowledgements(timeoutMs).then((acknowledged) => {
      // A task group that came in meanwhile keeps us going.
      if (this.#containers.size > 0) {
        this.#exiting = false;
        return;
      }
      if (!acknowledged) this.#logger.warn(`Terminating with ${this.#client.unacknowledgedUpdates.length} status updates unacknowledged after ${timeoutMs} ms`);
      this.#finish(0);
    });
  }

  /** The subscription ended and will not come back: kill the tasks, then exit with status 1. */
  #connectionLost(error: unknown): void {
    if (this.#done) return;
    this.#lost = true;
    const why = isExecutorError(error) ? `${error.kind}: ${error.message}` : String(error);
    this.#logger.error(`Lost the connection to the agent: ${why}; shutting down`);
    if (this.#containers.size === 0) {
      this.#finish(1);
      return;
    }
    // Already shutting down: the tasks are on their way out, and the exit follows the last one.
    if (!this.#shuttingDown) this.shutdown();
  }
}
