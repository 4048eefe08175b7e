import { Resources } from '@mesos-ts/resources';
import { TaskState, TaskStatus_Reason, TaskStatus_Source, isTerminalState, stringifyMesosJson, toMesosJson, type TaskStatus } from '@mesos-ts/proto';

export { isTerminalState };

/** A proto enum value's name, or the number when this build does not know it. */
function enumName(values: Record<number, string>, value: number): string {
  return values[value] ?? String(value);
}

/** The name of a task state, e.g. `TASK_RUNNING`. */
export function stateName(state: TaskState | undefined): string {
  return state === undefined ? 'TASK_STAGING' : enumName(TaskState as unknown as Record<number, string>, state);
}

/**
 * A status update as people read it, the lines `mesos-execute` prints: the state and task, then the message,
 * source, reason, health, check status and resource limitation when the update has them.
 */
export function formatStatusUpdate(status: TaskStatus): string[] {
  const lines = [`Received status update ${stateName(status.state)} for task '${status.taskId?.value ?? ''}'`];
  if (status.message !== undefined) lines.push(`  message: '${status.message}'`);
  if (status.source !== undefined) lines.push(`  source: ${enumName(TaskStatus_Source as unknown as Record<number, string>, status.source)}`);
  if (status.reason !== undefined) lines.push(`  reason: ${enumName(TaskStatus_Reason as unknown as Record<number, string>, status.reason)}`);
  if (status.healthy !== undefined) lines.push(`  healthy?: ${status.healthy}`);
  if (status.checkStatus !== undefined) lines.push(`  check status: ${stringifyMesosJson(toMesosJson('mesos.v1.CheckStatusInfo', status.checkStatus))}`);
  const limited = status.limitation?.resources ?? [];
  if (limited.length > 0) {
    const resources = Resources.fromProto(limited);
    lines.push(`  resource limit violation: ${resources.ok ? resources.value.toString() : limited.map((r) => r.name).join(', ')}`);
  }
  return lines;
}

/** How Mesos prints a list of IDs: `[ a, b ]`. */
export function formatIdList(ids: readonly string[]): string {
  return ids.length === 0 ? '[  ]' : `[ ${ids.join(', ')} ]`;
}
