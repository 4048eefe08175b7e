import { TaskState, TaskStatus_Reason, TaskStatus_Source, Value_Type } from '@mesos-ts/proto';
import { formatIdList, formatStatusUpdate, isTerminalState, stateName } from './format';

describe('formatStatusUpdate', () => {
  it('prints the state and task, then message, source, reason and health', () => {
    expect(
      formatStatusUpdate({
        taskId: { value: 'hello' },
        state: TaskState.TASK_FAILED,
        message: 'Command exited with status 1',
        source: TaskStatus_Source.SOURCE_EXECUTOR,
        reason: TaskStatus_Reason.REASON_COMMAND_EXECUTOR_FAILED,
        healthy: false,
      }),
    ).toEqual([
      "Received status update TASK_FAILED for task 'hello'",
      "  message: 'Command exited with status 1'",
      '  source: SOURCE_EXECUTOR',
      '  reason: REASON_COMMAND_EXECUTOR_FAILED',
      '  healthy?: false',
    ]);
  });

  it('prints only the first line for a bare update, and check status and limitations when present', () => {
    expect(formatStatusUpdate({ taskId: { value: 't' }, state: TaskState.TASK_RUNNING })).toEqual(["Received status update TASK_RUNNING for task 't'"]);
    const lines = formatStatusUpdate({
      taskId: { value: 't' },
      state: TaskState.TASK_FAILED,
      checkStatus: { command: { exitCode: 0 } },
      limitation: { resources: [{ name: 'mem', type: Value_Type.SCALAR, scalar: { value: 64 } }] },
    });
    expect(lines.slice(1)).toEqual(['  check status: {"command":{"exit_code":0}}', '  resource limit violation: mem:64']);
  });
});

describe('isTerminalState', () => {
  it('knows the terminal states', () => {
    for (const s of [TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_ERROR, TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR]) {
      expect(isTerminalState(s)).toBe(true);
    }
    for (const s of [TaskState.TASK_STAGING, TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_KILLING, TaskState.TASK_UNREACHABLE, TaskState.TASK_UNKNOWN, undefined]) {
      expect(isTerminalState(s)).toBe(false);
    }
  });
});

describe('stateName and formatIdList', () => {
  it('names states and lists IDs as Mesos prints them', () => {
    expect(stateName(TaskState.TASK_KILLING)).toBe('TASK_KILLING');
    expect(stateName(99 as TaskState)).toBe('99');
    expect(formatIdList(['a', 'b'])).toBe('[ a, b ]');
  });
});
