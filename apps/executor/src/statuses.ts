/** Small pure helpers for task statuses, framework capabilities and protobuf durations. */
import { randomUuidBytes } from '@mesos-ts/client';
import { FrameworkInfo_Capability_Type, TaskState, isTerminalState, type ContainerID, type DurationInfo, type FrameworkInfo, type KillPolicy, type TaskInfo, type TaskStatus, type TaskStatus_Reason } from '@mesos-ts/proto';

export { isTerminalState };

/** Whether the framework declared `capability` (e.g. TASK_KILLING_STATE). */
export function hasCapability(framework: FrameworkInfo | undefined, capability: FrameworkInfo_Capability_Type): boolean {
  return (framework?.capabilities ?? []).some((c) => c.type === capability);
}

/** A `DurationInfo` in milliseconds (negative values count as zero); `undefined` when not set. */
export function durationMs(duration: DurationInfo | undefined): number | undefined {
  if (duration?.nanoseconds === undefined) return undefined;
  const nanos = duration.nanoseconds < 0n ? 0n : duration.nanoseconds;
  return Number(nanos / 1_000_000n) + Number(nanos % 1_000_000n) / 1e6;
}

/** The grace period of a kill policy, in milliseconds, if it sets one. */
export function gracePeriodMs(policy: KillPolicy | undefined): number | undefined {
  return durationMs(policy?.gracePeriod);
}

/** The role a task's resources are allocated to (for `MESOS_ALLOCATION_ROLE`), if the resources say. */
export function allocationRole(task: TaskInfo): string | undefined {
  return task.resources?.[0]?.allocationInfo?.role;
}

export interface StatusExtras {
  readonly reason?: TaskStatus_Reason;
  readonly message?: string;
  readonly healthy?: boolean;
  readonly containerId?: ContainerID;
}

/**
 * A fresh status from scratch (Mesos's `createTaskStatus` in the executors): a new uuid and timestamp, the
 * task and state, and the extras given. The client fills in `executor_id` and `source`.
 */
export function newStatus(taskId: string, state: TaskState, extras: StatusExtras = {}): TaskStatus {
  const status: TaskStatus = { taskId: { value: taskId }, state, uuid: randomUuidBytes(), timestamp: Date.now() / 1000 };
  if (extras.reason !== undefined) status.reason = extras.reason;
  if (extras.message !== undefined) status.message = extras.message;
  if (extras.healthy !== undefined) status.healthy = extras.healthy;
  if (extras.containerId !== undefined) status.containerStatus = { containerId: extras.containerId };
  return status;
}

/**
 * A status derived from the previous one, keeping all it carried (state, container status, ...), with a new
 * uuid and timestamp and the given changes: how Mesos's executors report health changes.
 */
export function derivedStatus(previous: TaskStatus, changes: Pick<TaskStatus, 'reason' | 'healthy'>): TaskStatus {
  return { ...previous, ...changes, uuid: randomUuidBytes(), timestamp: Date.now() / 1000 };
}
