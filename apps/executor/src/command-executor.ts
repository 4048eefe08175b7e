/**
 * The command executor (Mesos's `mesos-executor`, src/launcher/executor.cpp): runs the one task it is given as
 * a process, reports TASK_STARTING, TASK_RUNNING and the terminal state, kills it on KILL with the kill policy's
 * grace period (SIGTERM to its process group, SIGKILL when the grace period is over), health-checks it, and exits
 * once the agent has acknowledged the terminal update.
 */
import { isExecutorError, type ExecutorClient } from '@mesos-ts/client';
import type { Result } from '@mesos-ts/errors';
import { FrameworkInfo_Capability_Type, TaskState, TaskStatus_Reason, executor, type CommandInfo, type Environment, type KillPolicy, type TaskInfo, type TaskStatus } from '@mesos-ts/proto';
import { HealthChecker, type TaskHealthStatus } from './health-checker';
import { DEFAULT_KILL_GRACE_PERIOD_MS, KillEscalation } from './kill-escalation';
import { allocationRole, derivedStatus, durationMs, gracePeriodMs, hasCapability, newStatus } from './statuses';
import { buildTaskEnvironment, commandLine, launchTaskProcess, type RootfsLaunch, type TaskLogger, type TaskProcess } from './task-process';
import { describeTermination, succeeded, type Termination } from './termination';

/** The logger executors write to (pino fits). Default: silent. */
export type ExecutorLogger = TaskLogger;

const SILENT: ExecutorLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** How long an executor waits for the acknowledgement of its last updates before exiting anyway (as Mesos). */
export const DEFAULT_ACK_TIMEOUT_MS = 60_000;
/**
 * Taken off the shutdown grace period for the kill on SHUTDOWN, so the terminal update still reaches the agent
 * before it destroys the container (Mesos keeps back its reaper interval, 1 s, and 1 s more).
 */
export const SHUTDOWN_BUFFER_MS = 2000;

export interface CommandExecutorOptions {
  /** The connection to the agent (not yet subscribed). */
  readonly client: ExecutorClient;
  readonly logger?: ExecutorLogger;
  /** `MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD`. Default 5 s. */
  readonly shutdownGracePeriodMs?: number;
  /** How long to wait for the ACK of the terminal update before exiting with status 1. Default 60 s. */
  readonly terminalAckTimeoutMs?: number;
  /** The environment the task starts from. Default: the executor's own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--task_command`: runs this instead of `TaskInfo.command`. */
  readonly taskCommand?: CommandInfo;
  /** `--task_environment`: added before the command's own environment. */
  readonly taskEnvironment?: Environment;
  /** `--user`: runs the task as this user (over `CommandInfo.user`). */
  readonly user?: string;
  /** `--working_directory`: where the task starts (default: the executor's working directory, the sandbox). */
  readonly workingDirectory?: string;
  /** `--rootfs` and `--launch_info`: the task runs in this root filesystem (a command task with an image). */
  readonly rootfs?: RootfsLaunch;
  /**
   * Starts the task some other way than as a host process (the Docker executor: a Docker container). Its
   * `signal` is how kills reach the task: SIGTERM first, SIGKILL once the grace period is over.
   */
  readonly launchTask?: TaskLauncher;
  /** The word the end is described with: `Command exited with status 1` (default) or `Container ...`. */
  readonly subject?: string;
}

/** Starts `command` of `task` and gives back the running task, or why it could not start. */
export type TaskLauncher = (task: TaskInfo, command: CommandInfo) => Promise<Result<TaskProcess, string>>;

function uuidHex(uuid: Uint8Array | undefined): string {
  return uuid === undefined ? '' : Buffer.from(uuid).toString('hex');
}

/**
 * One command executor run. `run()` subscribes and resolves with the exit status once the executor is done:
 * 0 after the terminal update was acknowledged (or a SHUTDOWN with no task), 1 when the ACK never came, the
 * connection to the agent was lost for good, or a KILL came before any task.
 */
export class CommandExecutor {
  readonly #client: ExecutorClient;
  readonly #logger: ExecutorLogger;
  readonly #options: CommandExecutorOptions;
  #task: TaskInfo | undefined;
  #taskId: string | undefined;
  #killPolicy: KillPolicy | undefined;
  #process: TaskProcess | undefined;
  #escalation: KillEscalation | undefined;
  #healthChecker: HealthChecker | undefined;
  #completionTimer: NodeJS.Timeout | undefined;
  #ackTimer: NodeJS.Timeout | undefined;
  #lastStatus: TaskStatus | undefined;
  #terminalUuid: string | undefined;
  /** A kill (grace period) that arrived while the task was being started. */
  #pendingKillMs: number | undefined;
  #launched = false;
  #killed = false;
  #killedByHealthCheck = false;
  #killedByCompletionTimeout = false;
  #terminated = false;
  /** The subscription ended for good: nobody will acknowledge anything any more. */
  #lost = false;
  #done = false;
  #finish: (code: number) => void = () => undefined;
  readonly #finished: Promise<number>;

  constructor(options: CommandExecutorOptions) {
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
    this.#cleanup();
    subscription.close();
    this.#client.close();
    await consume;
    return code;
  }

  /** SHUTDOWN: kill the task (if any) within the shutdown grace period, then exit as usual. */
  shutdown(): void {
    this.#logger.info('Shutting down');
    const graceMs = Math.max(0, (this.#options.shutdownGracePeriodMs ?? 5000) - SHUTDOWN_BUFFER_MS);
    if (this.#task === undefined) {
      this.#finish(0);
      return;
    }
    this.#killWithGrace(graceMs);
  }

  /** Sends SIGKILL to the task's process group at once (for when the executor itself must exit now). */
  killNow(): void {
    if (this.#process !== undefined && !this.#terminated) this.#process.signal('SIGKILL');
  }

  #received(event: executor.Event): void {
    const type = executor.Event_Type[event.type ?? 0] ?? String(event.type);
    if (event.type !== executor.Event_Type.HEARTBEAT) this.#logger.info(`Received ${type} event`);
    switch (event.type) {
      case executor.Event_Type.SUBSCRIBED:
        this.#logger.info(`Subscribed executor on ${event.subscribed?.agentInfo?.hostname ?? 'the agent'}`);
        break;
      case executor.Event_Type.LAUNCH:
        void this.#launch(event.launch?.task);
        break;
      case executor.Event_Type.LAUNCH_GROUP:
        // Only the default executor runs task groups; the agent should never send one here.
        this.#logger.error('LAUNCH_GROUP event is not supported');
        this.shutdown();
        break;
      case executor.Event_Type.KILL:
        this.#kill(event.kill?.taskId?.value, event.kill?.killPolicy);
        break;
      case executor.Event_Type.ACKNOWLEDGED:
        if (this.#terminalUuid !== undefined && uuidHex(event.acknowledged?.uuid) === this.#terminalUuid) this.#finish(0);
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

  async #launch(task: TaskInfo | undefined): Promise<void> {
    const taskId = task?.taskId?.value;
    if (task === undefined || taskId === undefined) {
      this.#logger.error('Ignoring a LAUNCH event without a task ID');
      return;
    }
    if (this.#task !== undefined) {
      this.#forward(newStatus(taskId, TaskState.TASK_FAILED, { message: 'Attempted to run multiple tasks using a "command" executor' }));
      return;
    }
    this.#task = task;
    this.#taskId = taskId;
    this.#forward(newStatus(taskId, TaskState.TASK_STARTING));
    this.#killPolicy = task.killPolicy;

    const command = this.#options.taskCommand ?? task.command;
    if (command === undefined) return this.#failLaunch(`Task '${taskId}' has no command to run`);
    const base: Record<string, string | undefined> = { ...(this.#options.env ?? process.env) };
    // The task has no business authenticating as its executor.
    delete base['MESOS_EXECUTOR_AUTHENTICATION_TOKEN'];
    const role = allocationRole(task);
    const env = buildTaskEnvironment(base, [this.#options.taskEnvironment, command.environment], role === undefined ? {} : { MESOS_ALLOCATION_ROLE: role }, this.#logger);
    const user = this.#options.user ?? command.user;

    const { launchTask } = this.#options;
    let started: Result<TaskProcess, string>;
    if (launchTask !== undefined) {
      // The launcher checks the command itself: a container may run its image's entrypoint without a value.
      this.#logger.info(`Starting task ${taskId}`);
      started = await launchTask(task, command);
    } else {
      const line = commandLine(command, taskId);
      if (!line.ok) return this.#failLaunch(line.error);
      this.#logger.info(`Starting task ${taskId}`);
      started = await launchTaskProcess({
        command: line.value,
        env,
        output: 'inherit',
        logger: this.#logger,
        ...(this.#options.workingDirectory === undefined ? {} : { cwd: this.#options.workingDirectory }),
        ...(user === undefined ? {} : { user }),
        ...(this.#options.rootfs === undefined ? {} : { rootfs: this.#options.rootfs }),
      });
    }
    if (!started.ok) return this.#failLaunch(started.error);
    const child = started.value;
    this.#process = child;
    this.#logger.info(`Forked command at ${child.pid}`);

    if (task.healthCheck !== undefined) {
      const checker = HealthChecker.create(task.healthCheck, {
        taskId,
        env,
        onUpdate: (status) => this.#healthUpdated(status),
        onFailure: (reason, counted) => this.#logger.warn(`Health check for task '${taskId}' failed${counted ? '' : ' (ignored: still in grace period)'}: ${reason}`),
      });
      // A bad health check does not stop the task, as in Mesos; it just goes unchecked.
      if (!checker.ok) this.#logger.error(`Failed to create health checker: ${checker.error}`);
      else {
        this.#healthChecker = checker.value;
        checker.value.start();
      }
    }
    void child.exited.then((termination) => this.#reaped(termination));

    this.#forward(newStatus(taskId, TaskState.TASK_RUNNING));
    this.#launched = true;

    const maxCompletionMs = durationMs(task.maxCompletionTime);
    if (maxCompletionMs !== undefined && maxCompletionMs > 0) {
      this.#logger.info(`Task ${taskId} has a max completion time of ${maxCompletionMs} ms`);
      this.#completionTimer = setTimeout(() => this.#completionTimeout(maxCompletionMs), maxCompletionMs);
    }
    if (this.#pendingKillMs !== undefined) this.#killWithGrace(this.#pendingKillMs);
  }

  /** The task could not be started: TASK_FAILED with why. */
  #failLaunch(message: string): void {
    this.#logger.error(message);
    this.#terminated = true;
    this.#forwardTerminal(newStatus(this.#taskId ?? '', TaskState.TASK_FAILED, { message }));
  }

  /** A KILL event. */
  #kill(taskId: string | undefined, override: KillPolicy | undefined): void {
    if (this.#taskId === undefined) {
      // Mesos's command executor aborts here too: the agent killed a task it never handed over.
      this.#logger.error('Terminating because kill task message has been received before the task has been launched');
      this.#finish(1);
      return;
    }
    if (taskId !== this.#taskId) {
      this.#logger.warn(`Ignoring kill for unknown task '${taskId ?? ''}'`);
      return;
    }
    const graceMs = gracePeriodMs(override) ?? gracePeriodMs(this.#killPolicy) ?? DEFAULT_KILL_GRACE_PERIOD_MS;
    this.#logger.info(`Received kill for task ${taskId} with grace period of ${graceMs} ms`);
    this.#killWithGrace(graceMs);
  }

  #killWithGrace(graceMs: number): void {
    if (this.#terminated) return;
    if (this.#completionTimer !== undefined) clearTimeout(this.#completionTimer);
    this.#completionTimer = undefined;
    if (!this.#launched || this.#process === undefined) {
      // Still starting: apply the kill once it runs.
      this.#pendingKillMs = Math.min(this.#pendingKillMs ?? Infinity, graceMs);
      return;
    }
    if (this.#killed) {
      if (this.#escalation?.shorten(graceMs) === true) this.#logger.info(`Rescheduling escalation to SIGKILL for a grace period of ${graceMs} ms`);
      return;
    }
    const taskId = this.#taskId ?? '';
    if (!this.#killedByCompletionTimeout && hasCapability(this.#client.frameworkInfo, FrameworkInfo_Capability_Type.TASK_KILLING_STATE)) {
      this.#forward(newStatus(taskId, TaskState.TASK_KILLING));
    }
    this.#healthChecker?.pause();
    const child = this.#process;
    this.#logger.info(`Sending SIGTERM to process group ${child.pid}; escalating to SIGKILL in ${graceMs} ms`);
    this.#escalation = new KillEscalation({
      signal: (signal) => child.signal(signal),
      onEscalate: (ms) => this.#logger.info(`Process ${child.pid} did not terminate after ${ms} ms, sending SIGKILL to its process group`),
    });
    this.#escalation.start(graceMs);
    this.#killed = true;
  }

  #completionTimeout(maxMs: number): void {
    this.#completionTimer = undefined;
    if (this.#terminated || this.#killed) return;
    this.#logger.info(`Killing task ${this.#taskId ?? ''} which exceeded its maximum completion time of ${maxMs} ms`);
    this.#killedByCompletionTimeout = true;
    this.#killWithGrace(0);
  }

  #healthUpdated(health: TaskHealthStatus): void {
    // After a kill or the end, health no longer matters (and must not follow a terminal update).
    if (this.#killed || this.#terminated || this.#lastStatus === undefined) return;
    this.#logger.info(`Received task health update, healthy: ${health.healthy}`);
    this.#forward(derivedStatus(this.#lastStatus, { reason: TaskStatus_Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, healthy: health.healthy }));
    if (health.killTask) {
      this.#killedByHealthCheck = true;
      this.#kill(health.taskId, undefined);
    }
  }

  #reaped(termination: Termination): void {
    this.#terminated = true;
    // What the task left running in its process group goes with it, as a container's processes do when Mesos
    // destroys it.
    this.#process?.signal('SIGKILL');
    this.#healthChecker?.stop();
    this.#escalation?.stop();
    if (this.#completionTimer !== undefined) clearTimeout(this.#completionTimer);
    this.#completionTimer = undefined;

    let state: TaskState;
    let reason: TaskStatus_Reason | undefined;
    if (this.#killedByCompletionTimeout) {
      state = TaskState.TASK_FAILED;
      reason = TaskStatus_Reason.REASON_MAX_COMPLETION_TIME_REACHED;
    } else if (this.#killed) state = TaskState.TASK_KILLED;
    else if (succeeded(termination)) state = TaskState.TASK_FINISHED;
    else state = TaskState.TASK_FAILED;
    const message = `${this.#options.subject ?? 'Command'} ${describeTermination(termination)}`;
    this.#logger.info(`${message} (pid: ${this.#process?.pid ?? '?'})`);
    this.#forwardTerminal(
      newStatus(this.#taskId ?? '', state, {
        message,
        ...(reason === undefined ? {} : { reason }),
        // A kill because of failing health checks says so.
        ...(this.#killed && this.#killedByHealthCheck ? { healthy: false } : {}),
      }),
    );
  }

  /** Sends the terminal update, then waits (bounded) for its ACK before finishing. */
  #forwardTerminal(status: TaskStatus): void {
    this.#terminalUuid = uuidHex(status.uuid);
    this.#forward(status);
    if (this.#lost) {
      this.#finish(1);
      return;
    }
    const timeoutMs = this.#options.terminalAckTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.#ackTimer = setTimeout(() => {
      this.#logger.error('Did not receive ACK for the terminal status update from the agent');
      this.#finish(1);
    }, timeoutMs);
  }

  #forward(status: TaskStatus): void {
    if (status.taskId?.value === this.#taskId) this.#lastStatus = status;
    this.#client.update(status).catch((error: unknown) => {
      this.#logger.error(`Failed to send ${TaskState[status.state ?? 0] ?? ''} for task ${status.taskId?.value ?? ''}: ${String(error)}`);
    });
  }

  /** The subscription ended and will not come back (no checkpointing, or the recovery timeout passed). */
  #connectionLost(error: unknown): void {
    if (this.#done) return;
    this.#lost = true;
    const why = isExecutorError(error) ? `${error.kind}: ${error.message}` : String(error);
    this.#logger.error(`Lost the connection to the agent: ${why}; shutting down`);
    if (this.#task !== undefined && !this.#terminated) {
      // Mesos's executor library turns this into a SHUTDOWN; the task goes, then we do.
      this.shutdown();
      return;
    }
    this.#finish(1);
  }

  #cleanup(): void {
    if (this.#ackTimer !== undefined) clearTimeout(this.#ackTimer);
    if (this.#completionTimer !== undefined) clearTimeout(this.#completionTimer);
    this.#healthChecker?.stop();
    this.#escalation?.stop();
    // Never leave the task behind when we go (e.g. a KILL before the task ran).
    this.killNow();
  }
}
