/**
 * The agent's task status update manager (Mesos's `TaskStatusUpdateManager`, src/slave/task_status_update_manager.cpp):
 * it makes status updates reliable between the agent and the scheduler.
 *
 * - One stream per task (framework ID + task ID), a FIFO of updates. Only the head is in flight: it is forwarded
 *   to the master and resent after 10 s, 20 s, 40 s, ... up to 10 min, until the scheduler's acknowledgement with
 *   the head's UUID comes back; then the next update goes.
 * - An update whose UUID the stream has seen is a duplicate (the executor resent it): ignored, not an error.
 * - Once a stream holds a terminal update it takes no new one; the stream ends when the terminal update is
 *   acknowledged.
 * - While the agent has no master (`pause`) nothing is sent; `resume` (after re-registration) resends every head.
 *
 * Pure: no I/O, no clock. Timers and the forwarding are injected, so tests drive retries with fake timers.
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { TaskState, type internal } from '@mesos-ts/proto';

/** Mesos's STATUS_UPDATE_RETRY_INTERVAL_MIN / _MAX (src/slave/constants.hpp). */
export const STATUS_UPDATE_RETRY_INTERVAL_MIN_MS = 10_000;
export const STATUS_UPDATE_RETRY_INTERVAL_MAX_MS = 600_000;

/** An opaque timer handle from {@link Timers}. */
export type TimerHandle = unknown;

/** The timer functions the manager uses; Node's by default (unref'd, so they never keep the process alive). */
export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Node's timers, unref'd. */
export const nodeTimers: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface StatusUpdateManagerOptions {
  /** Sends an update to the master (called for the first send and for every retry). Must not throw. */
  readonly forward: (update: internal.StatusUpdate) => void;
  readonly timers?: Timers;
  /** First retry interval; doubles per retry. Default 10 s. */
  readonly minRetryMs?: number;
  /** Largest retry interval. Default 10 min. */
  readonly maxRetryMs?: number;
}

/** What {@link StatusUpdateManager.update} did with an update. */
export type UpdateOutcome = 'accepted' | 'duplicate';

/** What an acknowledgement completed. */
export interface AcknowledgementOutcome {
  /** The update that was acknowledged. */
  readonly update: internal.StatusUpdate;
  /** Whether it was the task's terminal update (the stream is gone now). */
  readonly terminal: boolean;
}

interface Stream {
  readonly frameworkId: string;
  readonly taskId: string;
  readonly pending: internal.StatusUpdate[];
  readonly received: Set<string>;
  readonly acknowledged: Set<string>;
  /** The first terminal update received, if any: nothing may follow it. */
  terminal: internal.StatusUpdate | undefined;
  timer: TimerHandle | undefined;
}

const TERMINAL_STATES: ReadonlySet<TaskState> = new Set([
  TaskState.TASK_FINISHED,
  TaskState.TASK_FAILED,
  TaskState.TASK_KILLED,
  TaskState.TASK_LOST,
  TaskState.TASK_ERROR,
  TaskState.TASK_DROPPED,
  TaskState.TASK_GONE,
  TaskState.TASK_GONE_BY_OPERATOR,
]);

/** Mesos's `protobuf::isTerminalState`. */
export function isTerminalState(state: TaskState | undefined): boolean {
  return state !== undefined && TERMINAL_STATES.has(state);
}

/** A UUID's bytes as the key the manager compares by. */
export function uuidKey(uuid: Uint8Array): string {
  return Buffer.from(uuid.buffer, uuid.byteOffset, uuid.byteLength).toString('hex');
}

function stateName(state: TaskState | undefined): string {
  return state === undefined ? 'UNKNOWN' : (TaskState[state] ?? String(state));
}

/** See the module comment. One instance per agent. */
export class StatusUpdateManager {
  readonly #forward: (update: internal.StatusUpdate) => void;
  readonly #timers: Timers;
  readonly #minRetryMs: number;
  readonly #maxRetryMs: number;
  /** framework ID -> task ID -> stream. */
  readonly #streams = new Map<string, Map<string, Stream>>();
  #paused = false;

  constructor(options: StatusUpdateManagerOptions) {
    this.#forward = options.forward;
    this.#timers = options.timers ?? nodeTimers;
    this.#minRetryMs = options.minRetryMs ?? STATUS_UPDATE_RETRY_INTERVAL_MIN_MS;
    this.#maxRetryMs = options.maxRetryMs ?? STATUS_UPDATE_RETRY_INTERVAL_MAX_MS;
  }

  /** Whether forwarding is paused (no master). */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Takes an update into its task's stream. Needs `framework_id`, `status.task_id` and `status.uuid`.
   * Returns `'duplicate'` for a UUID the stream has seen (nothing changes), an INVALID_ARGUMENT error for an
   * update without those fields or one that follows the task's terminal update, else `'accepted'`; an accepted
   * update that is the stream's only one is forwarded at once (unless paused).
   */
  update(update: internal.StatusUpdate): Result<UpdateOutcome> {
    const frameworkId = update.frameworkId?.value;
    const taskId = update.status?.taskId?.value;
    const uuid = update.status?.uuid;
    if (frameworkId === undefined) return err(new MesosTsError('INVALID_ARGUMENT', "Task status update is missing 'framework_id'"));
    if (taskId === undefined) return err(new MesosTsError('INVALID_ARGUMENT', "Task status update is missing 'status.task_id'"));
    if (uuid === undefined || uuid.byteLength === 0) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Task status update for task '${taskId}' is missing 'uuid'`));
    }
    const key = uuidKey(uuid);

    let stream = this.#stream(frameworkId, taskId);
    if (stream !== undefined && (stream.acknowledged.has(key) || stream.received.has(key))) return ok('duplicate');
    if (stream?.terminal !== undefined) {
      return err(
        new MesosTsError(
          'INVALID_ARGUMENT',
          `Task '${taskId}' of framework '${frameworkId}' already has the terminal update ${stateName(stream.terminal.status?.state)}; ` +
            `refusing ${stateName(update.status?.state)}`,
        ),
      );
    }
    if (stream === undefined) {
      stream = { frameworkId, taskId, pending: [], received: new Set(), acknowledged: new Set(), terminal: undefined, timer: undefined };
      let tasks = this.#streams.get(frameworkId);
      if (tasks === undefined) this.#streams.set(frameworkId, (tasks = new Map()));
      tasks.set(taskId, stream);
    }
    stream.received.add(key);
    stream.pending.push(update);
    if (isTerminalState(update.status?.state)) stream.terminal = update;
    if (stream.pending.length === 1 && !this.#paused) this.#send(stream, this.#minRetryMs);
    return ok('accepted');
  }

  /**
   * The scheduler acknowledged the update `uuid` of a task. It must be the stream's head: then the head is
   * dropped and the next update (if any) is forwarded. Errors (NOT_FOUND / INVALID_ARGUMENT, nothing changes)
   * for an unknown stream, an empty stream, a repeated acknowledgement or another update's UUID.
   */
  acknowledge(frameworkId: string, taskId: string, uuid: Uint8Array): Result<AcknowledgementOutcome> {
    const stream = this.#stream(frameworkId, taskId);
    if (stream === undefined) {
      return err(new MesosTsError('NOT_FOUND', `Cannot find the task status update stream for task '${taskId}' of framework '${frameworkId}'`));
    }
    const key = uuidKey(uuid);
    const head = stream.pending[0];
    if (head === undefined) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Unexpected acknowledgement (UUID ${key}) for task '${taskId}': no update is pending`));
    }
    if (stream.acknowledged.has(key)) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Duplicate acknowledgement (UUID ${key}) for task '${taskId}' of framework '${frameworkId}'`));
    }
    const expected = uuidKey(head.status!.uuid!);
    if (key !== expected) {
      return err(
        new MesosTsError('INVALID_ARGUMENT', `Unexpected acknowledgement for task '${taskId}' (received UUID ${key}, expecting ${expected})`),
      );
    }

    this.#clearTimer(stream);
    stream.pending.shift();
    stream.acknowledged.add(key);
    const terminal = isTerminalState(head.status?.state);
    if (terminal) {
      // The terminal update is the last one (update() refuses anything after it), so the stream is done.
      this.#remove(stream);
    } else if (stream.pending.length > 0 && !this.#paused) {
      this.#send(stream, this.#minRetryMs);
    }
    return ok({ update: head, terminal });
  }

  /** Stops forwarding and retrying (the agent lost its master). */
  pause(): void {
    this.#paused = true;
    for (const stream of this.#allStreams()) this.#clearTimer(stream);
  }

  /** Forwards every stream's head again and restarts the retries (the agent (re-)registered). */
  resume(): void {
    this.#paused = false;
    for (const stream of this.#allStreams()) {
      this.#clearTimer(stream);
      if (stream.pending.length > 0) this.#send(stream, this.#minRetryMs);
    }
  }

  /** Drops every stream of a framework (it was shut down: no acknowledgement will come). */
  cleanup(frameworkId: string): void {
    const tasks = this.#streams.get(frameworkId);
    if (tasks === undefined) return;
    for (const stream of tasks.values()) this.#clearTimer(stream);
    this.#streams.delete(frameworkId);
  }

  /** Drops everything (the agent stops). */
  stop(): void {
    for (const frameworkId of [...this.#streams.keys()]) this.cleanup(frameworkId);
  }

  /** The unacknowledged updates of a task, oldest first (a copy). */
  pending(frameworkId: string, taskId: string): readonly internal.StatusUpdate[] {
    return [...(this.#stream(frameworkId, taskId)?.pending ?? [])];
  }

  /** Whether a task has a stream (updates not yet acknowledged, or a terminal update not yet acknowledged). */
  has(frameworkId: string, taskId: string): boolean {
    return this.#stream(frameworkId, taskId) !== undefined;
  }

  /** Number of open streams. */
  get size(): number {
    let n = 0;
    for (const tasks of this.#streams.values()) n += tasks.size;
    return n;
  }

  #stream(frameworkId: string, taskId: string): Stream | undefined {
    return this.#streams.get(frameworkId)?.get(taskId);
  }

  *#allStreams(): Generator<Stream> {
    for (const tasks of this.#streams.values()) yield* tasks.values();
  }

  #remove(stream: Stream): void {
    this.#clearTimer(stream);
    const tasks = this.#streams.get(stream.frameworkId);
    tasks?.delete(stream.taskId);
    if (tasks?.size === 0) this.#streams.delete(stream.frameworkId);
  }

  #clearTimer(stream: Stream): void {
    if (stream.timer !== undefined) this.#timers.clearTimeout(stream.timer);
    stream.timer = undefined;
  }

  /** Forwards the head now and schedules its resend after `intervalMs`, doubling each time. */
  #send(stream: Stream, intervalMs: number): void {
    const head = stream.pending[0];
    if (head === undefined) return;
    this.#forward(head);
    stream.timer = this.#timers.setTimeout(() => {
      stream.timer = undefined;
      if (this.#paused || stream.pending[0] !== head) return;
      this.#send(stream, Math.min(intervalMs * 2, this.#maxRetryMs));
    }, intervalMs);
  }
}
