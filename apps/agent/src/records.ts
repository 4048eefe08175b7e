/**
 * The agent's bookkeeping of frameworks, executors and tasks (Mesos's `Framework` and `Executor` in
 * src/slave/slave.hpp), and the pure helpers that move tasks between an executor's collections:
 *
 * ```
 * RUN_TASK ─► queuedTasks ──(delivered in LAUNCH / LAUNCH_GROUP)──► launchedTasks ──(terminal update)──►
 *             terminatedTasks ──(terminal update acknowledged)──► completedTasks
 * ```
 *
 * A queued task may also go straight to terminatedTasks (killed before delivery, executor gone).
 */
import type { EventStream } from '@mesos-ts/http-api';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import {
  FrameworkInfo_Capability_Type,
  TaskState,
  TaskStatus_Source,
  type AgentID,
  type ExecutorInfo,
  type FrameworkInfo,
  type Resource,
  type Task,
  type TaskGroupInfo,
  type TaskInfo,
  type TaskStatus,
  type TaskStatus_Reason,
  type internal,
} from '@mesos-ts/proto';
import type { ReregisterReport } from './master-link';
import { isTerminalState } from './status-update-manager';

/** Mesos keeps this many of each for `/state` (src/slave/constants.hpp). */
export const MAX_COMPLETED_FRAMEWORKS = 50;
export const MAX_COMPLETED_EXECUTORS_PER_FRAMEWORK = 150;
export const MAX_COMPLETED_TASKS_PER_EXECUTOR = 200;

export type FrameworkState = 'RUNNING' | 'TERMINATING';
export type ExecutorState = 'REGISTERING' | 'RUNNING' | 'TERMINATING' | 'TERMINATED';

/** Why an executor's remaining tasks fail when it ends, decided before it ended (Mesos's `pendingTermination`). */
export interface PendingTermination {
  readonly state: TaskState;
  readonly reason: TaskStatus_Reason;
  readonly message: string;
}

export interface FrameworkRecord {
  readonly id: string;
  /** With `id` set. */
  info: FrameworkInfo;
  state: FrameworkState;
  readonly executors: Map<string, ExecutorRecord>;
  readonly completedExecutors: ExecutorRecord[];
}

export interface ExecutorRecord {
  readonly id: string;
  readonly frameworkId: string;
  /** As the framework gave it (or as the agent made it for a command task); sent in SUBSCRIBED. */
  readonly info: ExecutorInfo;
  readonly containerId: string;
  /** The sandbox. */
  readonly directory: string;
  readonly user: string | undefined;
  /** Made by the agent for a command task: no EXECUTOR_EXITED for it, as the master does not track it. */
  readonly commandExecutor: boolean;
  state: ExecutorState;
  readonly queuedTasks: Map<string, TaskInfo>;
  queuedTaskGroups: TaskGroupInfo[];
  readonly launchedTasks: Map<string, Task>;
  readonly terminatedTasks: Map<string, Task>;
  readonly completedTasks: Task[];
  /** The SUBSCRIBE stream while the executor is connected. */
  stream: EventStream<'mesos.v1.executor.Event'> | undefined;
  pendingTermination: PendingTermination | undefined;
  /** Whether a LAUNCH / LAUNCH_GROUP was ever sent. */
  everSentTask: boolean;
  /** The container's resources (executor + first tasks). */
  readonly resources: readonly Resource[];
  /** The container's first process, once launched. */
  pid: number | undefined;
  /** The container must go as soon as its launch completes (destroyed while launching). */
  destroyRequested: boolean;
  registrationTimer: NodeJS.Timeout | undefined;
  shutdownTimer: NodeJS.Timeout | undefined;
}

/** Mesos's `Executor::incompleteTasks`: tasks not yet delivered, running, or with an unacknowledged terminal update. */
export function hasIncompleteTasks(executor: ExecutorRecord): boolean {
  return executor.queuedTasks.size > 0 || executor.launchedTasks.size > 0 || executor.terminatedTasks.size > 0;
}

/** The executor that has (had) the task, in any collection but completedTasks. */
export function executorOfTask(framework: FrameworkRecord, taskId: string): ExecutorRecord | undefined {
  for (const executor of framework.executors.values()) {
    if (executor.queuedTasks.has(taskId) || executor.launchedTasks.has(taskId) || executor.terminatedTasks.has(taskId)) return executor;
  }
  return undefined;
}

/** The queued task group a task belongs to, if any. */
export function queuedGroupOf(executor: ExecutorRecord, taskId: string): TaskGroupInfo | undefined {
  return executor.queuedTaskGroups.find((group) => (group.tasks ?? []).some((t) => t.taskId?.value === taskId));
}

/** Mesos's `protobuf::createTask`: the Task record of a TaskInfo. */
export function createTask(task: TaskInfo, state: TaskState, frameworkId: string, executorId: string | undefined): Task {
  const record: Task = {
    name: task.name ?? '',
    taskId: task.taskId!,
    frameworkId: { value: frameworkId },
    state,
    resources: task.resources ?? [],
    statuses: [],
  };
  if (task.agentId !== undefined) record.agentId = task.agentId;
  // Only tasks that name an executor carry its ID; command tasks' executor is the agent's business.
  if (task.executor !== undefined && executorId !== undefined) record.executorId = { value: executorId };
  if (task.labels !== undefined) record.labels = task.labels;
  if (task.discovery !== undefined) record.discovery = task.discovery;
  if (task.container !== undefined) record.container = task.container;
  if (task.healthCheck !== undefined) record.healthCheck = task.healthCheck;
  if (task.killPolicy !== undefined) record.killPolicy = task.killPolicy;
  if (task.limits !== undefined) record.limits = task.limits;
  const user = task.command?.user ?? task.executor?.command?.user;
  if (user !== undefined) record.user = user;
  return record;
}

/** Removes a task from the queue (and from its queued group, dropping the group once empty). */
export function dequeueTask(executor: ExecutorRecord, taskId: string): TaskInfo | undefined {
  const task = executor.queuedTasks.get(taskId);
  if (task === undefined) return undefined;
  executor.queuedTasks.delete(taskId);
  executor.queuedTaskGroups = executor.queuedTaskGroups
    .map((group) => ({ ...group, tasks: (group.tasks ?? []).filter((t) => t.taskId?.value !== taskId) }))
    .filter((group) => (group.tasks ?? []).length > 0);
  return task;
}

/**
 * Applies a status to the task it names (Mesos's `Executor::updateTaskState`): a queued task may only end
 * (terminal states); a launched task takes any state and moves to terminatedTasks on a terminal one; a
 * terminated or unknown task is an error (the update is then acknowledged to the executor but not forwarded).
 * Returns the task record.
 */
export function updateTaskState(executor: ExecutorRecord, status: TaskStatus): Result<Task> {
  const taskId = status.taskId?.value ?? '';
  const state = status.state ?? TaskState.TASK_STAGING;
  const terminal = isTerminalState(state);
  let task: Task | undefined;
  const queued = executor.queuedTasks.get(taskId);
  if (queued !== undefined) {
    if (!terminal) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Cannot send non-terminal update ${TaskState[state]} for queued task '${taskId}'`));
    }
    dequeueTask(executor, taskId);
    task = createTask(queued, state, executor.frameworkId, executor.id);
  } else if (executor.launchedTasks.has(taskId)) {
    task = executor.launchedTasks.get(taskId)!;
    if (terminal) executor.launchedTasks.delete(taskId);
  } else if (executor.terminatedTasks.has(taskId) || executor.completedTasks.some((t) => t.taskId?.value === taskId)) {
    const previous = executor.terminatedTasks.get(taskId) ?? executor.completedTasks.find((t) => t.taskId?.value === taskId)!;
    return err(new MesosTsError('INVALID_ARGUMENT', `Task '${taskId}' is already terminated with state ${TaskState[previous.state ?? 0]}`));
  } else {
    return err(new MesosTsError('NOT_FOUND', `Task '${taskId}' is unknown to executor '${executor.id}'`));
  }

  // Keep one status per state, the latest last, as Mesos does (repeated TASK_RUNNING for health changes).
  const statuses = task.statuses ?? (task.statuses = []);
  if (statuses.length > 0 && statuses[statuses.length - 1]!.state === state) statuses.pop();
  statuses.push(status);
  task.state = state;
  if (terminal) executor.terminatedTasks.set(taskId, task);
  return ok(task);
}

/** Moves an acknowledged terminal task to completedTasks (bounded). */
export function completeTask(executor: ExecutorRecord, taskId: string): void {
  const task = executor.terminatedTasks.get(taskId);
  if (task === undefined) return;
  executor.terminatedTasks.delete(taskId);
  executor.completedTasks.push(task);
  if (executor.completedTasks.length > MAX_COMPLETED_TASKS_PER_EXECUTOR) executor.completedTasks.shift();
}

/**
 * What the agent reports on REREGISTER (Mesos's `reregisterSlave`): running frameworks, the executors the master
 * tracks (not the agent's command executors, nor ended ones), and every task not yet completed: queued ones as
 * TASK_STAGING, launched ones, and terminal ones whose update is not yet acknowledged.
 */
export function reregisterReport(frameworks: Iterable<FrameworkRecord>, agentId: string | undefined): ReregisterReport {
  const report = { frameworks: [] as FrameworkInfo[], executors: [] as ExecutorInfo[], tasks: [] as Task[] };
  for (const framework of frameworks) {
    if (framework.state !== 'RUNNING') continue;
    report.frameworks.push(framework.info);
    for (const executor of framework.executors.values()) {
      if (!executor.commandExecutor && executor.state !== 'TERMINATED') report.executors.push(executor.info);
      for (const task of executor.queuedTasks.values()) report.tasks.push(createTask(task, TaskState.TASK_STAGING, framework.id, executor.id));
      report.tasks.push(...executor.launchedTasks.values(), ...executor.terminatedTasks.values());
    }
  }
  // `Task.agent_id` is required on the wire; a TaskInfo from the master normally carries it already.
  if (agentId !== undefined) report.tasks = report.tasks.map((t) => (t.agentId === undefined ? { ...t, agentId: { value: agentId } } : t));
  return report;
}

/** Whether the framework handles TASK_DROPPED / TASK_UNREACHABLE / TASK_GONE (capability PARTITION_AWARE). */
export function isPartitionAware(info: FrameworkInfo): boolean {
  return (info.capabilities ?? []).some((c) => c.type === FrameworkInfo_Capability_Type.PARTITION_AWARE);
}

/**
 * An executor's UPDATE as the agent handles it (Mesos's `createStatusUpdate` from a TaskStatus): the executor's
 * ID and source EXECUTOR stamped on, the agent ID filled in when missing, `timestamp` (seconds) when missing.
 */
export function executorStatusUpdate(executor: ExecutorRecord, status: TaskStatus, agentId: AgentID, now: number): internal.StatusUpdate {
  const timestamp = status.timestamp ?? now;
  return {
    frameworkId: { value: executor.frameworkId },
    executorId: { value: executor.id },
    status: { ...status, agentId: status.agentId ?? agentId, executorId: { value: executor.id }, source: TaskStatus_Source.SOURCE_EXECUTOR, timestamp },
    timestamp,
  };
}

/** What an update the agent generates itself says (source AGENT). */
export interface AgentUpdateInput {
  readonly frameworkId: string;
  readonly taskId: string;
  readonly state: TaskState;
  readonly message: string;
  readonly reason: TaskStatus_Reason;
  readonly executorId: string | undefined;
  readonly agentId: AgentID | undefined;
  readonly uuid: Buffer;
  /** Seconds since the epoch. */
  readonly timestamp: number;
}

/** An update generated by the agent (Mesos's `createStatusUpdate` with source SLAVE). */
export function agentStatusUpdate(input: AgentUpdateInput): internal.StatusUpdate {
  const { taskId, state, message, reason, uuid, timestamp } = input;
  const status: TaskStatus = { taskId: { value: taskId }, state, source: TaskStatus_Source.SOURCE_AGENT, message, reason, uuid, timestamp };
  if (input.agentId !== undefined) status.agentId = input.agentId;
  if (input.executorId !== undefined) status.executorId = { value: input.executorId };
  const update: internal.StatusUpdate = { frameworkId: { value: input.frameworkId }, status, timestamp };
  if (input.executorId !== undefined) update.executorId = { value: input.executorId };
  return update;
}
