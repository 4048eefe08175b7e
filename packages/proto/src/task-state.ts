/**
 * Facts about task states that every part of mesos-ts needs alike: the master, the agent, the executors, the CLI.
 * Mesos keeps them in `src/common/protobuf_utils.cpp`.
 */
import { TaskState } from './gen/mesos/v1/mesos';

const TERMINAL: ReadonlySet<TaskState> = new Set([
  TaskState.TASK_FINISHED,
  TaskState.TASK_FAILED,
  TaskState.TASK_KILLED,
  TaskState.TASK_ERROR,
  TaskState.TASK_LOST,
  TaskState.TASK_DROPPED,
  TaskState.TASK_GONE,
  TaskState.TASK_GONE_BY_OPERATOR,
]);

/**
 * Whether a task in `state` has ended for good (Mesos's `protobuf::isTerminalState`). TASK_UNREACHABLE and
 * TASK_UNKNOWN are not terminal: the task may still come back.
 */
export function isTerminalState(state: TaskState | undefined): boolean {
  return state !== undefined && TERMINAL.has(state);
}
