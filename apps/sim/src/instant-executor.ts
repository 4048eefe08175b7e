/**
 * The task side of a simulated agent: what a real agent plus its executors would do with the master's events,
 * minus processes and sandboxes. A task "runs" the moment it arrives:
 *
 * - `RUN_TASK` / `RUN_TASK_GROUP`: for every task, TASK_RUNNING and then (per {@link TaskBehaviour}) TASK_FINISHED
 *   or TASK_FAILED, both generated at once with fresh UUIDs and handed to the agent's real
 *   {@link StatusUpdateManager}. That manager forwards one update per task at a time: TASK_RUNNING goes now,
 *   the terminal update only after the scheduler's acknowledgement of TASK_RUNNING comes back, exactly as a real
 *   agent behaves. `latest_state` carries the task's real (already terminal) state, so the master can recover
 *   its resources before the scheduler acknowledges, as Mesos does.
 * - `ACKNOWLEDGE`: retires the acknowledged update (the next one goes out); when a task's terminal update is
 *   acknowledged the task is forgotten, and an executor (custom or task-group) left without tasks exits
 *   (`EXECUTOR_EXITED`, status 0), as Mesos's default executor does once its group is done.
 * - `KILL_TASK`: TASK_KILLED for a task that is still running (behaviour `run`); a task the agent does not know
 *   gets TASK_LOST (TASK_DROPPED for partition-aware frameworks), as Mesos's agent answers.
 * - `SHUTDOWN_EXECUTOR`: its running tasks are killed, then it exits. `SHUTDOWN_FRAMEWORK`: everything of the
 *   framework is dropped, pending updates included (no acknowledgement will come).
 *
 * No I/O: updates leave through `forward`, other calls through `send`; timers (the update manager's retries) are
 * injectable. One instance per simulated agent.
 */
import { randomUUID } from 'node:crypto';
import type { ReregisterReport } from '@mesos-ts/agent';
import { StatusUpdateManager, isTerminalState, type Timers } from '@mesos-ts/agent';
import {
  FrameworkInfo_Capability_Type,
  TaskState,
  TaskStatus_Reason,
  TaskStatus_Source,
  internal,
  type ExecutorInfo,
  type FrameworkInfo,
  type Task,
  type TaskInfo,
  type TaskStatus,
} from '@mesos-ts/proto';

/**
 * What a task does once launched: `finish` (TASK_RUNNING, TASK_FINISHED; the default), `fail` (TASK_RUNNING,
 * TASK_FAILED), `run` (TASK_RUNNING, then runs until killed).
 */
export type TaskBehaviour = 'finish' | 'fail' | 'run';

/** Counters of one executor (summed over a simulation by the simulator). */
export interface ExecutorCounters {
  /** Tasks received through RUN_TASK or RUN_TASK_GROUP. */
  tasksLaunched: number;
  /** Status updates generated (each is forwarded at least once). */
  updatesGenerated: number;
  /** Status updates retired by an ACKNOWLEDGE. */
  updatesAcknowledged: number;
  /** ACKNOWLEDGE events that did not match a pending update (logged, ignored). */
  badAcknowledgements: number;
  /** EXECUTOR_EXITED calls sent. */
  executorsExited: number;
}

/** Options of {@link InstantExecutor}. */
export interface InstantExecutorOptions {
  /** The agent's ID once registered (stamped into statuses). */
  readonly agentId: () => string | undefined;
  /** Sends a status update to the master (MasterLink.sendStatusUpdate: batched per tick). Must not throw. */
  readonly forward: (update: internal.StatusUpdate) => void;
  /** Sends any other call (EXECUTOR_EXITED). Must not throw. */
  readonly send: (call: internal.AgentCall) => void;
  readonly behaviour?: TaskBehaviour;
  /** The status update manager's timers (retries); Node's by default. */
  readonly timers?: Timers;
  /** Exit executors (custom or task-group) once all their tasks are done and acknowledged. Default true. */
  readonly exitIdleExecutors?: boolean;
  /** Receives one line per unexpected event (a bad acknowledgement, a kill of an unknown task). */
  readonly warn?: (message: string) => void;
  /** Seconds since the epoch, for update timestamps. Default `Date.now() / 1000`. */
  readonly now?: () => number;
}

interface SimTask {
  readonly info: TaskInfo;
  readonly frameworkId: string;
  /** The executor's ID: the task's own ID for a command task (as Mesos names the command executor). */
  readonly executorId: string;
  /** The latest state the "executor" reported. */
  state: TaskState;
}

interface SimExecutor {
  readonly info: ExecutorInfo | undefined;
  readonly tasks: Set<string>;
}

interface SimFramework {
  info: FrameworkInfo;
  readonly tasks: Map<string, SimTask>;
  /** Custom and task-group executors (command executors are not tracked by the master either). */
  readonly executors: Map<string, SimExecutor>;
}

/** Random UUID bytes (16), as status updates carry them. */
export function uuidBytes(): Buffer {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
}

const T = internal.AgentEvent_Type;

/** See the module comment. */
export class InstantExecutor {
  readonly counters: ExecutorCounters = { tasksLaunched: 0, updatesGenerated: 0, updatesAcknowledged: 0, badAcknowledgements: 0, executorsExited: 0 };
  readonly #options: InstantExecutorOptions;
  readonly #behaviour: TaskBehaviour;
  readonly #updates: StatusUpdateManager;
  readonly #frameworks = new Map<string, SimFramework>();
  readonly #now: () => number;

  constructor(options: InstantExecutorOptions) {
    this.#options = options;
    this.#behaviour = options.behaviour ?? 'finish';
    this.#now = options.now ?? (() => Date.now() / 1000);
    this.#updates = new StatusUpdateManager({
      forward: (update) => this.#forward(update),
      ...(options.timers === undefined ? {} : { timers: options.timers }),
    });
    // Nothing is forwarded before the first REGISTERED.
    this.#updates.pause();
  }

  /** Tasks the agent knows: running, or terminal with an unacknowledged update. */
  get taskCount(): number {
    let n = 0;
    for (const framework of this.#frameworks.values()) n += framework.tasks.size;
    return n;
  }

  /** Updates not yet acknowledged. */
  get pendingUpdates(): number {
    let n = 0;
    for (const framework of this.#frameworks.values()) {
      for (const task of framework.tasks.values()) n += this.#updates.pending(task.frameworkId, task.info.taskId?.value ?? '').length;
    }
    return n;
  }

  /** A session opened: forward every unacknowledged update again. Unknown frameworks are dropped first. */
  registered(unknownFrameworks: readonly string[] = []): void {
    for (const id of unknownFrameworks) this.#dropFramework(id);
    this.#updates.resume();
  }

  /** The session broke: hold updates until the next one. */
  disconnected(): void {
    this.#updates.pause();
  }

  /** Stops every retry timer. */
  stop(): void {
    this.#updates.stop();
  }

  /** Handles one event from the master (anything but REGISTERED, PING and SHUTDOWN, which the link handles). */
  handle(event: internal.AgentEvent): void {
    switch (event.type) {
      case T.RUN_TASK: {
        const run = event.runTask;
        const frameworkId = run?.frameworkId?.value;
        if (run?.framework === undefined || frameworkId === undefined || run.task === undefined) return this.#warn('Ignoring RUN_TASK without framework, framework_id or task');
        const framework = this.#framework(frameworkId, run.framework);
        const executorId = run.task.executor?.executorId?.value;
        if (executorId !== undefined) this.#executor(framework, executorId, run.task.executor);
        this.#launch(frameworkId, framework, run.task, executorId);
        return;
      }
      case T.RUN_TASK_GROUP: {
        const run = event.runTaskGroup;
        const frameworkId = run?.frameworkId?.value;
        const executorId = run?.executor?.executorId?.value;
        if (run?.framework === undefined || frameworkId === undefined || executorId === undefined) return this.#warn('Ignoring RUN_TASK_GROUP without framework, framework_id or executor');
        const framework = this.#framework(frameworkId, run.framework);
        this.#executor(framework, executorId, run.executor);
        for (const task of run.taskGroup?.tasks ?? []) this.#launch(frameworkId, framework, task, executorId);
        return;
      }
      case T.ACKNOWLEDGE: {
        const ack = event.acknowledge;
        const frameworkId = ack?.frameworkId?.value;
        const taskId = ack?.taskId?.value;
        if (frameworkId === undefined || taskId === undefined || ack?.uuid === undefined) return this.#warn('Ignoring ACKNOWLEDGE without framework_id, task_id or uuid');
        this.#acknowledge(frameworkId, taskId, ack.uuid);
        return;
      }
      case T.KILL_TASK: {
        const kill = event.killTask;
        const frameworkId = kill?.frameworkId?.value;
        const taskId = kill?.taskId?.value;
        if (frameworkId === undefined || taskId === undefined) return this.#warn('Ignoring KILL_TASK without framework_id or task_id');
        this.#kill(frameworkId, taskId);
        return;
      }
      case T.SHUTDOWN_EXECUTOR: {
        const frameworkId = event.shutdownExecutor?.frameworkId?.value;
        const executorId = event.shutdownExecutor?.executorId?.value;
        if (frameworkId === undefined || executorId === undefined) return this.#warn('Ignoring SHUTDOWN_EXECUTOR without framework_id or executor_id');
        this.#shutdownExecutor(frameworkId, executorId);
        return;
      }
      case T.SHUTDOWN_FRAMEWORK: {
        const frameworkId = event.shutdownFramework?.frameworkId?.value;
        if (frameworkId !== undefined) this.#dropFramework(frameworkId);
        return;
      }
      case T.UPDATE_FRAMEWORK: {
        const info = event.updateFramework?.framework;
        const existing = info?.id?.value === undefined ? undefined : this.#frameworks.get(info.id.value);
        if (existing !== undefined && info !== undefined) existing.info = info;
        return;
      }
      default:
        // FRAMEWORK_MESSAGE and anything newer: an instant executor has nothing to do with them.
        return;
    }
  }

  /** What runs here, for REREGISTER: running tasks and terminal ones whose update is not acknowledged yet. */
  report(): ReregisterReport {
    const agentId = this.#options.agentId();
    const frameworks: FrameworkInfo[] = [];
    const executors: ExecutorInfo[] = [];
    const tasks: Task[] = [];
    for (const [frameworkId, framework] of this.#frameworks) {
      frameworks.push(framework.info);
      for (const executor of framework.executors.values()) if (executor.info !== undefined) executors.push({ ...executor.info, frameworkId: { value: frameworkId } });
      for (const task of framework.tasks.values()) {
        const { info } = task;
        const entry: Task = {
          name: info.name ?? '',
          taskId: info.taskId ?? { value: '' },
          frameworkId: { value: frameworkId },
          agentId: info.agentId ?? { value: agentId ?? '' },
          state: task.state,
          resources: info.resources ?? [],
        };
        if (info.executor?.executorId !== undefined) entry.executorId = info.executor.executorId;
        tasks.push(entry);
      }
    }
    return { frameworks, executors, tasks };
  }

  #framework(frameworkId: string, info: FrameworkInfo): SimFramework {
    let framework = this.#frameworks.get(frameworkId);
    if (framework === undefined) this.#frameworks.set(frameworkId, (framework = { info, tasks: new Map(), executors: new Map() }));
    else framework.info = info;
    return framework;
  }

  #executor(framework: SimFramework, executorId: string, info: ExecutorInfo | undefined): SimExecutor {
    let executor = framework.executors.get(executorId);
    if (executor === undefined) framework.executors.set(executorId, (executor = { info, tasks: new Set() }));
    return executor;
  }

  #launch(frameworkId: string, framework: SimFramework, info: TaskInfo, customExecutorId: string | undefined): void {
    const taskId = info.taskId?.value;
    if (taskId === undefined) return this.#warn('Ignoring a task without task_id');
    if (framework.tasks.has(taskId)) return this.#warn(`Ignoring a second launch of task '${taskId}' of framework ${frameworkId}`);
    this.counters.tasksLaunched++;
    const task: SimTask = { info, frameworkId, executorId: customExecutorId ?? taskId, state: TaskState.TASK_STAGING };
    framework.tasks.set(taskId, task);
    if (customExecutorId !== undefined) framework.executors.get(customExecutorId)?.tasks.add(taskId);
    // Both updates exist before the first is forwarded, so the first already carries the final `latest_state`.
    const final = this.#behaviour === 'finish' ? TaskState.TASK_FINISHED : this.#behaviour === 'fail' ? TaskState.TASK_FAILED : TaskState.TASK_RUNNING;
    task.state = final;
    this.#report(task, TaskState.TASK_RUNNING, TaskStatus_Source.SOURCE_EXECUTOR);
    if (final !== TaskState.TASK_RUNNING) {
      this.#report(task, final, TaskStatus_Source.SOURCE_EXECUTOR, final === TaskState.TASK_FAILED ? 'The simulated task failed' : undefined);
    }
  }

  /**
   * Generates an update of a task to `state` and gives it to the status update manager. `task.state` (what
   * `latest_state` says) is the caller's to set first.
   */
  #report(task: SimTask, state: TaskState, source: TaskStatus_Source, message?: string, reason?: TaskStatus_Reason): void {
    const agentId = this.#options.agentId();
    const status: TaskStatus = { taskId: task.info.taskId ?? { value: '' }, state, source, uuid: uuidBytes(), timestamp: this.#now(), executorId: { value: task.executorId } };
    if (agentId !== undefined) status.agentId = { value: agentId };
    if (message !== undefined) status.message = message;
    if (reason !== undefined) status.reason = reason;
    const update: internal.StatusUpdate = { frameworkId: { value: task.frameworkId }, executorId: { value: task.executorId }, status, timestamp: status.timestamp! };
    const accepted = this.#updates.update(update);
    if (!accepted.ok) return this.#warn(accepted.error.message);
    this.counters.updatesGenerated++;
  }

  /** Every (re)send of an update, stamped with the task's latest state. */
  #forward(update: internal.StatusUpdate): void {
    const task = this.#frameworks.get(update.frameworkId?.value ?? '')?.tasks.get(update.status?.taskId?.value ?? '');
    this.#options.forward(task === undefined ? update : { ...update, latestState: task.state });
  }

  #acknowledge(frameworkId: string, taskId: string, uuid: Uint8Array): void {
    const outcome = this.#updates.acknowledge(frameworkId, taskId, uuid);
    if (!outcome.ok) {
      this.counters.badAcknowledgements++;
      return this.#warn(outcome.error.message);
    }
    this.counters.updatesAcknowledged++;
    if (!outcome.value.terminal) return;
    const framework = this.#frameworks.get(frameworkId);
    const task = framework?.tasks.get(taskId);
    if (framework === undefined || task === undefined) return;
    framework.tasks.delete(taskId);
    const executor = framework.executors.get(task.executorId);
    if (executor === undefined) return;
    executor.tasks.delete(taskId);
    if (executor.tasks.size === 0 && (this.#options.exitIdleExecutors ?? true)) this.#exitExecutor(frameworkId, framework, task.executorId);
  }

  #exitExecutor(frameworkId: string, framework: SimFramework, executorId: string): void {
    framework.executors.delete(executorId);
    this.counters.executorsExited++;
    this.#options.send({ type: internal.AgentCall_Type.EXECUTOR_EXITED, executorExited: { frameworkId: { value: frameworkId }, executorId: { value: executorId }, status: 0 } });
  }

  #kill(frameworkId: string, taskId: string): void {
    const framework = this.#frameworks.get(frameworkId);
    if (framework === undefined) return this.#warn(`Ignoring kill of task '${taskId}': framework ${frameworkId} is unknown`);
    const task = framework.tasks.get(taskId);
    if (task === undefined) {
      // Mesos's agent answers a kill of a task it does not run with an update of its own: lost, or dropped for
      // partition-aware frameworks. It is acknowledged like any other.
      const partitionAware = (framework.info.capabilities ?? []).some((c) => c.type === FrameworkInfo_Capability_Type.PARTITION_AWARE);
      const orphan: SimTask = { info: { name: '', taskId: { value: taskId }, resources: [] }, frameworkId, executorId: taskId, state: TaskState.TASK_STAGING };
      framework.tasks.set(taskId, orphan);
      orphan.state = partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
      this.#report(orphan, partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST, TaskStatus_Source.SOURCE_AGENT, 'Cannot find executor', TaskStatus_Reason.REASON_EXECUTOR_TERMINATED);
      return;
    }
    if (isTerminalState(task.state)) return;
    task.state = TaskState.TASK_KILLED;
    this.#report(task, TaskState.TASK_KILLED, TaskStatus_Source.SOURCE_EXECUTOR, 'Killed by the scheduler');
  }

  #shutdownExecutor(frameworkId: string, executorId: string): void {
    const framework = this.#frameworks.get(frameworkId);
    const executor = framework?.executors.get(executorId);
    if (framework === undefined || executor === undefined) return this.#warn(`Ignoring shutdown of unknown executor '${executorId}' of framework ${frameworkId}`);
    for (const taskId of executor.tasks) {
      const task = framework.tasks.get(taskId);
      if (task !== undefined && !isTerminalState(task.state)) {
        task.state = TaskState.TASK_KILLED;
        this.#report(task, TaskState.TASK_KILLED, TaskStatus_Source.SOURCE_EXECUTOR, 'The executor was shut down', TaskStatus_Reason.REASON_EXECUTOR_TERMINATED);
      }
    }
    // The executor is gone now; its tasks' updates stay until acknowledged, as with a real agent.
    this.#exitExecutor(frameworkId, framework, executorId);
  }

  #dropFramework(frameworkId: string): void {
    this.#updates.cleanup(frameworkId);
    this.#frameworks.delete(frameworkId);
  }

  #warn(message: string): void {
    this.#options.warn?.(message);
  }
}
