/**
 * Task statuses the master writes itself (Mesos's `protobuf::createStatusUpdate` with `SOURCE_MASTER`): answers to
 * reconciliation, tasks refused at launch, tasks lost with their agent. They carry no `uuid`, so schedulers do not
 * acknowledge them.
 */
import { TaskStatus_Source, type TaskState, type TaskStatus, type TaskStatus_Reason, type TimeInfo } from '@mesos-ts/proto';

/** What a master-generated status says. */
export interface MasterStatusOptions {
  readonly taskId: string;
  readonly state: TaskState;
  readonly message: string;
  readonly reason?: TaskStatus_Reason;
  readonly agentId?: string | undefined;
  readonly executorId?: string | undefined;
  readonly healthy?: boolean | undefined;
  /** Seconds since the epoch; when the agent was marked unreachable. */
  readonly unreachableTime?: number | undefined;
  /** Seconds since the epoch; default now. */
  readonly timestamp?: number;
}

/** Seconds since the epoch, as Mesos stamps statuses (`Clock::now().secs()`). */
export function nowSeconds(): number {
  return Date.now() / 1000;
}

/** Seconds since the epoch as a `TimeInfo` (nanoseconds). */
export function timeInfo(seconds: number): TimeInfo {
  return { nanoseconds: BigInt(Math.round(seconds * 1e9)) };
}

/** A `TaskStatus` from the master (`source: SOURCE_MASTER`, no `uuid`). */
export function masterStatus(options: MasterStatusOptions): TaskStatus {
  const status: TaskStatus = {
    taskId: { value: options.taskId },
    state: options.state,
    message: options.message,
    source: TaskStatus_Source.SOURCE_MASTER,
    timestamp: options.timestamp ?? nowSeconds(),
  };
  if (options.reason !== undefined) status.reason = options.reason;
  if (options.agentId !== undefined) status.agentId = { value: options.agentId };
  if (options.executorId !== undefined) status.executorId = { value: options.executorId };
  if (options.healthy !== undefined) status.healthy = options.healthy;
  if (options.unreachableTime !== undefined) status.unreachableTime = timeInfo(options.unreachableTime);
  return status;
}

/** Whether `bytes` is a UUID in binary form (16 bytes), as stout's `UUID::fromBytes` requires. */
export function isUuidBytes(bytes: Uint8Array | undefined): boolean {
  return bytes !== undefined && bytes.byteLength === 16;
}

/** The UUID in its canonical text form, for logs. */
export function uuidText(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  if (hex.length !== 32) return hex;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether two byte strings are equal. */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
